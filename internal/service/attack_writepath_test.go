package service_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestRandomCommandsMatchReplay: random commands that move duties,
// flags, team, owner and status (transfers, sweeps, actions, waivers,
// closure and reopen), some fired concurrently so that several land in one
// batch, some on the same case; the projection tables must equal a replay
// of the log after every round.
func TestRandomCommandsMatchReplay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		supB := f.AddUser(t, service.NewUser{Username: "bsup", Name: "DS B Supervisor", Rank: domain.RankSergeant,
			UnitID: f.TeamB, Collar: "B1", Email: "bsup@northshire.police.invalid", Password: fixture.Password, Roles: []domain.Role{domain.RoleSupervisor, domain.RoleInvestigator}})
		r := rand.New(rand.NewPCG(20, 26))
		var cases []*domain.Case
		for i := 0; i < 4; i++ {
			cases = append(cases, f.Allocated(t))
		}
		rat := domain.Rationale{
			LinesConsidered: "Phone download, suspect interview, CCTV",
			WhyNoneRemain:   "All enquiries complete and filed",
			SuspectsStatus:  "Suspect interviewed, no admissions",
			VictimView:      "Victim does not support a prosecution now",
		}
		var mu sync.Mutex
		msgs := map[string]int{}
		step := func(r *rand.Rand, i int, id string) {
			c, err := db.Case(ctx, id)
			if err != nil {
				t.Error(err)
				return
			}
			v := c.Version
			kind := r.IntN(14)
			defer func() {
				if err == nil {
					mu.Lock()
					msgs[fmt.Sprintf("ok %02d", kind)]++
					mu.Unlock()
				}
			}()
			switch kind {
			case 0:
				to := f.TeamB
				if c.TeamID == f.TeamB {
					to = f.TeamA
				}
				_, err = f.Svc.ProposeTransfer(ctx, f.Inspector, id, service.ProposeTransfer{Version: v, ToTeam: to, Reason: "suspect lives in the other area"})
			case 1:
				owner := supB.ID()
				if c.TeamID == f.TeamB {
					owner = f.Investigator.ID()
				}
				_, err = f.Svc.AcceptTransfer(ctx, f.Inspector, id, service.AcceptTransfer{Version: v, OwnerID: owner})
			case 2:
				_, err = f.Svc.AssignOwner(ctx, f.Inspector, id, service.AssignOwner{Version: v,
					OwnerID: []string{f.Investigator.ID(), f.Investigator2.ID()}[r.IntN(2)], Reason: "alloc"})
			case 3:
				_, err = f.Svc.RaiseAction(ctx, f.Investigator, id, service.NewAction{Version: v, Title: fmt.Sprintf("A%d", i), Priority: "high"})
			case 4, 5:
				for _, a := range c.Actions {
					if r.IntN(3) == 0 {
						continue
					}
					switch a.State {
					case domain.ActionStateRaised:
						_, err = f.Svc.AllocateAction(ctx, f.Supervisor, id, service.AllocateAction{Version: v, Action: a.ID, To: f.Investigator.ID()})
					case domain.ActionStateAllocated:
						_, err = f.Svc.ResultAction(ctx, f.Investigator, id, service.ResultAction{Outcome: domain.ActionCompleted,
							Version: v, Action: a.ID, Result: "found nothing further"})
					case domain.ActionStateResulted:
						_, err = f.Svc.FileAction(ctx, f.Supervisor, id, service.FileAction{Version: v, Action: a.ID})
					default:
						continue
					}
					break
				}
			case 6:
				for _, d := range c.Duties {
					if d.Status == domain.DutyOpen && r.IntN(2) == 0 {
						_, err = f.Svc.WaiveDuty(ctx, f.Supervisor, id, service.WaiveDuty{Version: v, Duty: d.ID, Reason: "not needed"})
						break
					}
				}
			case 7:
				_, err = f.Svc.ProposeClosure(ctx, []*service.Actor{f.Investigator, f.Inspector}[r.IntN(2)], id, service.ClosureProposal{Version: v, Outcome: "15", Rationale: rat})
			case 8:
				_, err = f.Svc.ApproveClosure(ctx, []*service.Actor{f.Supervisor, f.Inspector}[r.IntN(2)], id, service.ApproveClosure{Version: v})
			case 9:
				_, err = f.Svc.Reopen(ctx, f.Inspector, id, service.Reopen{Version: v, Reason: "new evidence"})
			case 10:
				for _, fd := range c.Findings {
					if fd.Resolved.IsZero() {
						_, err = f.Svc.AnswerFinding(ctx, f.Supervisor, id, service.AnswerFinding{Version: v, Finding: fd.ID, Answer: "dealt with"})
						break
					}
				}
			case 11:
				if r.IntN(4) == 0 {
					_, err = f.Svc.AddPerson(ctx, f.Investigator, id, service.NewPerson{Version: v, Name: fmt.Sprintf("W %d", i), Role: "witness"})
				} else {
					_, err = f.Svc.RecordReview(ctx, []*service.Actor{f.Supervisor, f.Inspector}[r.IntN(2)], id, service.RecordReview{Version: v, Summary: "Reviewed: progress acceptable"})
				}
			default:
				_, err = f.Svc.AddNote(ctx, f.Investigator, id, service.NewNote{Version: v, Text: fmt.Sprintf("n%d", i)})
			}
			if err != nil {
				var p domain.Problems
				k := "other"
				if errors.As(err, &p) {
					k = fmt.Sprintf("problems %02d %.100s", kind, err.Error())
				} else if _, ok := service.AsForbidden(err); ok {
					k = "forbidden"
				} else {
					k = err.Error()
					if len(k) > 90 {
						k = k[:90]
					}
				}
				mu.Lock()
				msgs[k]++
				mu.Unlock()
			}
		}
		for round := 0; round < 80; round++ {
			f.Clock.Advance(time.Duration(r.IntN(72)) * time.Hour)
			if r.IntN(4) == 0 {
				if _, err := f.Svc.Sweep(ctx, f.Admin, service.SweepOptions{}); err != nil {
					t.Fatalf("sweep: %v", err)
				}
			}
			if r.IntN(8) == 0 {
				cases = append(cases, f.Allocated(t))
			}
			// A burst: several commands at once, some on the same case.
			n := 1 + r.IntN(5)
			ids := make([]string, n)
			for j := range ids {
				ids[j] = cases[r.IntN(len(cases))].ID
			}
			var swg sync.WaitGroup
			for j := 0; j < n; j++ {
				swg.Add(1)
				id, i, rj := ids[j], round*10+j, rand.New(rand.NewPCG(r.Uint64(), r.Uint64()))
				go func() { defer swg.Done(); step(rj, i, id) }()
			}
			swg.Wait()
			noDifference(t, db)
		}
		var ks []string
		for k, n := range msgs {
			ks = append(ks, fmt.Sprintf("%4d %s", n, k))
		}
		sort.Strings(ks)
		for _, k := range ks {
			t.Log(k)
		}
	})
}
