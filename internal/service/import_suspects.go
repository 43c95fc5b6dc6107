package service

// The import's suspects: a suspect's whole history, each status change
// with its date (casefile.Suspect.History: the statuses list, or the
// single last status and status_on an older export gives).

import (
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
)

// checkSuspectStatuses refuses a status Holdfast does not know, wherever
// in the history it is.
func (im *importer) checkSuspectStatuses(line int, k casefile.Case) {
	for i, s := range k.Suspects {
		if s.Status != "" && !contains(domain.SuspectStatuses(), domain.SuspectStatus(s.Status)) {
			im.problem(line, fmt.Sprintf("suspects[%d].status", i), "%q is not a suspect status", s.Status)
		}
		for j, st := range s.Statuses {
			if !contains(domain.SuspectStatuses(), domain.SuspectStatus(st.Status)) {
				im.problem(line, fmt.Sprintf("suspects[%d].statuses[%d].status", i, j), "%q is not a suspect status", st.Status)
			}
		}
	}
}

// suspectStep is one status change to record, at its time.
type suspectStep struct {
	at time.Time
	p  domain.SuspectStatusChanged
}

// suspectSteps are the events of s's history, oldest first: a single
// status of "identified" (what every suspect starts as) records nothing,
// and a change is never dated before the suspect was added.
func suspectSteps(sid string, s casefile.Suspect) []suspectStep {
	var out []suspectStep
	for _, h := range s.History() {
		if h.Status == string(domain.SuspectIdentified) && len(s.Statuses) == 0 {
			continue
		}
		at, _ := time.Parse(time.DateOnly, h.On)
		if at.Before(s.Added) {
			at = s.Added
		}
		out = append(out, suspectStep{at: at,
			p: domain.SuspectStatusChanged{SuspectID: sid, Status: domain.SuspectStatus(h.Status), On: h.On}})
	}
	return out
}

// exportSuspectHistory writes s's history as the import reads it: one
// change as status and status_on (what older files hold), several as the
// statuses list.
func exportSuspectHistory(s domain.Suspect, es *casefile.Suspect) {
	if len(s.History) > 1 {
		for _, h := range s.History {
			es.Statuses = append(es.Statuses, casefile.SuspectStatus{Status: string(h.Status), On: h.On})
		}
		return
	}
	if s.Status != domain.SuspectIdentified {
		es.Status = string(s.Status)
		if n := len(s.History); n > 0 {
			es.StatusOn = s.History[n-1].On
		}
	}
}
