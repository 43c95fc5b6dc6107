package domain

import (
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/event"
)

// Links between cases found in the POLE index (issue 19): a person on one
// case who may be a person on another — a likely match by the matcher, or
// a phone, vehicle or address both bear. Each is put to both cases'
// owners and supervisors to review, and recorded on both cases: raised,
// then confirmed (one person, linked on both cases) or "not the same
// person", which is remembered so that the pair is never raised again.

// Events of case links.
const (
	// EvLinkRaised records a possible link on one of the two cases; the
	// other case gets its own, with the same link id.
	EvLinkRaised = "link.raised"
	// EvLinkReviewed records the review of a link, on both cases.
	EvLinkReviewed = "link.reviewed"
)

// Outcomes of a link's review.
const (
	LinkConfirmed = "confirmed" // one person: the cases are linked
	LinkNotSame   = "not_same"  // not the same person: never raised again
	LinkPending   = ""          // awaiting review
	AlertLink     = "link"      // the alert kind of a link raised
	// AlertLinkDecided tells a case's owner that an analyst decided one of
	// its links (they owed the review, now met).
	AlertLinkDecided = "link_decided"
	DutyLinkRev      = "link_review" // the duty kind of a link to review
)

// CaseLink is a possible link from this case's person to a person on
// another case, as recorded on this case.
type CaseLink struct {
	ID          string    `json:"id"` // the same on both cases
	Person      string    `json:"person"`
	OtherCase   string    `json:"other_case"` // case id
	OtherPerson string    `json:"other_person"`
	Probability float64   `json:"probability,omitempty"` // the matcher's, 0 when only an object is shared
	Shared      []string  `json:"shared,omitempty"`      // phone, vehicle, address: borne by both
	RaisedAt    time.Time `json:"raised_at"`
	Outcome     string    `json:"outcome,omitempty"` // "", confirmed or not_same
	ReviewedBy  string    `json:"reviewed_by,omitempty"`
	ReviewedAt  time.Time `json:"reviewed_at,omitzero"`
	Note        string    `json:"note,omitempty"`
}

// LinkRaised is the payload of EvLinkRaised.
type LinkRaised struct {
	CaseLink
}

// LinkReviewed is the payload of EvLinkReviewed.
type LinkReviewed struct {
	ID      string `json:"id"`
	Outcome string `json:"outcome"` // confirmed or not_same
	Note    string `json:"note,omitempty"`
}

// CaseLinkByID is the link with id on c, or nil.
func (c *Case) CaseLinkByID(id string) *CaseLink {
	for i := range c.Links {
		if c.Links[i].ID == id {
			return &c.Links[i]
		}
	}
	return nil
}

// LinkBetween is the link on c between its person and another case's
// person, whatever its outcome, or nil: a pair is raised once.
func (c *Case) LinkBetween(person, otherCase, otherPerson string) *CaseLink {
	for i := range c.Links {
		l := &c.Links[i]
		if l.Person == person && l.OtherCase == otherCase && l.OtherPerson == otherPerson {
			return l
		}
	}
	return nil
}

// applyLinkRaised puts a raised link on its case (caseAppliers).
func applyLinkRaised(c *Case, p LinkRaised, e *event.Event) error {
	if c.CaseLinkByID(p.ID) != nil || c.LinkBetween(p.Person, p.OtherCase, p.OtherPerson) != nil {
		return fmt.Errorf("event %d: link %s is already on case %s", e.Seq, p.ID, c.Ref)
	}
	l := p.CaseLink
	l.RaisedAt = e.At.UTC()
	c.Links = append(c.Links, l)
	return nil
}

// applyLinkReviewed records a link's review (caseAppliers).
func applyLinkReviewed(c *Case, p LinkReviewed, e *event.Event) error {
	l := c.CaseLinkByID(p.ID)
	if l == nil || l.Outcome != LinkPending {
		return fmt.Errorf("event %d: no link %s awaiting review on case %s", e.Seq, p.ID, c.Ref)
	}
	if p.Outcome != LinkConfirmed && p.Outcome != LinkNotSame {
		return fmt.Errorf("event %d: a link's review is confirmed or not_same, not %q", e.Seq, p.Outcome)
	}
	l.Outcome, l.ReviewedBy, l.ReviewedAt, l.Note = p.Outcome, e.Actor, e.At.UTC(), p.Note
	return nil
}

// LinkOutcomeLabels name a link's review outcome.
var LinkOutcomeLabels = map[string]string{
	LinkPending:   "Awaiting review",
	LinkConfirmed: "Confirmed: the same person",
	LinkNotSame:   "Not the same person",
}

// LinkOutcomeLabel is a link outcome's label.
func LinkOutcomeLabel(o string) string { return label(LinkOutcomeLabels, o) }
