package domain

import "time"

// Events of alerts and emergency access.
const (
	// EvAlertSent puts an alert in one person's inbox: something on a case
	// they must know of now (a closure sent back to them, an emergency
	// access to a case they manage or audit). The inbox is its projection.
	EvAlertSent = "alert.sent"
	// EvBreakGlass records a person opening a case outside their need to
	// know, with the reason they gave: read-only, until Until.
	EvBreakGlass = "case.break_glass"
	// EvBreakGlassReviewed records the audit team's review of one.
	EvBreakGlassReviewed = "case.break_glass_reviewed"
)

// Alert kinds.
const (
	AlertClosureSentBack = "closure_sent_back"
	AlertBreakGlass      = "break_glass"
	// AlertDecision tells someone a decision has become theirs to make
	// (a closure to approve, a transfer to accept, a review to decide).
	AlertDecision = "decision"
)

// AlertSent is the payload of EvAlertSent.
type AlertSent struct {
	To   string `json:"to"`   // user id
	Kind string `json:"kind"` // one of the Alert kinds
	Text string `json:"text"`
	// ID is the duty a decision alert is about (AlertDecision), so that
	// the inbox can say once it has been decided; or the link a link
	// alert is about (AlertLink, AlertLinkDecided), so that the inbox
	// goes to where it is decided.
	ID string `json:"id,omitempty"`
}

// BreakGlass is one emergency access to a case: who, why, until when.
type BreakGlass struct {
	ID     string    `json:"id"`
	By     string    `json:"by"` // user id
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	Until  time.Time `json:"until"`
	// The audit team's review: who, when, what they found.
	ReviewedBy string    `json:"reviewed_by,omitempty"`
	ReviewedAt time.Time `json:"reviewed_at,omitzero"`
	Review     string    `json:"review,omitempty"`
}

// BreakGlassReviewed is the payload of EvBreakGlassReviewed.
type BreakGlassReviewed struct {
	ID   string `json:"id"`
	Note string `json:"note"`
}

// BreakGlassAccess is the emergency access with id, or nil.
func (c *Case) BreakGlassAccess(id string) *BreakGlass {
	for i := range c.BreakGlass {
		if c.BreakGlass[i].ID == id {
			return &c.BreakGlass[i]
		}
	}
	return nil
}

// BreakGlassed is the payload of EvBreakGlass.
type BreakGlassed struct {
	BreakGlass
}

// BreakGlassFor is the emergency access user holds on c at t, if any.
func (c *Case) BreakGlassFor(user string, t time.Time) *BreakGlass {
	for i := len(c.BreakGlass) - 1; i >= 0; i-- {
		if g := &c.BreakGlass[i]; g.By == user && t.Before(g.Until) && !t.Before(g.At) {
			return g
		}
	}
	return nil
}
