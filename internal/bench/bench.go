// Package bench measures Holdfast's durable command throughput and latency
// through the service layer, as a user's command would run.
package bench

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// Config is one measured run.
type Config struct {
	Clients  int // concurrent clients
	Commands int // commands in all
	Cases    int // cases the commands spread over
	// Others are more instances over the same database (PostgreSQL): the
	// clients are spread round-robin over Run's app and these, as behind
	// a load balancer.
	Others []*app.App
}

// Result is what one run measured.
type Result struct {
	Engine    string
	Instances int
	Clients   int
	Commands  int
	Conflicts int // stale-version refusals, retried
	Elapsed   time.Duration
	P50, P99  time.Duration
	MaxRSSMiB float64
	// CPU is the process's CPU time (user and system) over the commands:
	// on a shared machine, the cost that compares when wall times do not.
	CPU    time.Duration
	Ledger LedgerCost
	// Fsync is the disk's rate of 4 KB writes each made durable, measured
	// in the same run (FsyncRate); 0 if not measured.
	Fsync float64
}

// LedgerCost is what the tamper-evident ledger added to the run's commands.
type LedgerCost struct {
	Events int64 // events the run appended
	// Seal is the ledger's work on the command path, for all the run's
	// events: what Append does to each before storing it (encode the
	// canonical leaf, hash it, chain it to the event before), timed by
	// doing it again to the stored events, which must seal to their stored
	// hashes.
	Seal time.Duration
	// CatchUp is its work off the command path: a server's ledger reading
	// the run's new events and adding them to its tree (ledger.Log, which
	// also checks each event's chain hash), outside the write transaction.
	CatchUp time.Duration
}

// PerSecond is durable commands per second.
func (r Result) PerSecond() float64 { return float64(r.Commands) / r.Elapsed.Seconds() }

// PerCommand is the wall time per command: the latency with one client,
// the inverse of throughput with several.
func (r Result) PerCommand() time.Duration { return r.Elapsed / time.Duration(r.Commands) }

// LedgerShare is the ledger's work on the command path as a fraction of the
// time per command: the "appending leaves adds at most 10%".
func (r Result) LedgerShare() float64 {
	return r.Ledger.Seal.Seconds() / float64(r.Commands) / r.PerCommand().Seconds()
}

// Setup wires Holdfast over st and creates a force, a team, an officer and
// cases to work on. The app is returned whole: Run commands through its
// service and measures the ledger on its store.
func Setup(ctx context.Context, st store.Store, cases int) (*app.App, *service.Actor, []string, error) {
	hf, err := app.New(st, app.Config{})
	if err != nil {
		return nil, nil, nil, err
	}
	svc := hf.Svc
	admin, err := svc.Bootstrap(
		ctx,
		"Bench Force",
		service.NewUser{
			Username: "admin",
			Name:     "Admin",
			Collar:   "A1",
			Rank:     domain.RankStaff,
			Roles:    []domain.Role{domain.RoleAdmin},
			Password: "bench password 1",
		},
	)
	if err != nil {
		return nil, nil, nil, err
	}
	adm := &service.Actor{User: *admin}
	team, err := svc.CreateUnit(ctx, adm, service.NewUnit{Name: "Team", Kind: domain.UnitTeam, ParentID: admin.UnitID})
	if err != nil {
		return nil, nil, nil, err
	}
	u, err := svc.CreateUser(
		ctx,
		adm,
		service.NewUser{
			Username: "dc",
			Name:     "DC Bench",
			Collar:   "B1",
			Rank:     domain.RankConstable,
			UnitID:   team.ID,
			Roles:    []domain.Role{domain.RoleInvestigator},
			Password: "bench password 1",
		},
	)
	if err != nil {
		return nil, nil, nil, err
	}
	a := &service.Actor{User: *u}
	ids := make([]string, cases)
	for i := range ids { // refs, as a client knows cases
		c, err := svc.OpenReferral(
			ctx,
			a,
			service.NewReferral{TeamID: team.ID, Summary: "benchmark referral", OffenceTypes: []string{"cse"}},
		)
		if err != nil {
			return nil, nil, nil, err
		}
		ids[i] = c.Ref
	}
	return hf, a, ids, nil
}

// Run sends cfg.Commands note commands from cfg.Clients clients, each
// based on the version it just read (a stale one is retried and counted).
func Run(ctx context.Context, hf *app.App, a *service.Actor, ids []string, cfg Config) (Result, error) {
	svc, st := hf.Svc, hf.Store
	tree, err := newTree(ctx, st)
	if err != nil {
		return Result{}, err
	}
	first, err := st.LatestSeq(ctx)
	if err != nil {
		return Result{}, err
	}
	lat := make([]time.Duration, cfg.Commands)
	var next int
	var conflicts int
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), cpuTime()
	for c := 0; c < cfg.Clients; c++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			svc, st := svc, st
			if k := int(seed) % (1 + len(cfg.Others)); k > 0 {
				svc, st = cfg.Others[k-1].Svc, cfg.Others[k-1].Store
			}
			r := rand.New(rand.NewPCG(seed, 1))
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= cfg.Commands {
					return
				}
				ref := ids[r.IntN(len(ids))]
				t0 := time.Now()
				for {
					// As an API client would: it knows the version it last
					// saw; the server resolves the reference.
					cur, err := st.CaseRowByRef(ctx, ref)
					if err == nil {
						_, err = svc.AddNote(ctx, a, cur.ID, service.NewNote{Version: cur.Version,
							Text: fmt.Sprintf("note %d: spoke to the school's safeguarding lead about attendance", i)})
					}
					if errors.Is(err, service.ErrConflict) {
						mu.Lock()
						conflicts++
						mu.Unlock()
						continue
					}
					if err != nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						mu.Unlock()
						return
					}
					break
				}
				lat[i] = time.Since(t0)
			}
		}(uint64(c))
	}
	wg.Wait()
	if firstErr != nil {
		return Result{}, firstErr
	}
	res := Result{
		Engine:    st.Engine(),
		Instances: 1 + len(cfg.Others),
		Clients:   cfg.Clients,
		Commands:  cfg.Commands,
		Conflicts: conflicts,
		Elapsed:   time.Since(start),
		CPU:       cpuTime() - cpu0,
	}
	slices.Sort(lat)
	res.P50 = lat[len(lat)/2]
	res.P99 = lat[len(lat)*99/100]
	res.MaxRSSMiB = maxRSS()
	if res.Ledger, err = measureLedger(ctx, st, tree, first); err != nil {
		return Result{}, err
	}
	return res, nil
}

// newTree is a ledger like a server's, caught up with the log as it is.
func newTree(ctx context.Context, st store.Store) (*ledger.Log, error) {
	_, vkey, err := note.GenerateKey(crand.Reader, "bench.invalid/holdfast")
	if err != nil {
		return nil, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	l := ledger.NewLog(st, nil, v, time.Now)
	if _, err := l.Size(ctx); err != nil {
		return nil, fmt.Errorf("ledger before the run: %w", err)
	}
	return l, nil
}

// measureLedger times the ledger's work for the events after seq first.
func measureLedger(ctx context.Context, st store.Store, tree *ledger.Log, first int64) (LedgerCost, error) {
	var c LedgerCost
	start := time.Now()
	size, err := tree.Size(ctx)
	if err != nil {
		return c, fmt.Errorf("ledger after the run: %w", err)
	}
	c.CatchUp = time.Since(start)
	c.Events = int64(size) - first
	var events []*event.Event
	if err := st.ScanEvents(ctx, first+1, int64(size), func(e *event.Event) error {
		events = append(events, e)
		return nil
	}); err != nil {
		return c, err
	}
	stored := make([][]byte, len(events))
	for i, e := range events {
		stored[i] = e.Hash
	}
	start = time.Now()
	for _, e := range events {
		if err := e.Seal(e.PrevHash); err != nil {
			return c, err
		}
	}
	c.Seal = time.Since(start)
	for i, e := range events {
		if !bytes.Equal(e.Hash, stored[i]) {
			return c, fmt.Errorf(
				"event %d seals to %x, stored %x: the measurement is not of the stored work",
				e.Seq,
				e.Hash,
				stored[i],
			)
		}
	}
	return c, nil
}

func maxRSS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.Sys) / (1 << 20)
	}
	return float64(ru.Maxrss) / 1024 // kilobytes on Linux
}

// Print writes results as a table.
func Print(w io.Writer, rs []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(
		tw,
		"engine\tinstances\tclients\tcommands\tcommands/s\t× fsync\tp50 ms\tp99 ms\tconflicts\tpeak RSS MiB\tevents/cmd\tledger µs/cmd\tledger %\ttree µs/cmd\t",
	)
	for _, r := range rs {
		n := float64(r.Commands)
		fmt.Fprintf(
			tw,
			"%s\t%d\t%d\t%d\t%.0f\t%s\t%.2f\t%.2f\t%d\t%.0f\t%.2f\t%.1f\t%.2f\t%.1f\t\n",
			r.Engine,
			r.Instances,
			r.Clients,
			r.Commands,
			r.PerSecond(),
			ratio(r.PerSecond(), r.Fsync),
			float64(r.P50.Microseconds())/1000,
			float64(r.P99.Microseconds())/1000,
			r.Conflicts,
			r.MaxRSSMiB,
			float64(
				r.Ledger.Events,
			)/n,
			float64(r.Ledger.Seal.Nanoseconds())/1000/n,
			100*r.LedgerShare(),
			float64(r.Ledger.CatchUp.Nanoseconds())/1000/n,
		)
	}
	tw.Flush()
	if len(rs) > 0 && rs[0].Fsync > 0 {
		fmt.Fprintf(w, "× fsync: commands/s as a multiple of the disk's %.0f fsynced 4 KB writes a second, measured in this run;\n",
			rs[0].Fsync)
	}
	fmt.Fprintln(
		w,
		"ledger µs/cmd: encoding, hashing and chaining the command's events on its path (ledger % of the time per command);",
	)
	fmt.Fprintln(
		w,
		"tree µs/cmd: a server's ledger reading them back and adding them to its tree, off the command path.",
	)
}

func ratio(x, of float64) string {
	if of <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", x/of)
}

// cpuTime is the CPU time (user and system) the process has used so far:
// on a machine others share, the figure that compares between runs when
// wall times do not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
