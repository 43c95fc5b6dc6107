package casefile

import (
	"fmt"
	"time"
)

// Note is a note on the case as written then. A note that corrects an
// earlier one names it by its ref (notes are never changed, only corrected).
type Note struct {
	Ref      string    `json:"ref,omitempty"` // needed only to be corrected
	At       time.Time `json:"at"`
	By       string    `json:"by,omitempty"` // officer
	Text     string    `json:"text"`
	Corrects string    `json:"corrects,omitempty"` // ref of an earlier note
}

// Decision is an entry in the case's decision log: what was decided, why,
// by whom and when.
type Decision struct {
	At        time.Time `json:"at"`
	By        string    `json:"by,omitempty"` // officer
	Decision  string    `json:"decision"`
	Rationale string    `json:"rationale"`
}

// VRR is a victim's request for a review of the decision to close the case
// (the Victims' Right to Review scheme), with what became of it.
type VRR struct {
	Victim       string    `json:"victim"` // a victim ref of this case
	Requested    time.Time `json:"requested"`
	Late         bool      `json:"late,omitempty"` // after the window closed
	LateReason   string    `json:"late_reason,omitempty"`
	Grounds      string    `json:"grounds,omitempty"` // what the victim says was wrong
	Acknowledged time.Time `json:"acknowledged,omitzero"`
	Reviewer     string    `json:"reviewer,omitempty"` // officer named on acknowledgement
	Decision     string    `json:"decision,omitempty"` // upheld | not_upheld
	Reasons      string    `json:"reasons,omitempty"`
	Decided      time.Time `json:"decided,omitzero"`
}

// checkHistory checks the notes, decisions and review requests of k by
// themselves; the service checks the officers they name and the closure a
// request is about.
func (k Case) checkHistory(c *checker) {
	notes := map[string]bool{}
	for i, n := range k.Notes {
		f := fmt.Sprintf("notes[%d]", i)
		c.when(f+".at", n.At)
		c.required(f+".text", n.Text)
		c.order(f+".at", n.At, k.Opened, "the case was opened")
		if n.Corrects != "" && !notes[n.Corrects] {
			c.add(f+".corrects", "%q is not the ref of an earlier note of this case", n.Corrects)
		}
		if n.Ref != "" {
			if notes[n.Ref] {
				c.add(f+".ref", "note %s is listed twice", n.Ref)
			}
			notes[n.Ref] = true
		}
	}
	for i, d := range k.Decisions {
		f := fmt.Sprintf("decisions[%d]", i)
		c.when(f+".at", d.At)
		c.required(f+".decision", d.Decision)
		c.required(f+".rationale", d.Rationale)
		c.order(f+".at", d.At, k.Opened, "the case was opened")
	}
	victims := map[string]bool{}
	for _, v := range k.Victims {
		victims[v.Ref] = true
	}
	for i, v := range k.VRRs {
		f := fmt.Sprintf("vrrs[%d]", i)
		if !victims[v.Victim] {
			c.add(f+".victim", "%q is not a victim of this case (give a victim's ref)", v.Victim)
		}
		c.when(f+".requested", v.Requested)
		if v.Late {
			c.required(f+".late_reason", v.LateReason)
		}
		c.order(f+".acknowledged", v.Acknowledged, v.Requested, "the review was requested")
		if !v.Acknowledged.IsZero() {
			c.required(f+".reviewer", v.Reviewer)
		}
		switch v.Decision {
		case "":
			if !v.Decided.IsZero() || v.Reasons != "" {
				c.add(f+".decision", "required when decided or reasons are given: upheld or not_upheld")
			}
		case "upheld", "not_upheld":
			c.required(f+".reasons", v.Reasons)
			c.when(f+".decided", v.Decided)
			if v.Acknowledged.IsZero() {
				c.add(f+".acknowledged", "a review is acknowledged, and its reviewer named, before it is decided")
			}
			c.order(f+".decided", v.Decided, v.Acknowledged, "the review was acknowledged")
		default:
			c.add(f+".decision", "%q: a review is upheld or not_upheld", v.Decision)
		}
		if v.Decision == "upheld" && i < len(k.VRRs)-1 {
			c.add(f+".decision", "an upheld review reopens the case: no request follows it until the case is closed again")
		}
		if i > 0 && (k.VRRs[i-1].Decided.IsZero() || v.Requested.Before(k.VRRs[i-1].Decided)) {
			c.add(f+".requested", "a request follows the decision on the one before it: one review at a time")
		}
	}
	if len(k.VRRs) > 0 {
		cl := k.Closure
		switch {
		case cl == nil || cl.Approved.IsZero() && cl.Closed.IsZero():
			c.add("vrrs", "a review of the decision to close is requested of a closed case: give the closure")
		default:
			closed := cl.Approved
			if closed.IsZero() {
				closed = cl.Closed
			}
			c.order("vrrs[0].requested", k.VRRs[0].Requested, closed, "the case was closed")
		}
	}
}
