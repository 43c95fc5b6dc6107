package domain

import "time"

// Status is where a case stands.
type Status string

const (
	StatusReferral        Status = "referral"         // received, not yet allocated to an owner
	StatusOpen            Status = "open"             // under investigation
	StatusClosureProposed Status = "closure_proposed" // awaiting approval; still open
	StatusClosed          Status = "closed"
)

// IsOpen reports whether the force still owes the case work.
func (s Status) IsOpen() bool { return s != StatusClosed }

// Case is the projection of one investigation's events: what is true now.
type Case struct {
	ID           string    `json:"id"`
	Ref          string    `json:"ref"`
	ForceID      string    `json:"force_id"`
	TeamID       string    `json:"team_id"`
	OwnerID      string    `json:"owner_id,omitempty"`
	Status       Status    `json:"status"`
	OffenceTypes []string  `json:"offence_types"`
	Summary      string    `json:"summary"`
	Marking      string    `json:"marking"` // protective marking, e.g. OFFICIAL-SENSITIVE
	Source       string    `json:"source,omitempty"`
	ReportedAt   time.Time `json:"reported_at,omitzero"`
	OpenedAt     time.Time `json:"opened_at"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
	UpdatedAt    time.Time `json:"updated_at"`
	Version      int64     `json:"version"`

	Victims  []Victim  `json:"victims"`
	Suspects []Suspect `json:"suspects"`
	People   []Person  `json:"people"`
	Actions  []Action  `json:"actions"`
	Notes    []Note    `json:"notes"`
	Duties   []Duty    `json:"duties"`
	Outcome  string    `json:"outcome,omitempty"`
}

// Victim is a person harmed. Child victims always have enhanced entitlement
// under the Victims' Code (domain.md §2).
type Victim struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	DateOfBirth string    `json:"dob,omitempty"` // YYYY-MM-DD
	Contact     string    `json:"contact,omitempty"`
	Vulnerable  bool      `json:"vulnerable"`
	Enhanced    bool      `json:"enhanced"`
	AddedAt     time.Time `json:"added_at"`
}

// SuspectStatus tracks how far a suspect has been pursued.
type SuspectStatus string

const (
	SuspectIdentified  SuspectStatus = "identified"
	SuspectLocated     SuspectStatus = "located"
	SuspectArrested    SuspectStatus = "arrested"
	SuspectInterviewed SuspectStatus = "interviewed"
	SuspectCharged     SuspectStatus = "charged"
	SuspectNFA         SuspectStatus = "no_further_action"
	SuspectDeceased    SuspectStatus = "deceased"
	SuspectUnknown     SuspectStatus = "unidentified"
)

// Suspect is a person suspected, named or not.
type Suspect struct {
	ID          string        `json:"id"`
	Name        string        `json:"name,omitempty"`
	Description string        `json:"description,omitempty"`
	DateOfBirth string        `json:"dob,omitempty"`
	Status      SuspectStatus `json:"status"`
	AddedAt     time.Time     `json:"added_at"`
}

// Named reports whether the suspect has been identified by name.
func (s *Suspect) Named() bool { return s.Name != "" }

// Person is anyone else linked to a case: a witness, a parent, a professional.
type Person struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Role    string    `json:"role"`
	AddedAt time.Time `json:"added_at"`
}

// ActionState follows the major-incident-room discipline (domain.md §4).
type ActionState string

const (
	ActionStateRaised    ActionState = "raised"
	ActionStateAllocated ActionState = "allocated"
	ActionStateResulted  ActionState = "resulted"
	ActionStateReferred  ActionState = "referred"
	ActionStateFiled     ActionState = "filed"
	ActionStateCancelled ActionState = "cancelled"
)

// Action is a line of enquiry.
type Action struct {
	ID          string      `json:"id"`
	Number      int         `json:"number"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Priority    string      `json:"priority"`
	State       ActionState `json:"state"`
	RaisedBy    string      `json:"raised_by"`
	RaisedAt    time.Time   `json:"raised_at"`
}

// Note is free text on a case. A correction is a new note that names the one
// it corrects; the original stays.
type Note struct {
	ID       string    `json:"id"`
	Text     string    `json:"text"`
	Author   string    `json:"author"`
	At       time.Time `json:"at"`
	Corrects string    `json:"corrects,omitempty"`
}

// DutyStatus is the life of an obligation.
type DutyStatus string

const (
	DutyOpen      DutyStatus = "open"
	DutyMet       DutyStatus = "met"
	DutyWaived    DutyStatus = "waived"
	DutyCancelled DutyStatus = "cancelled"
)

// Duty is an obligation with an accountable person and a due time.
type Duty struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	Subject     string     `json:"subject,omitempty"` // e.g. a victim or action id
	Accountable string     `json:"accountable,omitempty"`
	TeamID      string     `json:"team_id"`
	Due         time.Time  `json:"due"`
	Status      DutyStatus `json:"status"`
	Opened      time.Time  `json:"opened"`
	Closed      time.Time  `json:"closed,omitzero"`
	Escalation  int        `json:"escalation"`
}

// Victim returns the victim with id, or nil.
func (c *Case) Victim(id string) *Victim {
	for i := range c.Victims {
		if c.Victims[i].ID == id {
			return &c.Victims[i]
		}
	}
	return nil
}

// Action returns the action with id, or nil.
func (c *Case) Action(id string) *Action {
	for i := range c.Actions {
		if c.Actions[i].ID == id {
			return &c.Actions[i]
		}
	}
	return nil
}

// OpenDuties lists duties still owed.
func (c *Case) OpenDuties() []Duty {
	var out []Duty
	for _, d := range c.Duties {
		if d.Status == DutyOpen {
			out = append(out, d)
		}
	}
	return out
}
