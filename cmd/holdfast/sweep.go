package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
)

func cmdSweep(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("sweep")
	dsn := f.db()
	asOf := f.str("as-of", "", "sweep as of this time (RFC 3339, e.g. 2026-11-24T09:00:00Z); default now")
	format := f.str("format", "table", "output: json or table")
	dry := f.boolean("dry-run", false, "report what would be done, write nothing")
	polFile := f.str("policy", "", "policy file (default: the shipped policy)")
	overdue := f.str("overdue", "list", "how much of the overdue backlog to report: list (every duty), count, or none")
	if err := f.parse(args); err != nil {
		return err
	}
	at := time.Now().UTC()
	if *asOf != "" {
		t, err := time.Parse(time.RFC3339, *asOf)
		if err != nil {
			return usageError("--as-of %q is not an RFC 3339 time such as 2026-11-24T09:00:00Z", *asOf)
		}
		at = t
	}
	if *format != "json" && *format != "table" {
		return usageError("--format must be json or table, not %q", *format)
	}
	mode, err := service.ParseOverdueReport(*overdue)
	if err != nil {
		return usageError("--overdue must be list, count or none, not %q", *overdue)
	}
	pol, err := loadPolicy(*polFile)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	hf, err := app.New(db, app.Config{Policy: pol})
	if err != nil {
		return err
	}
	rep, err := hf.Svc.Sweep(ctx, service.SystemActor("watchdog"),
		service.SweepOptions{AsOf: at, DryRun: *dry, Overdue: mode})
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	if !rep.Ran {
		fmt.Fprintln(stdout, "another instance is sweeping; nothing done")
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	count := "overdue not counted"
	if rep.OverdueCount != nil {
		count = fmt.Sprintf("%d overdue", *rep.OverdueCount)
	}
	fmt.Fprintf(
		w,
		"Sweep as of %s: %s, %d escalations, %d findings\n\n",
		rep.AsOf.Format(time.RFC3339),
		count,
		len(rep.Escalations),
		len(rep.Findings),
	)
	if rep.OverdueListed {
		fmt.Fprintln(w, "CASE\tDUTY\tACCOUNTABLE\tDUE\tLEVEL")
		for _, d := range rep.Overdue {
			fmt.Fprintf(
				w,
				"%s\t%s\t%s\t%s\t%d\n",
				d.Case,
				d.Kind,
				d.Accountable,
				d.Due.Format("2006-01-02 15:04"),
				d.Escalation,
			)
		}
	}
	fmt.Fprintln(w, "\nCASE\tFINDING\tSEVERITY\tMUST ACT\tSINCE\tNEW")
	for _, x := range rep.Findings {
		fmt.Fprintf(
			w,
			"%s\t%s\t%s\t%s\t%s\t%v\n",
			x.Case,
			x.Kind,
			x.Severity,
			x.MustAct,
			x.Since.Format("2006-01-02"),
			x.New,
		)
	}
	return w.Flush()
}

// loadPolicy reads a policy file; a bad one is refused naming the line.
func loadPolicy(path string) (*policy.Policy, error) {
	if path == "" {
		return policy.Default(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError("policy: %v", err)
	}
	p, err := policy.Parse(b)
	if err != nil {
		return nil, usageError("%s: %v", path, err)
	}
	return p, nil
}
