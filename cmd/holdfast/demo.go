package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// demoServing is the flag block the commands that serve a generated
// record share (demo, exercise serve): where to listen, cookies, the
// server's and the transport's flags.
type demoServing struct {
	addr   *string
	secure *bool
	sc     serveConfig
	tf     transportFlags
}

func demoServeFlags(f flags) *demoServing {
	d := &demoServing{
		addr:   f.str("addr", "127.0.0.1:8080", "address to listen on"),
		secure: f.boolean("secure-cookies", false, "mark cookies Secure (set when serving behind TLS)"),
		sc:     serveFlags(f),
		tf:     transportFlagsOf(f),
	}
	d.sc.demo = true
	return d
}

// resolve is the server's configuration and transport for dsn, after the
// flags are parsed. The accounts have no authenticator app: two-step
// sign-in is off (policy.DemoDefault, docs/security.md) unless --policy
// names a policy.
func (d *demoServing) resolve(dsn string) (app.Config, *transport, error) {
	tr, err := d.tf.transport()
	if err != nil {
		return app.Config{}, nil, err
	}
	cfg, err := d.sc.config(dsn)
	if err != nil {
		return app.Config{}, nil, err
	}
	if *d.sc.policyFile == "" {
		cfg.Policy = policy.DemoDefault()
	}
	if cfg.OIDC, err = d.tf.oidcConfig(); err != nil {
		return app.Config{}, nil, err
	}
	cfg.PublicURL = *d.tf.publicURL
	return cfg, tr, nil
}

func cmdDemo(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("demo")
	// Not HOLDFAST_DB: a demo must never be pointed at a real record by an
	// environment set up for `holdfast serve`.
	dsn := f.String(
		"db",
		env("demo-db", "holdfast-demo.db"),
		"database for the demo force: a SQLite file path (created if absent), or an empty postgres:// database (env HOLDFAST_DEMO_DB)",
	)
	seed := f.u64("seed", 1, "seed of the generated force: the same seed gives the same record")
	cases := f.u64("cases", demo.DefaultCases, "investigations to generate over the years")
	cpuprofile := f.String("cpuprofile", "", "write a CPU profile of generating the force to this file (go tool pprof)")
	ds := demoServeFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	if *cases < 20 || *cases > 1_000_000 {
		return usageError("--cases must be between 20 and 1000000")
	}
	cfg, tr, err := ds.resolve(*dsn)
	if err != nil {
		return err
	}
	addr := ds.addr
	// Generating takes minutes on a small machine: meanwhile the address
	// says so, and how far it has got, instead of refusing connections.
	// (Plain HTTP only: behind --tls the page would not be the one asked for.)
	// The wait page keeps the address until the service is about to
	// serve, then hands it its listener: opening the database and the
	// app takes seconds, and a browser refreshing meanwhile must not be
	// refused.
	opts := demo.Options{Seed: *seed, Cases: int(*cases)}
	var handOff func() net.Listener
	stopWait := func() {}
	if !tr.tls() {
		wait, hand, stop, err := startWaitPage(*addr)
		if err != nil {
			return err
		}
		opts.Progress, handOff, stopWait = wait.set, hand, stop
	}
	defer stopWait()
	if err := profiled(*cpuprofile, func() error { return ensureDemo(ctx, *dsn, cfg, opts, stdout) }); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	var listener []func() net.Listener
	if handOff != nil {
		listener = append(listener, handOff)
	}
	return serveDB(ctx, db, cfg, *addr, *ds.secure, tr, stdout, func(hf *app.App) error {
		accts, err := demo.Accounts(ctx, hf.Svc)
		if err != nil {
			return err
		}
		printAccounts(stdout, accts)
		return nil
	}, listener...)
}

// profiled runs fn under a CPU profile written to path, if path is set:
// where generating the force spends its time (issue 20: the sign-in page
// within 45 s of a fresh start), without the server that follows.
func profiled(path string, fn func() error) error {
	if path == "" {
		return fn()
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	err = fn()
	pprof.StopCPUProfile()
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("--cpuprofile: %w", cerr)
	}
	return err
}

// ensureDemo generates the demo force into dsn unless it already holds it.
// A SQLite file is generated beside its final name and moved into place
// only when complete, so an interrupted run leaves nothing to reuse.
func ensureDemo(ctx context.Context, dsn string, cfg app.Config, opts demo.Options, stdout io.Writer) error {
	d, err := sqlstore.ParseDSN(dsn)
	if err != nil {
		return usageError("--db: %v", err)
	}
	if d.Engine == sqlstore.EngineSQLite {
		if _, err := os.Stat(d.Path); errors.Is(err, fs.ErrNotExist) {
			return generateSQLite(ctx, d.Path, cfg, opts, stdout)
		}
	}
	db, err := sqlstore.OpenDSN(ctx, d, true)
	if err != nil {
		return err
	}
	defer db.Close()
	org, err := db.Org(ctx)
	if err != nil {
		return err
	}
	if len(org.Users) == 0 && len(org.Units) == 0 {
		return generate(ctx, db, dsn, cfg, opts, stdout)
	}
	for _, u := range org.Units {
		if u.Kind == domain.UnitForce && u.Name == demo.ForceName {
			fmt.Fprintf(stdout, "Reusing the demo force in %s (delete it to generate a fresh one).\n", dsn)
			return nil
		}
	}
	return fmt.Errorf(
		"%s holds a force that is not the demo force: holdfast demo only serves the record it generated (use holdfast serve)",
		dsn,
	)
}

func generateSQLite(ctx context.Context, path string, cfg app.Config, opts demo.Options, stdout io.Writer) error {
	tmp, clean, err := claimPartial(path)
	if err != nil {
		return err
	}
	db, err := sqlstore.OpenDSN(ctx, sqlstore.DSN{Engine: sqlstore.EngineSQLite, Path: tmp}, true)
	if err != nil {
		return err
	}
	// The file is moved into place only when whole: a crash while it is
	// generated leaves nothing to reuse, so no commit needs to wait for
	// the disk (demo.FastWrites says what else it need not do). The
	// server opens the file afresh, with the store's own settings.
	if err := demo.FastWrites(ctx, db.Raw()); err != nil {
		db.Close()
		clean()
		return err
	}
	// Nothing reads the find index or the figures until the force is
	// whole: they are built once, at the end (demo.Generate does).
	if err := db.DeferDerived(ctx); err != nil {
		db.Close()
		clean()
		return err
	}
	if err := generate(ctx, db, path, cfg, opts, stdout); err != nil {
		db.Close()
		clean()
		return err
	}
	if err := db.Close(); err != nil {
		clean()
		return err
	}
	if err := installPartial(tmp, path); err != nil {
		clean()
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// generate builds the force on a manual clock, with no mail and no
// background work: the server afterwards runs on the real clock.
func generate(
	ctx context.Context,
	db *sqlstore.DB,
	name string,
	cfg app.Config,
	opts demo.Options,
	stdout io.Writer,
) error {
	clk := clock.NewManual(demo.DefaultStart)
	gcfg := app.Config{Clock: clk, Policy: cfg.Policy}
	hf, err := app.New(db, gcfg)
	if err != nil {
		return err
	}
	// Generating allocates fast and keeps little: the collector ran a
	// tenth of the CPU, and on two cores its mark worker takes the core
	// the committer needs. Collect a third as often while generating
	// (peak memory measured in docs/benchmarks.md, "The demo"); the
	// server that follows collects as usual.
	defer debug.SetGCPercent(debug.SetGCPercent(300))
	opts.Now = time.Now()
	began := time.Now()
	fmt.Fprintf(stdout, "Generating the demo force into %s: %d investigations from %s to today (seed %d).\n",
		name, opts.Cases, demo.DefaultStart.Format("January 2006"), opts.Seed)
	last := ""
	also := opts.Progress
	opts.Progress = func(p demo.Progress) {
		if also != nil {
			also(p)
		}
		q := fmt.Sprintf("%d-Q%d", p.At.Year(), (int(p.At.Month())+2)/3)
		if q == last {
			return
		}
		last = q
		fmt.Fprintf(
			stdout,
			"  %s  %5d/%d cases opened  %7d commands  %s\n",
			p.At.Format("Jan 2006"),
			p.Opened,
			p.Total,
			p.Commands,
			time.Since(began).Round(time.Second),
		)
	}
	res, err := demo.Generate(ctx, hf.Svc, hf.Store, clk, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(
		stdout,
		"Generated %d investigations (%d open, %d closed; %d reopened, %d transferred), %d users and %d commands in %s.\n",
		res.Cases,
		res.Open,
		res.Closed,
		res.Reopened,
		res.Transferred,
		res.Users,
		res.Commands,
		res.Elapsed.Round(time.Second),
	)
	imported := ""
	if rv := res.Review; rv != nil && rv.WatchdogFindings > 0 {
		imported = fmt.Sprintf(" (%d of them on historic closures imported as they were decided)", rv.WatchdogFindings)
	}
	fmt.Fprintf(
		stdout,
		"The watchdog reports %d overdue duties and %d findings%s. The human errors left in the record for you to find:\n",
		len(res.Sweep.Overdue),
		len(res.Sweep.Findings),
		imported,
	)
	for i, p := range res.Planted {
		if i == 12 {
			fmt.Fprintf(stdout, "  … and %d more\n", len(res.Planted)-i)
			break
		}
		fmt.Fprintf(stdout, "  %-16s %s\n", p.Ref, p.Detail)
	}
	if rv := res.Review; rv != nil {
		fmt.Fprintf(
			stdout,
			"Imported %d historic closures (closed %s) from %s, the force's old crime system: %d events in the ledger marked import:%s (import and review: %s).\n",
			rv.Imported,
			rv.Closed,
			rv.System,
			rv.Events,
			rv.System,
			rv.Elapsed.Round(100*time.Millisecond),
		)
		pr := rv.Progress
		fmt.Fprintf(
			stdout,
			"The national review %q is in progress: %d cases sampled from %d in scope — %d reviewed, %d awaiting a second reviewer's sign-off, %d assigned and not yet reviewed, %d unassigned.\n",
			rv.Audit,
			rv.Sampled,
			rv.Population,
			pr.Complete,
			pr.AwaitingSignOff,
			pr.Assigned,
			pr.Unassigned,
		)
		fmt.Fprintf(
			stdout,
			"  %d findings: reopened %s; referred to professional standards %s; victims to contact %s. %d assignments refused for a conflict of interest.\n",
			rv.Findings,
			orNone(rv.Reopened),
			orNone(rv.Referred),
			orNone(rv.VictimContact),
			len(rv.Conflicts),
		)
		if len(rv.Reviewers) > 0 {
			fmt.Fprintf(
				stdout,
				"  To see it, sign in as %s (who leads it) or %s (a reviewer) and open Audits.\n",
				rv.Lead,
				rv.Reviewers[0],
			)
		}
	}
	return nil
}

func orNone(refs []string) string {
	if len(refs) == 0 {
		return "none"
	}
	return strings.Join(refs, ", ")
}

func printAccounts(w io.Writer, accts []demo.Account) {
	fmt.Fprintf(w, "\nDemo accounts — every one signs in with the password %q. Two-step sign-in is off in the "+
		"demo (policy auth.mfa_required: none); a real installation asks every account for one:\n\n", demo.Password)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ROLE\tUSERNAME\tNAME\tRANK\tUNIT\tLOOK AT")
	for _, a := range accts {
		fmt.Fprintf(
			tw,
			"  %s\t%s\t%s\t%s\t%s\t%s\n",
			a.Role,
			a.Username,
			a.Name,
			strings.ReplaceAll(string(a.Rank), "_", " "),
			a.Unit,
			a.LookAt,
		)
	}
	tw.Flush()
	fmt.Fprintln(w)
}
