package exercise

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
)

// Report is the exercise's score, per trainee.
type Report struct {
	Started  time.Time
	Trainees []TraineeScore
}

// TraineeScore is what one trainee made of the errors given to them.
type TraineeScore struct {
	Trainee
	Fixed  []Result // found and put right by the trainee
	Missed []Result // not put right by them: still wrong, or put right by someone else
}

// Result is one planted error as the event log leaves it.
type Result struct {
	Planted
	Label string
	// Done: the error is put right; By (a user id) did it at At, Took
	// after the exercise began, in event Seq.
	Done bool
	By   string
	At   time.Time
	Took time.Duration
	Seq  int64
	// Opened is how long into the exercise the trainee first opened the
	// case (every read is in the log), or -1 if they never did: a miss
	// in a case they opened is an error they looked at and did not see.
	Opened time.Duration
}

// Events reads a case's events, oldest first.
type Events func(caseID string) ([]*event.Event, error)

// Score reads each planted error's case from the event log and reports,
// per trainee, which errors they put right and how long after the start,
// and which they missed.
func Score(p *Plan, events Events) (*Report, error) {
	rep := &Report{Started: p.Started}
	byCase := map[string][]*event.Event{}
	for _, t := range p.Trainees {
		ts := TraineeScore{Trainee: t}
		for _, x := range p.Of(t.UserID) {
			evs, ok := byCase[x.CaseID]
			if !ok {
				var err error
				if evs, err = events(x.CaseID); err != nil {
					return nil, err
				}
				byCase[x.CaseID] = evs
			}
			r, err := judge(p, x, evs)
			if err != nil {
				return nil, err
			}
			if r.Done && r.By == t.UserID {
				ts.Fixed = append(ts.Fixed, r)
			} else {
				ts.Missed = append(ts.Missed, r)
			}
		}
		rep.Trainees = append(rep.Trainees, ts)
	}
	return rep, nil
}

// judge finds the event that put x right, if any: one of its fixing
// events, or the last of its overdue duties met. A duty reopened under a
// new id (the case given to someone else) is followed by its kind and
// subject; one met only to reopen already overdue (a contact plan agreed
// that leaves the victim as long without news) is not put right, nor is
// one waived or cancelled.
func judge(p *Plan, x Planted, evs []*event.Event) (Result, error) {
	r := Result{Planted: x, Label: Label(x.Kind), Opened: -1}
	if r.Remedy == "" {
		r.Remedy = Remedy(x.Kind)
	}
	for _, e := range evs {
		if e.Seq > p.StartSeq && e.Type == domain.EvCaseViewed && e.Actor == x.Trainee {
			r.Opened = e.At.Sub(p.Started)
			break
		}
	}
	done := func(e *event.Event) {
		r.Done, r.By, r.At, r.Took, r.Seq = true, e.Actor, e.At, e.At.Sub(p.Started), e.Seq
	}
	if len(x.Events) > 0 {
		for _, e := range evs {
			if e.Seq > p.StartSeq && slices.Contains(x.Events, e.Type) {
				done(e)
				break
			}
		}
		return r, nil
	}
	want := map[string]bool{}
	for _, k := range x.Duties {
		want[k] = true
	}
	keyOf := map[string]string{}     // duty id → kind/subject, for the duties wanted
	met := map[string]*event.Event{} // kind/subject → the event that met it
	for _, e := range evs {
		switch e.Type {
		case domain.EvDutyOpened:
			var d domain.DutyOpened
			if err := json.Unmarshal(e.Payload, &d); err != nil {
				return r, fmt.Errorf("exercise: %s event %d: %w", x.Ref, e.Seq, err)
			}
			k := d.Duty.Kind + "/" + d.Duty.Subject
			if !want[k] {
				continue
			}
			keyOf[d.Duty.ID] = k
			if m := met[k]; m != nil && m.CaseVersion == e.CaseVersion && d.Duty.Due.Before(e.At) {
				delete(met, k) // met by the same command, and overdue again
			}
		case domain.EvDutyClosed:
			if e.Seq <= p.StartSeq {
				continue
			}
			var d domain.DutyClosed
			if err := json.Unmarshal(e.Payload, &d); err != nil {
				return r, fmt.Errorf("exercise: %s event %d: %w", x.Ref, e.Seq, err)
			}
			if k, ok := keyOf[d.ID]; ok && d.Status == domain.DutyMet && met[k] == nil {
				met[k] = e
			}
		}
	}
	if len(want) == 0 || len(met) < len(want) {
		return r, nil // a plan that names nothing to do is never done
	}
	var last *event.Event
	for _, e := range met {
		if last == nil || e.Seq > last.Seq {
			last = e
		}
	}
	done(last)
	return r, nil
}
