package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/exercise"
	"github.com/holdfast/holdfast/internal/exercise/build"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// exerciseDB is the --db flag of the exercise commands. Not HOLDFAST_DB:
// an exercise must never be pointed at a real record by an environment
// set up for `holdfast serve`.
func exerciseDB(f flags) *string {
	return f.String("db", env("exercise-db", "holdfast-exercise.db"),
		"the exercise's database: a new SQLite file, or an empty postgres:// database (env HOLDFAST_EXERCISE_DB)")
}

func cmdExerciseNew(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("exercise new")
	dsn := exerciseDB(f)
	seed := f.u64("seed", 1, "seed of the exercise: the same seed (and --as-of) gives the same exercise")
	trainees := f.String("trainees", "", "the trainees' usernames, comma-separated (e.g. alice,bob)")
	cases := f.u64("cases", build.DefaultCases, "investigations in the exercise force's caseload (20 to 2000)")
	asOf := f.String("as-of", "", "when the exercise begins (RFC 3339); default now")
	if err := f.parse(args); err != nil {
		return err
	}
	opts := build.Options{Seed: *seed, Cases: int(min(*cases, 1<<20)), Now: time.Now()}
	for _, t := range strings.Split(*trainees, ",") {
		if t = strings.TrimSpace(t); t != "" {
			opts.Trainees = append(opts.Trainees, t)
		}
	}
	if *asOf != "" {
		t, err := time.Parse(time.RFC3339, *asOf)
		if err != nil {
			return usageError("--as-of %q is not an RFC 3339 time such as 2026-11-24T09:00:00Z", *asOf)
		}
		opts.Now = t
	}
	if ps := opts.Check(); len(ps) > 0 {
		var lines []string
		for _, p := range ps {
			lines = append(lines, "--"+p.Field+": "+p.Message)
		}
		return usageError("%s", strings.Join(lines, "\n"))
	}
	d, err := sqlstore.ParseDSN(*dsn)
	if err != nil {
		return usageError("--db: %v", err)
	}
	fmt.Fprintf(stdout, "Setting up exercise %d for %s in %s: %d investigations …\n", opts.Seed,
		strings.Join(opts.Trainees, ", "), *dsn, opts.Cases)
	var res *build.Result
	if d.Engine == sqlstore.EngineSQLite {
		// Never into an existing file, whatever it holds; built beside its
		// name and moved into place complete.
		if _, err := os.Stat(d.Path); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s exists: an exercise is set up in a new database, never a live one (choose another --db)", d.Path)
		}
		tmp, clean, err := claimPartial(d.Path)
		if err != nil {
			return err
		}
		res, err = setUpExercise(ctx, sqlstore.DSN{Engine: sqlstore.EngineSQLite, Path: tmp}, opts)
		if err == nil {
			err = installPartial(tmp, d.Path)
		}
		if err != nil {
			clean()
			return err
		}
	} else if res, err = setUpExercise(ctx, d, opts); err != nil {
		return err
	}
	printExercise(stdout, *dsn, res)
	return nil
}

func setUpExercise(ctx context.Context, d sqlstore.DSN, opts build.Options) (*build.Result, error) {
	db, err := sqlstore.OpenDSN(ctx, d, true)
	if err != nil {
		return nil, err
	}
	clk := clock.NewManual(opts.Now)
	// As in the demo, the accounts have no authenticator app: two-step
	// sign-in is off in an exercise (docs/training.md). The watchdog's
	// warnings about the planted errors are the point, not news.
	hf, err := app.New(db, app.Config{Clock: clk, Policy: policy.DemoDefault(),
		Logger: slog.New(slog.DiscardHandler)})
	var res *build.Result
	if err == nil {
		res, err = build.New(ctx, hf.Svc, db, clk, opts)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return res, err
}

func printExercise(w io.Writer, dsn string, res *build.Result) {
	p := res.Plan
	fmt.Fprintf(w, "Exercise %d set up as of %s: %d errors planted in the caseload of %s.\n\n", p.Seed,
		clock.GovUK(p.Started), len(p.Planted), res.Demo.Force)
	fmt.Fprintln(w, "Trainees — give each their password; they sign in and work the cases listed, "+
		"finding what is wrong in each and putting it right:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  USERNAME\tPASSWORD\tNAME\tCASES")
	for _, a := range res.Accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Username, a.Password, a.Name, strings.Join(a.Cases, " "))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nThe trainer signs in as admin (password %q) and opens /exercise for the score, "+
		"or runs holdfast exercise score --db %s.\n", res.Demo.Password, dsn)
	if len(res.Absent) > 0 {
		fmt.Fprintf(w, "Left out: %d errors the generated history had moved past (try another seed for every kind).\n",
			len(res.Absent))
	}
	fmt.Fprintln(w, "\nServe it with: holdfast exercise serve --db", dsn)
}

func cmdExerciseScore(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("exercise score")
	dsn := exerciseDB(f)
	format := f.String("format", "table", "output: table or json")
	if err := f.parse(args); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return usageError("--format must be table or json, not %q", *format)
	}
	if d, err := sqlstore.ParseDSN(*dsn); err != nil {
		return usageError("--db: %v", err)
	} else if _, err := os.Stat(d.Path); d.Engine == sqlstore.EngineSQLite && err != nil {
		return fmt.Errorf("no exercise at %s: %w", d.Path, err)
	}
	db, err := openDB(ctx, *dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	hf, err := app.New(db, app.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	rep, err := hf.Svc.ExerciseScore(ctx, service.SystemActor("exercise"))
	if errors.Is(err, service.ErrNotFound) {
		return fmt.Errorf("%s holds no exercise (holdfast exercise new sets one up)", *dsn)
	}
	if err != nil {
		return err
	}
	org, err := db.Org(ctx)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printScore(stdout, rep, org)
	return nil
}

func printScore(w io.Writer, rep *exercise.Report, org *domain.OrgState) {
	fmt.Fprintf(w, "Exercise begun %s.\n", clock.GovUK(rep.Started))
	for _, t := range rep.Trainees {
		fmt.Fprintf(w, "\n%s (%s): put right %d of %d\n", t.Name, t.Username, len(t.Fixed), len(t.Fixed)+len(t.Missed))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  CASE\tERROR\tRESULT\tTOOK")
		for _, r := range t.Fixed {
			fmt.Fprintf(tw, "  %s\t%s\tput right %s\t%s\n", r.Ref, r.Label, clock.GovUK(r.At), r.Took.Round(time.Minute))
		}
		for _, r := range t.Missed {
			what := "missed: " + r.Remedy
			if r.Done {
				what = "missed: put right by " + personName(org, r.By)
			}
			if r.Opened < 0 {
				what += "; never opened the case"
			} else {
				what += fmt.Sprintf("; opened the case %s in", r.Opened.Round(time.Minute))
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t-\n", r.Ref, r.Label, what)
		}
		tw.Flush()
	}
}

func personName(org *domain.OrgState, id string) string {
	if u := org.Users[id]; u != nil {
		return domain.PersonName(u)
	}
	return "someone else"
}

// cmdExerciseServe serves an exercise database as holdfast demo serves
// its own: two-step sign-in off (the trainees have no authenticator app),
// and nothing but an exercise served.
func cmdExerciseServe(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("exercise serve")
	dsn := exerciseDB(f)
	ds := demoServeFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	cfg, tr, err := ds.resolve(*dsn)
	if err != nil {
		return err
	}
	if d, err := sqlstore.ParseDSN(*dsn); err != nil {
		return usageError("--db: %v", err)
	} else if _, err := os.Stat(d.Path); d.Engine == sqlstore.EngineSQLite && err != nil {
		return fmt.Errorf("no exercise at %s (holdfast exercise new sets one up): %w", d.Path, err)
	}
	db, err := openDB(ctx, *dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	b, ok, err := db.Exercise(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s holds no exercise: holdfast exercise serve only serves one (use holdfast serve)", *dsn)
	}
	p, err := exercise.Unmarshal(b)
	if err != nil {
		return err
	}
	return serveDB(ctx, db, cfg, *ds.addr, *ds.secure, tr, stdout, func(*app.App) error {
		fmt.Fprintf(stdout, "\nExercise %d, begun %s. Trainees sign in with the passwords printed when it was set up "+
			"and open /exercise for their cases:\n", p.Seed, clock.GovUK(p.Started))
		for _, t := range p.Trainees {
			fmt.Fprintf(stdout, "  %-12s %s: %d cases\n", t.Username, t.Name, len(p.Of(t.UserID)))
		}
		fmt.Fprintf(stdout, "The trainer signs in as admin and opens /exercise for the score. "+
			"Two-step sign-in is off in an exercise.\n\n")
		return nil
	})
}
