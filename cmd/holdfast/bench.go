package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/bench"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

func cmdBench(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("bench")
	pg := f.str("postgres", "", "a postgres:// URL of an EMPTY database to measure too")
	n := f.Int("commands", 5000, "commands per run")
	cases := f.Int("cases", 1000, "cases the commands spread over")
	clients := f.String("clients", "1,16", "client counts to measure")
	cpuprofile := f.String("cpuprofile", "", "write a CPU profile of the measured runs to this file")
	pages := f.String("pages", "", "a `holdfast demo` SQLite file: measure every page on a copy of it instead (p50/p99, size)")
	pageRuns := f.Int("page-runs", 20, "requests of each page, with --pages")
	if err := f.parse(args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *pages != "" {
		return benchPages(ctx, *pages, *pageRuns, stdout)
	}
	dir, err := os.MkdirTemp("", "holdfast-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dsns := []sqlstore.DSN{{Engine: sqlstore.EngineSQLite, Path: filepath.Join(dir, "bench.db")}}
	if *pg != "" {
		d, err := sqlstore.ParseDSN(*pg)
		if err != nil || d.Engine != sqlstore.EnginePostgres {
			return usageError("--postgres takes a postgres:// URL of an empty database")
		}
		dsns = append(dsns, d)
	}
	// The disk's own rate, on the disk the SQLite file (and, on this kind
	// of machine, PostgreSQL's data) lies on: what group commit is against.
	fsync, err := bench.FsyncRate(dir, 2*time.Second)
	if err != nil {
		return err
	}
	var results []bench.Result
	for _, dsn := range dsns {
		db, err := sqlstore.OpenDSN(ctx, dsn, true)
		if err != nil {
			return err
		}
		if seq, _ := db.LatestSeq(ctx); seq != 0 {
			db.Close()
			return usageError("%s is not empty: give an empty database to measure", db.Engine())
		}
		hf, a, ids, err := bench.Setup(ctx, db, *cases)
		if err != nil {
			db.Close()
			return err
		}
		for _, c := range strings.Split(*clients, ",") {
			var k int
			if _, err := fmt.Sscan(c, &k); err != nil || k < 1 {
				db.Close()
				return usageError("--clients: %q is not a positive number", c)
			}
			r, err := bench.Run(ctx, hf, a, ids, bench.Config{Clients: k, Commands: *n, Cases: *cases})
			if err != nil {
				db.Close()
				return err
			}
			r.Fsync = fsync
			results = append(results, r)
		}
		db.Close()
	}
	bench.Print(stdout, results)
	return nil
}

// benchPages measures every page on a copy of a demo database (with the
// ledger key beside it, when there is one), as each page's role.
func benchPages(ctx context.Context, src string, runs int, stdout io.Writer) error {
	if runs < 1 {
		return usageError("--page-runs must be 1 or more")
	}
	dir, err := os.MkdirTemp("", "holdfast-bench-pages-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dst := filepath.Join(dir, "demo.db")
	copyFile := func(from, to string) error {
		b, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o600)
	}
	if err := copyFile(src, dst); err != nil {
		return fmt.Errorf("--pages: %w", err)
	}
	key := filepath.Join(dir, "ledger.key")
	if copyFile(src+".ledger.key", key) != nil || copyFile(src+".ledger.key.pub", key+".pub") != nil {
		os.Remove(key)
	}
	db, err := sqlstore.Open(ctx, dst, true)
	if err != nil {
		return err
	}
	defer db.Close()
	hf, err := app.New(db, app.Config{Ledger: app.LedgerConfig{KeyPath: key, Create: true}})
	if err != nil {
		return err
	}
	n, err := db.CountCases(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Pages of the demo force in %s (%d cases), %d requests each, server time through the whole handler:\n\n",
		src, n, runs)
	rs, err := bench.MeasurePages(ctx, hf, db, bench.Pages, runs)
	if err != nil {
		return err
	}
	bench.PrintPages(stdout, rs)
	return nil
}
