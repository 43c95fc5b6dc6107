package exercise_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/exercise"
)

var t0 = time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)

// log builds a case's events; seq 1-2 are history, before the start.
type log struct {
	evs []*event.Event
	ver int64
}

func (l *log) add(typ, actor string, at time.Time, sameCommand bool, p any) {
	b, _ := json.Marshal(p)
	if !sameCommand {
		l.ver++
	}
	l.evs = append(l.evs, &event.Event{Seq: int64(len(l.evs) + 1), Type: typ, Actor: actor, At: at,
		CaseID: "c1", CaseVersion: l.ver, Payload: b})
}

func opened(id, kind, subject string, due time.Time) domain.DutyOpened {
	return domain.DutyOpened{Duty: domain.Duty{ID: id, Kind: kind, Subject: subject, Due: due}}
}

func closed(id string, st domain.DutyStatus) domain.DutyClosed {
	return domain.DutyClosed{ID: id, Status: st}
}

func score(t *testing.T, l *log, x exercise.Planted) exercise.Result {
	t.Helper()
	x.CaseID, x.Trainee, x.Ref = "c1", "alice", "CSE/2026/000001"
	p := &exercise.Plan{Started: t0, StartSeq: 2, Trainees: []exercise.Trainee{{UserID: "alice"}},
		Planted: []exercise.Planted{x}}
	rep, err := exercise.Score(p, func(string) ([]*event.Event, error) { return l.evs, nil })
	if err != nil {
		t.Fatal(err)
	}
	ts := rep.Trainees[0]
	if len(ts.Fixed)+len(ts.Missed) != 1 {
		t.Fatalf("one error planted, scored %+v", ts)
	}
	if len(ts.Fixed) == 1 {
		return ts.Fixed[0]
	}
	return ts.Missed[0]
}

func TestScoreVictimUpdates(t *testing.T) {
	late := t0.AddDate(0, 0, -40)
	upd := func() (*log, exercise.Planted) {
		l := &log{}
		l.add(domain.EvDutyOpened, "dc", late, false, opened("c1.d1", duty.VictimUpdate, "v1", late))
		l.add(domain.EvDutyOpened, "dc", late, true, opened("c1.d2", duty.VictimUpdate, "v2", late))
		return l, exercise.Planted{Kind: exercise.PlantVictimNotUpdated,
			Duties: []string{duty.VictimUpdate + "/v1", duty.VictimUpdate + "/v2"}}
	}
	t.Run("both victims updated", func(t *testing.T) {
		l, x := upd()
		l.add(domain.EvDutyClosed, "alice", t0.Add(5*time.Minute), false, closed("c1.d1", domain.DutyMet))
		l.add(domain.EvDutyOpened, "alice", t0.Add(5*time.Minute), true, opened("c1.d3", duty.VictimUpdate, "v1", t0.AddDate(0, 0, 14)))
		l.add(domain.EvDutyClosed, "alice", t0.Add(9*time.Minute), false, closed("c1.d2", domain.DutyMet))
		r := score(t, l, x)
		if !r.Done || r.By != "alice" || r.Took != 9*time.Minute {
			t.Errorf("both updated, the second 9 minutes in: %+v", r)
		}
	})
	t.Run("one of two", func(t *testing.T) {
		l, x := upd()
		l.add(domain.EvDutyClosed, "alice", t0.Add(5*time.Minute), false, closed("c1.d1", domain.DutyMet))
		if r := score(t, l, x); r.Done {
			t.Errorf("one victim of two updated counts as put right: %+v", r)
		}
	})
	t.Run("met only to fall overdue again", func(t *testing.T) {
		l, x := upd()
		for i, id := range []string{"c1.d1", "c1.d2"} {
			at := t0.Add(time.Duration(i+1) * time.Minute)
			l.add(domain.EvDutyClosed, "alice", at, false, closed(id, domain.DutyMet))
			l.add(domain.EvDutyOpened, "alice", at, true, opened(id+"x", duty.VictimUpdate, []string{"v1", "v2"}[i], late.AddDate(0, 0, 7)))
		}
		if r := score(t, l, x); r.Done {
			t.Errorf("a plan agreed that leaves the victims overdue counts as an update: %+v", r)
		}
	})
	t.Run("waived", func(t *testing.T) {
		l, x := upd()
		l.add(domain.EvDutyClosed, "alice", t0.Add(time.Minute), false, closed("c1.d1", domain.DutyWaived))
		l.add(domain.EvDutyClosed, "alice", t0.Add(time.Minute), false, closed("c1.d2", domain.DutyWaived))
		if r := score(t, l, x); r.Done {
			t.Errorf("waived duties count as put right: %+v", r)
		}
	})
	t.Run("handed over, then updated by the new owner", func(t *testing.T) {
		l, x := upd()
		at := t0.Add(time.Minute)
		l.add(domain.EvDutyClosed, "alice", at, false, closed("c1.d1", domain.DutyCancelled))
		l.add(domain.EvDutyClosed, "alice", at, true, closed("c1.d2", domain.DutyCancelled))
		l.add(domain.EvDutyOpened, "alice", at, true, opened("c1.d3", duty.VictimUpdate, "v1", late))
		l.add(domain.EvDutyOpened, "alice", at, true, opened("c1.d4", duty.VictimUpdate, "v2", late))
		l.add(domain.EvDutyClosed, "dc2", t0.Add(time.Hour), false, closed("c1.d3", domain.DutyMet))
		l.add(domain.EvDutyClosed, "dc2", t0.Add(2*time.Hour), false, closed("c1.d4", domain.DutyMet))
		r := score(t, l, x)
		if !r.Done || r.By != "dc2" || r.Took != 2*time.Hour {
			t.Errorf("reopened duties met by the new owner: %+v", r)
		}
	})
}

func TestScoreByEvent(t *testing.T) {
	l := &log{}
	l.add(domain.EvOwnerAssigned, "sgt", t0.AddDate(0, -3, 0), false, map[string]string{})
	l.add(domain.EvCaseViewed, "alice", t0.AddDate(0, 0, -1), false, map[string]string{})
	x := exercise.Planted{Kind: exercise.PlantOrphaned, Events: exercise.FixEvents(exercise.PlantOrphaned)}
	if r := score(t, l, x); r.Done {
		t.Errorf("an owner assigned before the exercise counts: %+v", r)
	}
	if r := score(t, l, x); r.Opened != -1 {
		t.Errorf("a read before the exercise counts as opening the case: %+v", r)
	}
	l.add(domain.EvCaseViewed, "bob", t0.Add(10*time.Minute), false, map[string]string{})
	l.add(domain.EvCaseViewed, "alice", t0.Add(80*time.Minute), false, map[string]string{})
	l.add(domain.EvOwnerAssigned, "alice", t0.Add(90*time.Minute), false, map[string]string{})
	if r := score(t, l, x); !r.Done || r.By != "alice" || r.Took != 90*time.Minute || r.Seq != 5 ||
		r.Opened != 80*time.Minute {
		t.Errorf("opened 80 minutes in, owner assigned at 90: %+v", r)
	}
}

// FuzzScore: no plan and no payload, however malformed, panics the
// scorer; a malformed payload is an error naming the case.
func FuzzScore(f *testing.F) {
	f.Add([]byte(`{"duty":{"id":"c1.d1","kind":"victim_update","subject":"v1"}}`), []byte(`{"id":"c1.d1","status":"met"}`),
		[]byte(`{"seed":1,"start_seq":0,"trainees":[{"user_id":"alice"}],"planted":[{"case_id":"c1","trainee":"alice","duties":["victim_update/v1"]}]}`))
	f.Add([]byte(`{`), []byte(`null`), []byte(`{"planted":null}`))
	f.Fuzz(func(t *testing.T, open, close, plan []byte) {
		p, err := exercise.Unmarshal(plan)
		if err != nil {
			return
		}
		evs := []*event.Event{{Seq: 1, Type: domain.EvDutyOpened, Payload: open},
			{Seq: 2, Type: domain.EvDutyClosed, Payload: close}}
		exercise.Score(p, func(string) ([]*event.Event, error) { return evs, nil })
	})
}
