package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
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
		service.SweepOptions{AsOf: at, DryRun: *dry, Overdue: mode, Standing: true})
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
	// The table is read by people: officers by rank and name, duties and
	// findings by their labels. The JSON keeps usernames and codes (its
	// documented, stable interface).
	org, err := db.Org(ctx)
	if err != nil {
		return err
	}
	person := personByUsername(org)
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	count := "overdue not counted"
	if rep.OverdueCount != nil {
		count = fmt.Sprintf("%d overdue", *rep.OverdueCount)
	}
	fmt.Fprintf(
		w,
		"Sweep as of %s: %s, %d escalations, %d findings\n\n",
		clock.GovUK(rep.AsOf),
		count,
		len(rep.Escalations),
		len(rep.Findings),
	)
	// People read times in London, the GOV.UK way, as every page shows
	// them (a summer day's end is 11:59pm there, 10:59pm in UTC); the
	// column says so.
	if rep.OverdueListed {
		fmt.Fprintln(w, "CASE\tDUTY\tACCOUNTABLE\tDUTIES\tFIRST DUE (UK TIME)\tLEVEL")
		for _, g := range overdueRows(rep.Overdue) {
			fmt.Fprintf(
				w,
				"%s\t%s\t%s\t%d\t%s\t%d\n",
				g.Case,
				domain.DutyKindLabel(g.Kind),
				person(g.Accountable),
				g.n,
				clock.GovUK(g.Due),
				g.Escalation,
			)
		}
	}
	fmt.Fprintln(w, "\nCASE\tFINDING\tSEVERITY\tMUST ACT\tSINCE\tNEW")
	for _, x := range rep.Findings {
		fmt.Fprintf(
			w,
			"%s\t%s\t%s\t%s\t%s\t%s\n",
			x.Case,
			domain.FindingKindLabel(x.Kind),
			cmp.Or(domain.SeverityLabels[x.Severity], x.Severity),
			person(x.MustAct),
			x.Since.In(clock.London).Format("2 January 2006"),
			yesNo(x.New),
		)
	}
	return w.Flush()
}

// overdueRow is one line of the overdue table: the duties of one kind on
// one case owed by one person (a victim's update for each of three
// victims, a review of each of nine links), counted, with the earliest
// due and the highest step reached. One line each read as the same person
// listed again and again.
type overdueRow struct {
	service.OverdueDuty
	n int
}

func overdueRows(ds []service.OverdueDuty) []overdueRow {
	var out []overdueRow
	at := map[string]int{}
	for _, d := range ds { // earliest due first
		key := d.Case + "\x00" + d.Kind + "\x00" + d.Accountable
		if i, ok := at[key]; ok {
			out[i].n++
			out[i].Escalation = max(out[i].Escalation, d.Escalation)
			continue
		}
		at[key] = len(out)
		out = append(out, overdueRow{OverdueDuty: d, n: 1})
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// personByUsername names the officer with a username by rank and name
// (domain.PersonName); a username nobody has, or none, stands as it is.
func personByUsername(org *domain.OrgState) func(string) string {
	by := make(map[string]*domain.User, len(org.Users))
	for _, u := range org.Users {
		by[u.Username] = u
	}
	return func(username string) string {
		if u := by[username]; u != nil && username != "" {
			return domain.PersonName(u)
		}
		return username
	}
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
