package audit

import (
	"fmt"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
)

// Conflicts lists every reason reviewer may not review c: an audit must
// be done by someone who had no hand in the case. formerOwners are the
// users who owned the case at any time (the projection keeps only the
// current owner). Rules are stable: coi_owner, coi_supervisor,
// coi_proposer, coi_approver, coi_enquiries, coi_transfer, coi_vrr.
func Conflicts(c *domain.Case, reviewer *domain.User, formerOwners []string) domain.Problems {
	var p domain.Problems
	id, name := reviewer.ID, reviewer.Name
	add := func(rule, format string, a ...any) {
		for _, x := range p {
			if x.Rule == rule {
				return // one line per rule
			}
		}
		p.Add("reviewer", rule, fmt.Sprintf(format, a...))
	}
	if c.OwnerID == id || contains(formerOwners, id) {
		add("coi_owner", "%s has owned %s", name, c.Ref)
	}
	if c.ReviewedBy(id) { // the document keeps who reviewed, not the reviews
		add("coi_supervisor", "%s reviewed %s as a supervisor", name, c.Ref)
	}
	// A supervisor who owed the case its reviews, its allocation or its
	// closure decision and never gave them had a hand in it too — the
	// failure of supervision an audit exists to find.
	for _, d := range c.Duties {
		if d.Accountable == id && supervisoryDuty[d.Kind] {
			add(
				"coi_supervisor",
				"%s was the supervisor accountable for %s on %s",
				name,
				strings.ReplaceAll(d.Kind, "_", " "),
				c.Ref,
			)
		}
	}
	closures := append([]domain.Closure(nil), c.Closures...)
	if c.Closure != nil {
		closures = append(closures, *c.Closure)
	}
	for _, cl := range closures {
		if cl.ProposedBy == id {
			add("coi_proposer", "%s proposed closing %s", name, c.Ref)
		}
		if cl.ApprovedBy == id {
			add("coi_approver", "%s approved closing %s", name, c.Ref)
		}
	}
	for _, a := range c.Actions {
		if a.AllocatedTo == id || a.ResultedBy == id || a.FiledBy == id || a.RaisedBy == id {
			add("coi_enquiries", "%s worked on lines of enquiry in %s (action A%d)", name, c.Ref, a.Number)
		}
	}
	for _, t := range c.Transfers {
		if t.ProposedBy == id || t.DecidedBy == id {
			add("coi_transfer", "%s proposed or decided a transfer of %s", name, c.Ref)
		}
	}
	for _, v := range c.VRRs {
		if v.Reviewer == id {
			add("coi_vrr", "%s reviewed a victim's request for a review of %s", name, c.Ref)
		}
	}
	return p
}

// supervisoryDuty are the duty kinds (internal/duty) a supervisor owes a
// case as its supervisor.
var supervisoryDuty = map[string]bool{
	duty.SupervisoryReview: true,
	duty.AllocateReferral:  true,
	duty.ClosureApproval:   true,
	duty.TransferAccept:    true,
}
