// Package bench measures Holdfast's durable command throughput and latency
// through the service layer, as a user's command would run.
package bench

import (
	"context"
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

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// Config is one measured run.
type Config struct {
	Clients  int // concurrent clients
	Commands int // commands in all
	Cases    int // cases the commands spread over
}

// Result is what one run measured.
type Result struct {
	Engine    string
	Clients   int
	Commands  int
	Conflicts int // stale-version refusals, retried
	Elapsed   time.Duration
	P50, P99  time.Duration
	MaxRSSMiB float64
}

// PerSecond is durable commands per second.
func (r Result) PerSecond() float64 { return float64(r.Commands) / r.Elapsed.Seconds() }

// Setup creates a force, a team, an officer and cases to work on.
func Setup(ctx context.Context, st store.Store, cases int) (*service.Service, *service.Actor, []string, error) {
	hf, err := app.New(st, app.Config{})
	if err != nil {
		return nil, nil, nil, err
	}
	svc := hf.Svc
	admin, err := svc.Bootstrap(ctx, "Bench Force", service.NewUser{Username: "admin", Name: "Admin", Collar: "A1", Rank: domain.RankStaff, Roles: []domain.Role{domain.RoleAdmin}, Password: "bench password 1"})
	if err != nil {
		return nil, nil, nil, err
	}
	adm := &service.Actor{User: *admin}
	team, err := svc.CreateUnit(ctx, adm, service.NewUnit{Name: "Team", Kind: domain.UnitTeam, ParentID: admin.UnitID})
	if err != nil {
		return nil, nil, nil, err
	}
	u, err := svc.CreateUser(ctx, adm, service.NewUser{Username: "dc", Name: "DC Bench", Collar: "B1", Rank: domain.RankConstable, UnitID: team.ID, Roles: []domain.Role{domain.RoleInvestigator}, Password: "bench password 1"})
	if err != nil {
		return nil, nil, nil, err
	}
	a := &service.Actor{User: *u}
	ids := make([]string, cases)
	for i := range ids { // refs, as a client knows cases
		c, err := svc.OpenReferral(ctx, a, service.NewReferral{TeamID: team.ID, Summary: "benchmark referral", OffenceTypes: []string{"cse"}})
		if err != nil {
			return nil, nil, nil, err
		}
		ids[i] = c.Ref
	}
	return svc, a, ids, nil
}

// Run sends cfg.Commands note commands from cfg.Clients clients, each
// based on the version it just read (a stale one is retried and counted).
func Run(ctx context.Context, svc *service.Service, a *service.Actor, ids []string, cfg Config) (Result, error) {
	lat := make([]time.Duration, cfg.Commands)
	var next int
	var conflicts int
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < cfg.Clients; c++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
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
					cur, err := svc.Store().CaseRowByRef(ctx, ref)
					if err == nil {
						_, err = svc.AddNote(ctx, a, cur.ID, cur.Version, service.NewNote{Text: fmt.Sprintf("note %d: spoke to the school's safeguarding lead about attendance", i)})
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
	res := Result{Engine: svc.Store().Engine(), Clients: cfg.Clients, Commands: cfg.Commands, Conflicts: conflicts, Elapsed: time.Since(start)}
	slices.Sort(lat)
	res.P50 = lat[len(lat)/2]
	res.P99 = lat[len(lat)*99/100]
	res.MaxRSSMiB = maxRSS()
	return res, nil
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
	fmt.Fprintln(tw, "engine\tclients\tcommands\tcommands/s\tp50 ms\tp99 ms\tconflicts\tpeak RSS MiB\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%d\t%.0f\t\n", r.Engine, r.Clients, r.Commands, r.PerSecond(),
			float64(r.P50.Microseconds())/1000, float64(r.P99.Microseconds())/1000, r.Conflicts, r.MaxRSSMiB)
	}
	tw.Flush()
}
