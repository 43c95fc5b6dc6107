package domain

import (
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/event"
)

// Accreditations (issue 21): what an officer is trained and accredited
// for — PIP levels, ABE interviewing, the force's child-exploitation
// course. They are organisation events on the person, so the check that
// gates allocation reads them from the same OrgState as ranks and roles.
// The kinds themselves (and their labels) are policy data: a force adds
// its own in its policy file, so the domain holds only the key.

// Accreditation event types. Never rename one: the string is in the log forever.
const (
	EvAccreditationAwarded   = "accreditation.awarded"
	EvAccreditationWithdrawn = "accreditation.withdrawn"
)

// AccreditationAwarded records an accreditation on a person.
type AccreditationAwarded struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	Kind      string    `json:"kind"`
	AwardedOn time.Time `json:"awarded_on"`
	Expires   time.Time `json:"expires,omitzero"` // refresh due; zero: does not lapse
	Evidence  string    `json:"evidence,omitempty"`
}

// AccreditationWithdrawn takes one back (recorded in error, revoked).
type AccreditationWithdrawn struct {
	ID     string `json:"id"`
	UserID string `json:"user_id"`
	Reason string `json:"reason"`
}

// Accreditation is one held (or withdrawn) accreditation of a person.
type Accreditation struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	AwardedOn  time.Time `json:"awarded_on"`
	Expires    time.Time `json:"expires,omitzero"`
	Evidence   string    `json:"evidence,omitempty"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
	Withdrawn  time.Time `json:"withdrawn,omitzero"`
	WithdrawBy string    `json:"withdrawn_by,omitempty"`
	Reason     string    `json:"withdraw_reason,omitempty"`
}

// CurrentAt reports whether the accreditation counts at t: awarded by
// then, not withdrawn and not past its expiry (an expiry date is the
// last day it counts, to the end of that day).
func (a *Accreditation) CurrentAt(t time.Time) bool {
	if !a.Withdrawn.IsZero() || t.Before(a.AwardedOn) {
		return false
	}
	return a.Expires.IsZero() || t.Before(a.Expires.AddDate(0, 0, 1))
}

// HoldsAt reports whether u holds a current accreditation of kind at t.
func (u *User) HoldsAt(kind string, t time.Time) bool {
	for i := range u.Accreditations {
		if a := &u.Accreditations[i]; a.Kind == kind && a.CurrentAt(t) {
			return true
		}
	}
	return false
}

// Accreditation finds one of u's accreditations by id.
func (u *User) Accreditation(id string) *Accreditation {
	for i := range u.Accreditations {
		if u.Accreditations[i].ID == id {
			return &u.Accreditations[i]
		}
	}
	return nil
}

// applyAccreditation folds an accreditation event into the user it names.
// It does not move the user's version: that guards rank, roles and team
// (ChangeUser), which an award leaves alone.
func (s *OrgState) applyAccreditation(e *event.Event) (any, error) {
	switch e.Type {
	case EvAccreditationAwarded:
		p, err := decode[AccreditationAwarded](e)
		if err != nil {
			return nil, err
		}
		u, ok := s.Users[p.UserID]
		if !ok {
			return nil, fmt.Errorf("event %d: user %s unknown", e.Seq, p.UserID)
		}
		if u.Accreditation(p.ID) != nil {
			return nil, fmt.Errorf("event %d: accreditation %s awarded twice", e.Seq, p.ID)
		}
		u.Accreditations = append(u.Accreditations, Accreditation{ID: p.ID, Kind: p.Kind, AwardedOn: p.AwardedOn.UTC(),
			Expires: p.Expires.UTC(), Evidence: p.Evidence, RecordedBy: e.Actor, RecordedAt: e.At.UTC()})
		return u, nil
	default: // EvAccreditationWithdrawn
		p, err := decode[AccreditationWithdrawn](e)
		if err != nil {
			return nil, err
		}
		u, ok := s.Users[p.UserID]
		if !ok {
			return nil, fmt.Errorf("event %d: user %s unknown", e.Seq, p.UserID)
		}
		a := u.Accreditation(p.ID)
		if a == nil || !a.Withdrawn.IsZero() {
			return nil, fmt.Errorf("event %d: accreditation %s is not held by %s", e.Seq, p.ID, p.UserID)
		}
		a.Withdrawn, a.WithdrawBy, a.Reason = e.At.UTC(), e.Actor, p.Reason
		return u, nil
	}
}
