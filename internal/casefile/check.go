package casefile

import (
	"fmt"
	"strings"
	"time"
)

// checker collects the problems of one line.
type checker struct {
	n  int
	ps Problems
}

func (c *checker) add(field, format string, a ...any) {
	c.ps = append(c.ps, Problem{Line: c.n, Field: field, Message: fmt.Sprintf(format, a...)})
}

func (c *checker) required(field, v string) {
	if strings.TrimSpace(v) == "" {
		c.add(field, "required")
	}
}

func (c *checker) when(field string, t time.Time) {
	if t.IsZero() {
		c.add(field, "required: a time in RFC 3339, e.g. 2014-03-02T10:00:00Z")
	}
}

// order reports a time before the one it must follow.
func (c *checker) order(field string, t time.Time, after time.Time, afterName string) {
	if !t.IsZero() && !after.IsZero() && t.Before(after) {
		c.add(
			field,
			"%s is before %s (%s): dates out of order",
			t.Format(time.RFC3339),
			afterName,
			after.Format(time.RFC3339),
		)
	}
}

func (c *checker) date(field, v string) {
	if v == "" {
		return
	}
	if _, err := time.Parse("2006-01-02", v); err != nil {
		c.add(field, "%q is not a date: write YYYY-MM-DD", v)
	}
}

func (u Unit) check(n int) Problems {
	c := &checker{n: n}
	c.required("ref", u.Ref)
	c.required("name", u.Name)
	switch u.Kind {
	case "force", "department", "team":
	default:
		c.add("kind", "%q: a unit is a force, department or team", u.Kind)
	}
	if u.Kind != "force" && u.Parent == "" {
		c.add("parent", "required: the unit this %s is within", u.Kind)
	}
	return c.ps
}

func (o Officer) check(n int) Problems {
	c := &checker{n: n}
	c.required("ref", o.Ref)
	c.required("name", o.Name)
	c.required("collar", o.Collar)
	c.required("rank", o.Rank)
	c.required("unit", o.Unit)
	for i, r := range o.Roles {
		if strings.TrimSpace(r) == "" {
			c.add(fmt.Sprintf("roles[%d]", i), "required: a role such as investigator or supervisor")
		}
	}
	return c.ps
}

func (k Case) check(n int) Problems {
	c := &checker{n: n}
	c.required("ref", k.Ref)
	c.required("team", k.Team)
	c.required("summary", k.Summary)
	c.when("opened", k.Opened)
	if len(k.OffenceTypes) == 0 {
		c.add("offence_types", "required: at least one offence type")
	}
	victims := map[string]bool{}
	for i, v := range k.Victims {
		f := fmt.Sprintf("victims[%d]", i)
		c.required(f+".ref", v.Ref)
		c.required(f+".name", v.Name)
		c.date(f+".dob", v.DOB)
		c.when(f+".added", v.Added)
		c.order(f+".added", v.Added, k.Opened, "the case was opened")
		if victims[v.Ref] {
			c.add(f+".ref", "victim %s is listed twice", v.Ref)
		}
		victims[v.Ref] = true
		if p := v.ContactPlan; p != nil {
			if p.EveryDays < 1 || p.EveryDays > 366 {
				c.add(
					f+".contact_plan.every_days",
					"%d: give how many days apart updates were agreed (1 to 366)",
					p.EveryDays,
				)
			}
			c.required(f+".contact_plan.method", p.Method)
			c.when(f+".contact_plan.agreed", p.Agreed)
			c.order(f+".contact_plan.agreed", p.Agreed, v.Added, "the victim was added")
		}
		c.order(f+".support_referral", v.SupportReferral, v.Added, "the victim was added")
		c.order(f+".needs_assessment", v.NeedsAssessment, v.Added, "the victim was added")
		for j, nt := range v.Notifications {
			g := fmt.Sprintf("%s.notifications[%d]", f, j)
			c.required(g+".decision", nt.Decision)
			c.when(g+".at", nt.At)
			c.order(g+".at", nt.At, v.Added, "the victim was added")
		}
	}
	for i, s := range k.Suspects {
		f := fmt.Sprintf("suspects[%d]", i)
		c.required(f+".ref", s.Ref)
		if s.Name == "" && s.Description == "" {
			c.add(f+".name", "give the suspect's name or a description")
		}
		c.date(f+".dob", s.DOB)
		c.date(f+".status_on", s.StatusOn)
		c.when(f+".added", s.Added)
		c.order(f+".added", s.Added, k.Opened, "the case was opened")
		checkStatuses(c, f, s)
	}
	for i, a := range k.Actions {
		f := fmt.Sprintf("actions[%d]", i)
		c.required(f+".title", a.Title)
		c.when(f+".raised", a.Raised)
		c.order(f+".raised", a.Raised, k.Opened, "the case was opened")
		c.order(f+".resulted", a.Resulted, a.Raised, "the action was raised")
		c.order(f+".filed", a.Filed, a.Resulted, "it was resulted")
		if !a.Filed.IsZero() && a.Resulted.IsZero() {
			c.add(f+".filed", "an action is filed only after it is resulted: give resulted")
		}
		if !a.Resulted.IsZero() && a.Result == "" {
			c.add(f+".result", "required when resulted is given")
		}
		if a.Resulted.IsZero() {
			if a.Outcome != "" {
				c.add(f+".outcome", "how a line of enquiry ended goes with its result: give result and resulted")
			}
			if a.Reference != "" {
				c.add(f+".reference", "a statement or exhibit reference goes with a result: give result and resulted")
			}
		}
		c.order(f+".target", a.Target, a.Raised, "the action was raised")
		if !a.Target.IsZero() && strings.TrimSpace(a.AllocatedTo) == "" {
			c.add(f+".target", "a target date is set when the action is allocated: give allocated_to")
		}
	}
	for i, ct := range k.Contacts {
		f := fmt.Sprintf("contacts[%d]", i)
		c.when(f+".at", ct.At)
		c.required(f+".kind", ct.Kind)
		if !victims[ct.Victim] {
			c.add(f+".victim", "%q is not a victim of this case (give a victim's ref)", ct.Victim)
		}
		c.order(f+".at", ct.At, k.Opened, "the case was opened")
	}
	for i, r := range k.Reviews {
		f := fmt.Sprintf("reviews[%d]", i)
		c.when(f+".at", r.At)
		c.required(f+".by", r.By)
		c.required(f+".summary", r.Summary)
		c.order(f+".at", r.At, k.Opened, "the case was opened")
	}
	for i, t := range k.Transfers {
		f := fmt.Sprintf("transfers[%d]", i)
		c.when(f+".at", t.At)
		c.required(f+".to", t.To)
		c.required(f+".reason", t.Reason)
		c.order(f+".at", t.At, k.Opened, "the case was opened")
		c.order(f+".accepted", t.Accepted, t.At, "the transfer was proposed")
	}
	if p := k.Plan; p != nil {
		c.required("plan.text", p.Text)
		c.when("plan.at", p.At)
		c.order("plan.at", p.At, k.Opened, "the case was opened")
	}
	if cl := k.Closure; cl != nil {
		c.required("closure.outcome", cl.Outcome)
		c.when("closure.proposed", cl.Proposed)
		c.required("closure.proposed_by", cl.ProposedBy)
		c.order("closure.proposed", cl.Proposed, k.Opened, "the case was opened")
		c.order("closure.approved", cl.Approved, cl.Proposed, "the closure was proposed")
		if !cl.Approved.IsZero() && cl.ApprovedBy == "" {
			c.add("closure.approved_by", "required when approved is given")
		}
		c.order("closure.closed", cl.Closed, cl.Proposed, "the closure was proposed")
		if !cl.Closed.IsZero() && (!cl.Approved.IsZero() || cl.ApprovedBy != "") {
			c.add(
				"closure.closed",
				"closed is for a closure approved by nobody: give either closed, or approved and approved_by",
			)
		}
	}
	k.checkHistory(c)
	return c.ps
}
