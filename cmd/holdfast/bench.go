package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

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
			results = append(results, r)
		}
		db.Close()
	}
	bench.Print(stdout, results)
	return nil
}
