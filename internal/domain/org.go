package domain

import "time"

// UnitKind places a unit in the force → department → team hierarchy.
type UnitKind string

const (
	UnitForce      UnitKind = "force"
	UnitDepartment UnitKind = "department"
	UnitTeam       UnitKind = "team"
)

// Unit is a force, a department or a team. ParentID is empty for a force.
type Unit struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Kind     UnitKind  `json:"kind"`
	ParentID string    `json:"parent_id,omitempty"`
	Created  time.Time `json:"created"`
}

// User is an officer or member of staff. A user who has left stays in the
// record (they own history) but can neither sign in nor own a case.
type User struct {
	ID       string    `json:"id"`
	Username string    `json:"username"`
	Name     string    `json:"name"`
	Collar   string    `json:"collar"` // collar or staff number
	Email    string    `json:"email,omitempty"`
	Rank     Rank      `json:"rank"`
	UnitID   string    `json:"unit_id"`
	Roles    []Role    `json:"roles"`
	Active   bool      `json:"active"`
	LeftAt   time.Time `json:"left_at,omitzero"`
	Created  time.Time `json:"created"`
	Version  int64     `json:"version"`
	// Accreditations are what they are trained for (accreditations.go).
	Accreditations []Accreditation `json:"accreditations,omitempty"`
}

// HasRole reports whether u holds role r.
func (u *User) HasRole(r Role) bool {
	for _, have := range u.Roles {
		if have == r {
			return true
		}
	}
	return false
}

// Org is the unit hierarchy, for need-to-know decisions.
type Org struct {
	Units map[string]*Unit
}

// Within reports whether unit id is ancestor or the same as unit within.
func (o Org) Within(id, ancestor string) bool {
	for steps := 0; id != "" && steps < 64; steps++ {
		if id == ancestor {
			return true
		}
		u, ok := o.Units[id]
		if !ok {
			return false
		}
		id = u.ParentID
	}
	return false
}

// ForceOf returns the force a unit belongs to.
func (o Org) ForceOf(id string) string {
	for steps := 0; steps < 64; steps++ {
		u, ok := o.Units[id]
		if !ok {
			return ""
		}
		if u.ParentID == "" {
			return u.ID
		}
		id = u.ParentID
	}
	return ""
}
