package build_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/exercise"
	"github.com/holdfast/holdfast/internal/exercise/build"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// now is the exercise's fixed start, so that two set-ups compare.
var now = time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)

// seed is one whose history leaves every kind of error in place as of now
// (a demo's closure proposal is sometimes not yet made when it ends).
var seed = seedFromEnv(2)

func seedFromEnv(def uint64) uint64 {
	if n, err := strconv.ParseUint(os.Getenv("HOLDFAST_EXERCISE_SEED"), 10, 64); err == nil {
		return n
	}
	return def
}

type setup struct {
	db  *sqlstore.DB
	svc *service.Service
	clk *clock.Manual
	res *build.Result
}

func newExercise(t *testing.T, db *sqlstore.DB, seed uint64, trainees ...string) setup {
	t.Helper()
	clk := clock.NewManual(now)
	hf, err := app.New(db, app.Config{Clock: clk, Policy: policy.DemoDefault(),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	res, err := build.New(context.Background(), hf.Svc, db, clk, build.Options{Seed: seed, Trainees: trainees, Now: now})
	if err != nil {
		t.Fatalf("exercise: %v", err)
	}
	t.Logf("%s: set up in %s: %d planted, %d absent %v", db.Engine(), time.Since(began).Round(time.Millisecond),
		len(res.Plan.Planted), len(res.Absent), res.Absent)
	return setup{db: db, svc: hf.Svc, clk: clk, res: res}
}

// actor is a user as the service sees them after signing in.
func (s setup) actor(t *testing.T, username string) *service.Actor {
	t.Helper()
	u, err := s.db.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return &service.Actor{User: *u}
}

// superintendent is the demo force's superintendent, who may put any
// error right.
func (s setup) superintendent(t *testing.T) *service.Actor {
	t.Helper()
	org, err := s.db.Org(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range org.Users {
		if u.Active && u.Rank == domain.RankSuperintendent && u.HasRole(domain.RoleManager) {
			return &service.Actor{User: *u}
		}
	}
	t.Fatal("no superintendent in the exercise force")
	return nil
}

// fix puts one planted error right as a trainee would, through the
// commands the case page sends.
func (s setup) fix(t *testing.T, a *service.Actor, x exercise.Planted) {
	t.Helper()
	ctx := context.Background()
	c, err := s.db.Case(ctx, x.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	org, err := s.db.Org(ctx)
	if err != nil {
		t.Fatal(err)
	}
	officer := func(team string) string {
		for _, u := range org.Users {
			if u.Active && u.UnitID == team && u.Rank == domain.RankConstable && u.HasRole(domain.RoleInvestigator) {
				return u.ID
			}
		}
		t.Fatalf("%s: nobody in team %s to give it to", x.Ref, team)
		return ""
	}
	run := func(what string, fn func(v int64) (*domain.Case, error)) {
		t.Helper()
		nc, err := fn(c.Version)
		if err != nil {
			t.Fatalf("%s (%s): %s: %v", x.Ref, x.Kind, what, err)
		}
		c = nc
	}
	switch x.Kind {
	case demo.PlantOrphaned:
		run("assign owner", func(v int64) (*domain.Case, error) {
			return s.svc.AssignOwner(ctx, a, c.ID, service.AssignOwner{Version: v, OwnerID: officer(c.TeamID),
				Reason: "The officer in the case has left the force"})
		})
		return
	case demo.PlantClosureUnapproved:
		run("send closure back", func(v int64) (*domain.Case, error) {
			return s.svc.RejectClosure(ctx, a, c.ID, service.RejectClosure{Version: v,
				Reason: "Trace and interview the suspect before the case is closed"})
		})
		return
	}
	for _, k := range x.Duties {
		kind, subject, _ := strings.Cut(k, "/")
		switch kind {
		case duty.SupervisoryReview:
			run("review", func(v int64) (*domain.Case, error) {
				return s.svc.RecordReview(ctx, a, c.ID, service.RecordReview{Version: v,
					Summary: "Reviewed the file: lines of enquiry and victim contact are in order"})
			})
		case duty.VictimUpdate:
			run("update victim", func(v int64) (*domain.Case, error) {
				return s.svc.RecordContact(ctx, a, c.ID, service.RecordContact{Version: v, Victim: subject,
					Kind: domain.ContactUpdate, Method: "phone", Note: "Updated on the progress of the investigation"})
			})
		case duty.DecisionNotice:
			run("tell victim", func(v int64) (*domain.Case, error) {
				return s.svc.RecordContact(ctx, a, c.ID, service.RecordContact{Version: v, Victim: subject,
					Kind: domain.ContactDecision, Method: "visit", Note: "Told of the decision about the suspect"})
			})
		case duty.ContactPlan:
			run("agree contact plan", func(v int64) (*domain.Case, error) {
				return s.svc.AgreeContactPlan(ctx, a, c.ID, service.AgreeContactPlan{Version: v, Victim: subject,
					EveryDays: 14, Method: "phone", AgreedWith: "the victim's mother"})
			})
		case duty.ActionTarget:
			run("result action", func(v int64) (*domain.Case, error) {
				return s.svc.ResultAction(ctx, a, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
					Version: v, Action: subject,
					Result: "Driver traced and interviewed; account recorded"})
			})
		case duty.AllocateReferral:
			run("allocate", func(v int64) (*domain.Case, error) {
				return s.svc.AssignOwner(ctx, a, c.ID, service.AssignOwner{Version: v, OwnerID: officer(c.TeamID)})
			})
		case duty.TransferAccept:
			run("accept transfer", func(v int64) (*domain.Case, error) {
				return s.svc.AcceptTransfer(ctx, a, c.ID, service.AcceptTransfer{Version: v,
					OwnerID: officer(c.Transfer.ToTeam)})
			})
		default:
			t.Fatalf("%s: no fix for a %s duty", x.Ref, kind)
		}
	}
}

func (s setup) score(t *testing.T) *exercise.Report {
	t.Helper()
	ctx := context.Background()
	b, ok, err := s.db.Exercise(ctx)
	if err != nil || !ok {
		t.Fatalf("exercise plan: %v (recorded: %v)", err, ok)
	}
	p, err := exercise.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := exercise.Score(p, func(id string) ([]*event.Event, error) { return s.db.CaseEvents(ctx, id) })
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func refs(rs []exercise.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Ref+" "+r.Kind)
	}
	return out
}

// TestScriptedTrainee: alice puts right all but one of her errors, ten
// minutes apart; bob does nothing, and the trainer puts one of his right.
// The score names exactly alice's fixes with their times, and counts
// everything else as missed.
func TestScriptedTrainee(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		s := newExercise(t, db, seed, "alice", "bob")
		p := s.res.Plan
		kinds := map[string]bool{}
		for _, x := range p.Planted {
			kinds[x.Kind] = true
			if x.Remedy == "" || x.CaseID == "" || x.Trainee == "" {
				t.Errorf("%s recorded without its remedy, case or trainee: %+v", x.Ref, x)
			}
		}
		for _, k := range exercise.Kinds {
			if !kinds[k] {
				t.Errorf("no %s error planted", k)
			}
		}
		alice, bob := p.Trainees[0], p.Trainees[1]
		mine, his := p.Of(alice.UserID), p.Of(bob.UserID)
		if len(mine) < 3 || len(his) < 3 {
			t.Fatalf("alice has %d errors and bob %d: want at least 3 each", len(mine), len(his))
		}
		a := s.actor(t, "alice")
		var want []string
		took := map[string]time.Duration{}
		for i, x := range mine[:len(mine)-1] {
			s.clk.Set(now.Add(time.Duration(i+1) * 10 * time.Minute))
			s.fix(t, a, x)
			want = append(want, x.Ref+" "+x.Kind)
			took[x.Ref] = time.Duration(i+1) * 10 * time.Minute
		}
		s.clk.Set(now.Add(3 * time.Hour))
		s.fix(t, s.superintendent(t), his[0]) // not bob's doing

		rep := s.score(t)
		// The pages' door: the trainer's score is the administrator's
		// alone; a trainee sees their own cases, nobody else any.
		ctx := context.Background()
		if srep, err := s.svc.ExerciseScore(ctx, s.actor(t, "admin")); err != nil ||
			len(srep.Trainees) != 2 || len(srep.Trainees[0].Fixed) != len(want) {
			t.Errorf("the trainer's score through the service: %+v, %v", srep, err)
		}
		if _, err := s.svc.ExerciseScore(ctx, a); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("a trainee asked for the score: %v, want forbidden", err)
		}
		if got, err := s.svc.ExerciseCases(ctx, a); err != nil || len(got) == 0 || !slices.Contains(got, mine[0].Ref) {
			t.Errorf("alice's cases: %v, %v", got, err)
		}
		if _, err := s.svc.ExerciseCases(ctx, s.superintendent(t)); !errors.Is(err, service.ErrNotFound) {
			t.Errorf("a non-trainee asked for exercise cases: %v, want not found", err)
		}
		if len(rep.Trainees) != 2 {
			t.Fatalf("%d trainees scored, want 2", len(rep.Trainees))
		}
		ra, rb := rep.Trainees[0], rep.Trainees[1]
		if got := refs(ra.Fixed); !slices.Equal(got, want) {
			t.Errorf("alice put right %v, want %v", got, want)
		}
		for _, r := range ra.Fixed {
			if r.Took != took[r.Ref] || r.By != alice.UserID {
				t.Errorf("alice's %s: took %s by %s, want %s by her", r.Ref, r.Took, r.By, took[r.Ref])
			}
		}
		last := mine[len(mine)-1]
		if got := refs(ra.Missed); !slices.Equal(got, []string{last.Ref + " " + last.Kind}) {
			t.Errorf("alice missed %v, want only %s", got, last.Ref)
		}
		if len(rb.Fixed) != 0 || len(rb.Missed) != len(his) {
			t.Errorf("bob put right %v and missed %d, want none and %d", refs(rb.Fixed), len(rb.Missed), len(his))
		}
		if !rb.Missed[0].Done || rb.Missed[0].By == bob.UserID {
			t.Errorf("bob's %s: the trainer put it right, and it is still his miss: %+v", his[0].Ref, rb.Missed[0])
		}
		for _, r := range rb.Missed[1:] {
			if r.Done {
				t.Errorf("bob's %s is put right by %s, but nobody touched it", r.Ref, r.By)
			}
		}

		// Then both put the rest right: every kind's remedy scores.
		s.clk.Set(now.Add(4 * time.Hour))
		s.fix(t, a, last)
		b := s.actor(t, "bob")
		for _, x := range his[1:] {
			s.fix(t, b, x)
		}
		rep = s.score(t)
		fixed := map[string]bool{}
		for i, ts := range rep.Trainees {
			for _, r := range ts.Fixed {
				fixed[r.Kind] = true
			}
			if want := len(p.Of(ts.UserID)) - i; len(ts.Fixed) != want { // bob's first was the superintendent's
				t.Errorf("%s put right %d, want %d: missed %v", ts.Username, len(ts.Fixed), want, refs(ts.Missed))
			}
		}
		for _, k := range exercise.Kinds {
			if !fixed[k] && k != his[0].Kind {
				t.Errorf("a trainee's remedy for %s does not score", k)
			}
		}
	})
}

// TestSameSeedSameExercise: two exercises from one seed plant the same
// errors in the same cases for the same trainees; another seed differs.
func TestSameSeedSameExercise(t *testing.T) {
	plant := func(seed uint64) []string {
		s := newExercise(t, testdb.Open(t, "sqlite"), seed, "alice", "bob")
		var out []string
		for _, x := range s.res.Plan.Planted {
			u := "alice"
			if x.Trainee == s.res.Plan.Trainees[1].UserID {
				u = "bob"
			}
			// Duties by kind: their subjects are record ids, which the
			// service draws afresh each time.
			var kinds []string
			for _, d := range x.Duties {
				k, _, _ := strings.Cut(d, "/")
				kinds = append(kinds, k)
			}
			out = append(out, fmt.Sprintf("%s %s %s %v %v %s", x.Ref, x.Kind, u, kinds, x.Events, x.Detail))
		}
		return out
	}
	a, b, c := plant(seed), plant(seed), plant(seed+1)
	if len(a) == 0 || !slices.Equal(a, b) {
		t.Errorf("seed %d twice:\n%s\nthen\n%s", seed, strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	if slices.Equal(a, c) {
		t.Errorf("seeds %d and %d planted the same exercise:\n%s", seed, seed+1, strings.Join(a, "\n"))
	}
}

// TestKindsAreTheDemos: the exercise knows every kind of error the demo
// plants, by the demo's own names, with a remedy and a way to score it.
func TestKindsAreTheDemos(t *testing.T) {
	demos := []string{demo.PlantReviewOverdue, demo.PlantVictimNotUpdated, demo.PlantVictimNotTold,
		demo.PlantOrphaned, demo.PlantTransferNotAccepted, demo.PlantNoContactPlan, demo.PlantActionOverdue,
		demo.PlantReferralUnallocated, demo.PlantClosureUnapproved}
	if !slices.Equal(demos, exercise.Kinds) {
		t.Errorf("the demo plants %v, the exercise knows %v", demos, exercise.Kinds)
	}
	for _, k := range exercise.Kinds {
		if exercise.Label(k) == k || exercise.Remedy(k) == "" ||
			len(exercise.DutyKinds(k)) == 0 == (len(exercise.FixEvents(k)) == 0) {
			t.Errorf("%s: label %q, remedy %q, duties %v, events %v: want a label, a remedy and one way to score",
				k, exercise.Label(k), exercise.Remedy(k), exercise.DutyKinds(k), exercise.FixEvents(k))
		}
	}
}

// TestLiveDatabaseHasNoExercise: a database that is not an exercise has
// no score, not even for an administrator.
func TestLiveDatabaseHasNoExercise(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		hf, err := app.New(db, app.Config{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hf.Svc.ExerciseScore(context.Background(), service.SystemActor("test")); !errors.Is(err, service.ErrNotFound) {
			t.Errorf("score of a live database: %v, want not found", err)
		}
		if err := db.SaveExercise(context.Background(), 1, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveExercise(context.Background(), 1, []byte(`{}`)); !errors.Is(err, sqlstore.ErrExerciseExists) {
			t.Errorf("a second exercise in one database: %v, want refused", err)
		}
	})
}
