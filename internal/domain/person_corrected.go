package domain

import (
	"fmt"
	"strings"

	"github.com/holdfast/holdfast/internal/event"
)

// EvPersonCorrected corrects a victim's, suspect's or other person's
// details. Never rename it: the string is in the log forever.
const EvPersonCorrected = "person.corrected"

// Person kinds a correction names.
const (
	PersonKindVictim  = "victim"
	PersonKindSuspect = "suspect"
	PersonKindOther   = "person"
)

// PersonCorrected is a person's details as they stand after a correction:
// a new event beside the recording, which stays in the log as it was.
// Changed lists the details that differ ("name", "dob", …), for history.
type PersonCorrected struct {
	PersonID string   `json:"person_id"`
	Kind     string   `json:"kind"` // victim, suspect or person
	Name     string   `json:"name"`
	DOB      string   `json:"dob,omitempty"`
	Address  string   `json:"address,omitempty"`
	Phone    string   `json:"phone,omitempty"`
	Vehicle  string   `json:"vehicle,omitempty"`
	Changed  []string `json:"changed"`
	Reason   string   `json:"reason"`
}

// PersonDetailLabels name a person's details in a sentence.
var PersonDetailLabels = map[string]string{"name": "name", "dob": "date of birth", "address": "address",
	"phone": "phone", "vehicle": "vehicle"}

// Describe is what the correction did, after the officer's name: "corrected
// the suspect's date of birth and phone".
func (p PersonCorrected) Describe() string {
	var ds []string
	for _, c := range p.Changed {
		ds = append(ds, label(PersonDetailLabels, c))
	}
	what := "details"
	switch len(ds) {
	case 0:
	case 1:
		what = ds[0]
	default:
		what = strings.Join(ds[:len(ds)-1], ", ") + " and " + ds[len(ds)-1]
	}
	who := p.Kind
	if who == PersonKindOther {
		who = "person"
	}
	return fmt.Sprintf("corrected the %s's %s", who, what)
}

// applyPersonCorrected puts a person's corrected details on the case
// (caseAppliers).
func applyPersonCorrected(c *Case, p PersonCorrected, _ *event.Event) error {
	switch p.Kind {
	case PersonKindVictim:
		for i := range c.Victims {
			if v := &c.Victims[i]; v.ID == p.PersonID {
				v.Name, v.DateOfBirth, v.Contact = p.Name, p.DOB, p.Phone
				return nil
			}
		}
	case PersonKindSuspect:
		for i := range c.Suspects {
			if s := &c.Suspects[i]; s.ID == p.PersonID {
				s.Name, s.DateOfBirth, s.Phone, s.Vehicle, s.Address = p.Name, p.DOB, p.Phone, p.Vehicle, p.Address
				return nil
			}
		}
	case PersonKindOther:
		for i := range c.People {
			if o := &c.People[i]; o.ID == p.PersonID {
				o.Name = p.Name
				return nil
			}
		}
	}
	return fmt.Errorf("no %s %s on the case", p.Kind, p.PersonID)
}
