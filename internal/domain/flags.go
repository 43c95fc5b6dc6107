package domain

import "time"

// Flag kinds: integrity problems visible in a case's own state. The
// watchdog turns each into a finding (docs/watchdog.md says which failure
// each one catches).
const (
	FlagNoOwner               = "no_owner"
	FlagNoOpenDuty            = "no_open_duty"
	FlagClosedWithOpenWork    = "closed_with_open_work"
	FlagClosedWithoutApproval = "closed_without_approval"
	FlagVictimNoContactPlan   = "victim_without_contact_plan"
)

// Flag is one integrity problem and since when it has stood. Raised says
// the watchdog's finding for it is already open on the case: a sweep that
// does not list the standing backlog need not read the case again.
type Flag struct {
	Kind   string
	Since  time.Time
	Raised bool
}

// postClosure duty kinds may stay open on a closed case: what is owed to
// the victim and the audit after the decision. internal/duty cancels every
// other kind at closure, and a closed case still owing one is flagged.
var postClosure = map[string]bool{
	"decision_notice":  true,
	"vrr_acknowledge":  true,
	"vrr_review":       true,
	"finding_response": true,
	// An emergency access is reviewed whatever became of the case.
	"break_glass_review": true,
}

// OutlivesClosure reports whether a duty of kind may stay open on a closed case.
func OutlivesClosure(kind string) bool { return postClosure[kind] }

// Flags lists what is wrong with the case as it stands. Kept beside the
// projection, it lets the watchdog read only the flagged cases.
func (c *Case) Flags() []Flag {
	out := c.flags()
	for i := range out {
		out[i].Raised = c.OpenFinding(out[i].Kind) != nil
	}
	return out
}

func (c *Case) flags() []Flag {
	var out []Flag
	since := c.UpdatedAt
	if c.Status.IsOpen() {
		unowned, idle := since, since
		if c.Imported {
			unowned, idle = c.historicSince()
		}
		if c.Status != StatusReferral && c.OwnerID == "" {
			out = append(out, Flag{Kind: FlagNoOwner, Since: unowned})
		}
		if len(c.OpenDuties()) == 0 {
			out = append(out, Flag{Kind: FlagNoOpenDuty, Since: idle})
		}
		var first time.Time
		for _, v := range c.Victims {
			if v.Plan == nil && (first.IsZero() || v.AddedAt.Before(first)) {
				first = v.AddedAt
			}
		}
		if !first.IsZero() {
			out = append(out, Flag{Kind: FlagVictimNoContactPlan, Since: first})
		}
		return out
	}
	closed := c.ClosedAt
	if closed.IsZero() {
		closed = since
	}
	open := false
	for _, a := range c.Actions {
		if !a.Ended() {
			open = true
		}
	}
	for _, d := range c.Duties {
		if d.Status == DutyOpen && !postClosure[d.Kind] {
			open = true
		}
	}
	if open {
		out = append(out, Flag{Kind: FlagClosedWithOpenWork, Since: closed})
	}
	if c.Closure == nil || c.Closure.ApprovedBy == "" || c.Closure.ApprovedBy == c.Closure.ProposedBy {
		out = append(out, Flag{Kind: FlagClosedWithoutApproval, Since: closed})
	}
	return out
}

// historicSince dates an imported case's no_owner and no_open_duty flags
// from its history rather than from the import, whose duties stamp the
// case with the day it came across: unowned since it was opened or last
// allocated (a transfer accepted with no receiving owner), owing nothing
// since then or since its last duty closed. A sweep dated between the
// history and the import sees them, as the old system's records would
// have shown. Cases made in Holdfast keep their last change as the date.
func (c *Case) historicSince() (unowned, idle time.Time) {
	unowned = c.OpenedAt
	if c.AllocatedAt.After(unowned) {
		unowned = c.AllocatedAt
	}
	idle = unowned
	if c.LastDutyClosed.After(idle) {
		idle = c.LastDutyClosed
	}
	return unowned, idle
}
