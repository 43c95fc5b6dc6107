package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/service"
)

// cmdExport writes the record in the import's JSON Lines format
// (docs/import-format.md): a force leaving with its data, an inspector's copy.
// It runs as the serving administrator --as names (no environment fallback:
// the person says who they are each time), and the export's read of every
// case is recorded as theirs, by the service.
func cmdExport(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("export")
	dsn := f.db()
	as := f.String("as", "", "sign-in name of the serving administrator running the export (required): "+
		"its read of every case is recorded as theirs")
	out := f.str("out", "", "file to write (default: standard output); never overwritten")
	team := f.str("team", "", "only the cases now in this team (its name)")
	from := f.str("from", "", "only cases opened on or after this date (YYYY-MM-DD)")
	to := f.str("to", "", "only cases opened before this date (YYYY-MM-DD)")
	refs := f.str("cases", "", "only these cases: Holdfast references separated by commas")
	if err := f.parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*as) == "" {
		return usageError("say who is exporting with --as USERNAME (a serving administrator): " +
			"the export's read of every case is recorded as theirs; nothing was exported")
	}
	sel := service.ExportFilter{Team: *team}
	for _, d := range []struct {
		flag, v string
		t       *time.Time
	}{{"--from", *from, &sel.From}, {"--to", *to, &sel.To}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.v)
		if err != nil {
			return usageError("%s %q is not a date: write YYYY-MM-DD", d.flag, d.v)
		}
		*d.t = t
	}
	for _, r := range strings.Split(*refs, ",") {
		if r = strings.TrimSpace(r); r != "" {
			sel.Refs = append(sel.Refs, r)
		}
	}
	db, err := openDB(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	hf, err := app.New(db, app.Config{})
	if err != nil {
		return err
	}
	who, err := hf.Svc.ActorNamed(ctx, strings.TrimSpace(*as))
	if err != nil {
		return usageError("--as: %v; nothing was exported", err)
	}
	w, done, undo := stdout, func() error { return nil }, func() {}
	if *out != "" {
		fh, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return usageError("--out: %v", err)
		}
		defer fh.Close()
		// A refused export leaves no file: an empty one would pass for
		// an export of nothing.
		undo = func() { fh.Close(); os.Remove(*out) }
		bw := bufio.NewWriter(fh)
		w, done = bw, func() error {
			if err := bw.Flush(); err != nil {
				return err
			}
			return fh.Close()
		}
	}
	rep, err := hf.Svc.Export(ctx, who, sel, w)
	if err != nil {
		undo()
		if errors.Is(err, service.ErrForbidden) {
			return usageError("--as %s: %v Nothing was exported.", *as, err)
		}
		return err
	}
	if err := done(); err != nil {
		return err
	}
	if *out != "" {
		return json.NewEncoder(stdout).Encode(rep)
	}
	return nil
}
