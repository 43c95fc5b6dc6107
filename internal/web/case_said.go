package web

import (
	"fmt"
	"net/url"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
)

// The success banners that say who now holds the work and what follows:
// "Owner assigned" alone left the supervisor to check whom the case went
// to, and a decided review left the reviewer to find what is now owed.

// saidOwner names the case's officer in charge, as the command left it.
func saidOwner(before, after string) func(*domain.Case, *domain.OrgState, url.Values) string {
	return func(c *domain.Case, org *domain.OrgState, _ url.Values) string {
		if after == "" {
			return before + personName(org, c.OwnerID) + " is now the officer in charge"
		}
		return before + personName(org, c.OwnerID) + after
	}
}

// saidAllocated names the action, its officer and its target date.
func saidAllocated(c *domain.Case, org *domain.OrgState, f url.Values) string {
	a := c.Action(f.Get("action"))
	if a == nil {
		return "Line of enquiry allocated"
	}
	return fmt.Sprintf("Line of enquiry allocated: A%d to %s, by %s", a.Number, personName(org, a.AllocatedTo),
		a.Target.In(clock.London).Format("2 January 2006"))
}

// saidVRR says the outcome: upheld, the case is reopened and whose it is;
// either way, who must tell the victim, and by when.
func saidVRR(c *domain.Case, org *domain.OrgState, _ url.Values) string {
	var decided *domain.VRR
	for i := range c.VRRs {
		if v := &c.VRRs[i]; !v.DecidedAt.IsZero() && (decided == nil || v.DecidedAt.After(decided.DecidedAt)) {
			decided = v
		}
	}
	msg := "Right to Review decided: not upheld."
	if decided != nil && decided.Decision == "upheld" {
		msg = fmt.Sprintf("Right to Review decided: upheld. %s is reopened; its officer in charge is %s.",
			c.Ref, personName(org, c.OwnerID))
	}
	var tell *domain.Duty
	for i := range c.Duties {
		d := &c.Duties[i]
		if d.Kind == "decision_notice" && d.Status == domain.DutyOpen && (tell == nil || d.Opened.After(tell.Opened)) {
			tell = d
		}
	}
	if tell != nil {
		msg += fmt.Sprintf(" %s must tell the victim of the decision and its reasons by %s.",
			personName(org, tell.Accountable), clock.GovUK(tell.Due))
	}
	return msg
}

// saidContact says when the victim's next update is due, and from which
// contact it runs: a contact recorded on a later day than it happened
// counts from the day it happened.
func saidContact(c *domain.Case, _ *domain.OrgState, f url.Values) string {
	return "Contact recorded" + nextUpdate(c, f.Get("victim"))
}

// nextUpdate is ": the next update to the victim is due by …, counted
// from the last contact on …", or "" when none is due (a closed case).
func nextUpdate(c *domain.Case, victim string) string {
	v := c.Victim(victim)
	if v == nil {
		return ""
	}
	for _, d := range c.OpenDuties() {
		if d.Kind != duty.VictimUpdate || d.Subject != victim {
			continue
		}
		msg := fmt.Sprintf(". The next update to %s is due by %s", v.Name, clock.GovUK(d.Due))
		if last := v.LastContact(); !last.IsZero() && !c.ReopenedAt.After(last) {
			msg += ", counted from the last contact, on " + last.In(clock.London).Format("2 January 2006")
		}
		return msg + "."
	}
	return ""
}

// saidSuspect says how many possible links to people on other cases the
// index found for the suspect just added, where it found any: they are
// listed on the page the banner sits on.
func saidSuspect(c *domain.Case, _ *domain.OrgState, _ url.Values) string {
	if len(c.Suspects) == 0 {
		return "Suspect added"
	}
	id, n := c.Suspects[len(c.Suspects)-1].ID, 0
	for _, l := range c.Links {
		if l.Person == id && l.Outcome == "" {
			n++
		}
	}
	switch n {
	case 0:
		return "Suspect added"
	case 1:
		return "Suspect added. 1 possible link to another case was found: see Possible links to people on " +
			"other cases, below."
	}
	return fmt.Sprintf("Suspect added. %d possible links to other cases were found: see Possible links to "+
		"people on other cases, below.", n)
}
