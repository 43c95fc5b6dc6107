package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
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
	instances := f.Int("instances", 1, "instances over the --postgres database, clients spread over them round-robin")
	scale := f.String("scale", "", "case counts, e.g. 10000,100000,1000000: measure commands and reads on SQLite "+
		"records that size (built once, kept in --cache) instead")
	cache := f.String("cache", os.Getenv("HOLDFAST_BENCH_CACHE"), "where --scale keeps the records it builds "+
		"(default: $HOLDFAST_BENCH_CACHE, else the temporary directory)")
	serveMem := f.boolean("serve", true, "with --scale: also run `holdfast serve` on each record and report its peak "+
		"memory after the same pages and commands over HTTP")
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
	if *scale != "" {
		return benchScale(ctx, *scale, *cache, *n, *clients, *pageRuns, *serveMem, stdout)
	}
	if *instances < 1 || (*instances > 1 && *pg == "") {
		return usageError("--instances: 1, or more with --postgres")
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
		var others []*app.App
		for i := 1; dsn.Engine == sqlstore.EnginePostgres && i < *instances; i++ {
			// Another instance: its own pool and its own group commit,
			// sharing only the database, as a second process would.
			odb, err := sqlstore.OpenDSN(ctx, dsn, false)
			if err != nil {
				db.Close()
				return err
			}
			defer odb.Close()
			o, err := app.New(odb, app.Config{})
			if err != nil {
				db.Close()
				return err
			}
			others = append(others, o)
		}
		for _, c := range strings.Split(*clients, ",") {
			var k int
			if _, err := fmt.Sscan(c, &k); err != nil || k < 1 {
				db.Close()
				return usageError("--clients: %q is not a positive number", c)
			}
			r, err := bench.Run(ctx, hf, a, ids, bench.Config{Clients: k, Commands: *n, Cases: *cases, Others: others})
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

// benchScale measures commands and pages on records of each size in
// sizes, then (with serve) a `holdfast serve` process's memory on the
// same record; the sizes side by side.
func benchScale(ctx context.Context, sizes, cache string, commands int, clients string, runs int, serve bool,
	stdout io.Writer) error {
	if cache == "" {
		cache = os.TempDir()
	}
	cs := strings.Split(clients, ",")
	var k int
	if _, err := fmt.Sscan(cs[len(cs)-1], &k); err != nil || k < 1 {
		return usageError("--clients: %q is not a positive number", clients)
	}
	if runs < 1 {
		return usageError("--page-runs must be 1 or more")
	}
	var ns []int
	for _, s := range strings.Split(sizes, ",") {
		var n int
		if _, err := fmt.Sscan(s, &n); err != nil || n < 1000 {
			return usageError("--scale: %q is not a case count of 1000 or more", s)
		}
		ns = append(ns, n)
	}
	exe := ""
	if serve {
		var err error
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("--serve: this binary, to run as serve: %w", err)
		}
	}
	// The pages' security events (sign-ins) are the benchmark's, not news.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	work, err := os.MkdirTemp("", "holdfast-bench-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	var rs []bench.ScaleResult
	for _, n := range ns {
		fmt.Fprintf(stdout, "%d cases: ", n)
		path, built, err := bench.ScaleDB(ctx, cache, work, n)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "record ready (built in %s); measuring %d commands from %d clients, %d of each page\n",
			built.Round(time.Second), commands, k, runs)
		r, err := bench.MeasureScale(ctx, path, commands, k, runs, stdout)
		if err != nil {
			return err
		}
		r.Built = built
		if serve {
			fmt.Fprintf(stdout, "%d cases: holdfast serve on the same record\n", n)
			if r.Serve, err = bench.MeasureServe(ctx, exe, path, work, r, runs, commands); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "  serve: ready in %.1f s at %.0f MiB; peak %.0f MiB after %d requests, %.1f s of CPU\n",
				r.Serve.Start.Seconds(), r.Serve.StartRSSMiB, r.Serve.PeakRSSMiB, r.Serve.Requests, r.Serve.CPU.Seconds())
		}
		rs = append(rs, r)
		for _, sfx := range []string{"", "-wal", "-shm"} {
			os.Remove(path + sfx)
		}
	}
	fmt.Fprintln(stdout)
	bench.PrintScale(stdout, rs)
	return nil
}
