package domain

import (
	"fmt"

	"github.com/holdfast/holdfast/internal/event"
)

// EvClosureUnapproved records a closure as a legacy system decided it:
// closed with nobody's approval. Only an import writes it — no command may
// close a case without a second person — and the audits find it
// (closure_self_approved) as the watchdog does (closed_without_approval).
const EvClosureUnapproved = "closure.recorded_unapproved"

// ClosureUnapproved names the proposed closure the legacy record closed.
type ClosureUnapproved struct {
	ID string `json:"id"`
}

// applyClosureUnapproved closes the case as approved by nobody.
func applyClosureUnapproved(c *Case, p ClosureUnapproved, e *event.Event) error {
	if !c.Closure.Open() || c.Closure.ID != p.ID {
		return fmt.Errorf("event %d: no proposed closure %s on case %s", e.Seq, p.ID, c.Ref)
	}
	c.Closure.ApprovedBy, c.Closure.ApprovedAt = "", e.At.UTC()
	c.Closures = append(c.Closures, *c.Closure)
	c.Status, c.ClosedAt, c.Outcome = StatusClosed, e.At.UTC(), c.Closure.Outcome
	c.owe("investigation closed (outcome "+c.Closure.Outcome+")", e.At.UTC())
	return nil
}
