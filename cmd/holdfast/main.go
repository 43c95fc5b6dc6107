// Command holdfast runs Holdfast: the server, and the operator's tools
// (migrate, user add, rebuild, ledger, sweep, import, export, demo, exercise, bench).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// command is one subcommand. Its run returns an exitError to choose the
// exit status; any other error exits 1... or 2 for usage.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout io.Writer) error
}

// commands is every subcommand by the name typed after holdfast; help lists
// them sorted. Each run function lives in the file named after its command.
var commands = map[string]command{
	"bench": {"measure durable commands/s, latency and the ledger's share on SQLite " +
		"(and PostgreSQL with --postgres)", cmdBench},
	"demo": {"generate a synthetic force with years of cases (first run) and serve it", cmdDemo},
	"exercise new": {"set up a training exercise: a synthetic force with planted errors, and trainee accounts",
		cmdExerciseNew},
	"exercise score": {"score an exercise's trainees from its event log (docs/training.md)", cmdExerciseScore},
	"exercise serve": {"serve an exercise database to its trainees and trainer (two-step sign-in off)",
		cmdExerciseServe},
	"export":       {"write the record (or a team, dates, cases) as a case file (docs/import-format.md)", cmdExport},
	"import":       {"import case files from another system (JSON Lines or CSV; see docs/import-format.md)", cmdImport},
	"ledger check": {"verify a bundle offline with the public key alone (exit 1: altered)", cmdLedgerCheck},
	"ledger checkpoint": {"cut and sign a checkpoint now and print it (save it to prove history later)",
		cmdLedgerCheckpoint},
	"ledger export": {"write a bundle (events, checkpoints, public key) for offline checking", cmdLedgerExport},
	"ledger keygen": {"make an Ed25519 key pair for signing checkpoints (private key mode 0600)", cmdLedgerKeygen},
	"ledger verify": {"recompute the tree from the database and check every checkpoint (exit 1: altered)",
		cmdLedgerVerify},
	"migrate":             {"bring the database schema up to date", cmdMigrate},
	"persons":             {"match people in two CSV files (persons link) or one (persons dedupe); docs/persons.md", cmdPersons},
	"rebuild":             {"replay the log and compare with the live projections (exit 1 on a difference)", cmdRebuild},
	"serve":               {"run the web server and API (creates the database if needed)", cmdServe},
	"sweep":               {"run the watchdog once: escalate overdue duties, raise findings (docs/watchdog.md)", cmdSweep},
	"user add":            {"add a user (on an empty database: the force and its first administrator)", cmdUserAdd},
	"user reset-password": {"reset a user's password on the server (the only way for an administrator's)", cmdUserResetPassword},
	"version":             {"print the version", cmdVersion},
	"witness serve": {"cosign a log's checkpoints and keep the latest, outside its database (docs/ledger.md)",
		cmdWitnessServe},
}

// exitError carries a documented exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, a ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, a...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel()})))
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	name := args[0]
	rest := args[1:]
	if name == "user" || name == "ledger" || name == "witness" || name == "exercise" {
		if len(rest) == 0 {
			fmt.Fprintf(stderr, "holdfast %s: name a subcommand (see holdfast help)\n", name)
			return 2
		}
		name += " " + rest[0]
		rest = rest[1:]
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "holdfast: unknown command %q (see holdfast help)\n", name)
		return 2
	}
	if err := c.run(ctx, rest, stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "holdfast %s: %v\n", name, err)
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(
		w,
		"Holdfast keeps child-sexual-exploitation investigations from being dropped.\n\nUsage: holdfast <command> [flags]\n\nCommands:",
	)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-18s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(
		w,
		"\nEvery flag has an environment fallback: --db is HOLDFAST_DB, --addr is HOLDFAST_ADDR, and so on.\nRun holdfast <command> -h for its flags.",
	)
}

func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("HOLDFAST_LOG_LEVEL"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

// flags makes a FlagSet whose defaults come from HOLDFAST_<NAME> variables.
type flags struct {
	*flag.FlagSet
}

func newFlags(name string) flags {
	fs := flag.NewFlagSet("holdfast "+name, flag.ContinueOnError)
	return flags{fs}
}

func env(name, def string) string {
	if v, ok := os.LookupEnv("HOLDFAST_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); ok {
		return v
	}
	return def
}

func (f flags) str(name, def, help string) *string {
	return f.String(
		name,
		env(name, def),
		help+" (env HOLDFAST_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+")",
	)
}

func (f flags) boolean(name string, def bool, help string) *bool {
	v := env(name, fmt.Sprint(def))
	return f.Bool(
		name,
		v == "true" || v == "1",
		help+" (env HOLDFAST_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+")",
	)
}

func (f flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%v", err)
	}
	return nil
}

// dbFlag is the --db flag every command shares.
func (f flags) db() *string {
	return f.str("db", "holdfast.db", "database: a SQLite file path, or a postgres:// URL")
}

func openDB(ctx context.Context, dsn string, migrate bool) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, dsn, migrate)
	if err != nil {
		return nil, err
	}
	return db, nil
}

func (f flags) u64(name string, def uint64, help string) *uint64 {
	if v, err := strconv.ParseUint(env(name, ""), 10, 64); err == nil {
		def = v
	}
	return f.Uint64(name, def, help+" (env "+envName(name)+")")
}

func (f flags) dur(name string, def time.Duration, help string) *time.Duration {
	if v, err := time.ParseDuration(env(name, "")); err == nil {
		def = v
	}
	return f.Duration(name, def, help+" (env "+envName(name)+")")
}

func envName(name string) string {
	return "HOLDFAST_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}
