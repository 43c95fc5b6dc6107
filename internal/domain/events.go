package domain

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/event"
)

// Event types. The string is stored in the log forever: never rename one.
const (
	EvUnitCreated   = "unit.created"
	EvUserCreated   = "user.created"
	EvUserChanged   = "user.changed"
	EvUserLeft      = "user.left"
	EvCaseOpened    = "case.opened"
	EvCaseViewed    = "case.viewed"
	EvCaseUpdated   = "case.updated"
	EvOwnerAssigned = "case.owner_assigned"
	EvVictimAdded   = "victim.added"
	EvSuspectAdded  = "suspect.added"
	EvPersonAdded   = "person.added"
	EvActionRaised  = "action.raised"
	EvNoteAdded     = "note.added"
	EvDutyOpened    = "duty.opened"
	EvDutyClosed    = "duty.closed"
)

// Payloads, version 1. A change of shape is a new version, decoded alongside.

type UnitCreated struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Kind     UnitKind `json:"kind"`
	ParentID string   `json:"parent_id,omitempty"`
}

type UserCreated struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Collar   string `json:"collar"`
	Email    string `json:"email,omitempty"`
	Rank     Rank   `json:"rank"`
	UnitID   string `json:"unit_id"`
	Roles    []Role `json:"roles"`
}

type UserChanged struct {
	ID     string  `json:"id"`
	Name   *string `json:"name,omitempty"`
	Email  *string `json:"email,omitempty"`
	Rank   *Rank   `json:"rank,omitempty"`
	UnitID *string `json:"unit_id,omitempty"`
	Roles  []Role  `json:"roles,omitempty"`
	// NoRoles says every role was taken away: an empty Roles is left out
	// of the JSON like an unchanged one, so without it the change was lost.
	NoRoles bool `json:"no_roles,omitempty"`
}

type UserLeft struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

type CaseOpened struct {
	ID           string    `json:"id"`
	Ref          string    `json:"ref"`
	ForceID      string    `json:"force_id"`
	TeamID       string    `json:"team_id"`
	OffenceTypes []string  `json:"offence_types"`
	Summary      string    `json:"summary"`
	Marking      string    `json:"marking"`
	Source       string    `json:"source,omitempty"`
	ReportedAt   time.Time `json:"reported_at,omitzero"`
}

type CaseViewed struct {
	Purpose string `json:"purpose,omitempty"`
}

type CaseUpdated struct {
	Summary      *string  `json:"summary,omitempty"`
	OffenceTypes []string `json:"offence_types,omitempty"`
	Marking      *string  `json:"marking,omitempty"`
}

type OwnerAssigned struct {
	OwnerID string `json:"owner_id"`
	Reason  string `json:"reason,omitempty"`
}

type VictimAdded struct {
	Victim Victim `json:"victim"`
}

type SuspectAdded struct {
	Suspect Suspect `json:"suspect"`
}

type PersonAdded struct {
	Person Person `json:"person"`
}

type ActionRaised struct {
	Action Action `json:"action"`
}

type NoteAdded struct {
	Note Note `json:"note"`
}

type DutyOpened struct {
	Duty Duty `json:"duty"`
}

type DutyClosed struct {
	ID     string     `json:"id"`
	Status DutyStatus `json:"status"`
	Reason string     `json:"reason,omitempty"`
}

// NewEvent builds an unsealed event carrying payload p (version 1).
func NewEvent(typ, actor, caseID string, at time.Time, p any) (*event.Event, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", typ, err)
	}
	return &event.Event{Type: typ, Actor: actor, CaseID: caseID, At: at.UTC(), PayloadVersion: 1, Payload: b}, nil
}

// ChangesCase reports whether an event of this type changes case state (and
// so its version). Reads are in the log but change nothing.
// The watchdog's own bookkeeping (escalations, findings) changes the
// projection but not the version, so it never makes an officer's form stale.
func ChangesCase(typ string) bool {
	switch typ {
	case EvCaseViewed, EvDutyEscalated, EvFindingRaised, EvFindingResolved:
		return false
	}
	return true
}

// ChangesProjection reports whether an event changes what is stored for the
// case (reads change nothing).
func ChangesProjection(typ string) bool { return typ != EvCaseViewed }

func decode[T any](e *event.Event) (T, error) {
	var v T
	if e.PayloadVersion != 1 {
		return v, fmt.Errorf("event %d (%s): unknown payload version %d", e.Seq, e.Type, e.PayloadVersion)
	}
	if err := json.Unmarshal(e.Payload, &v); err != nil {
		return v, fmt.Errorf("event %d (%s): %w", e.Seq, e.Type, err)
	}
	return v, nil
}
