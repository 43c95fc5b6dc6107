package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/policy"
)

// caseAddition is the shape of the simple "add X to a case" commands: a
// workflow command on an open case that appends one event.
func (s *Service) caseAddition(
	ctx context.Context,
	a *Actor,
	caseID string,
	version int64,
	name string,
	build func(c *domain.Case, now time.Time, p *domain.Problems) (string, any),
) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, name, "",
		func(c *domain.Case, _ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
			typ, payload := build(c, now, p)
			return []ev{{typ, payload}}
		})
}

// checkDate reads an ISO date (as the web's date inputs send it) and
// checks it is a date of its kind; label is the field's name on the form
// ("Date of birth"), for the message.
func checkDate(field, label, v string, now time.Time, p *domain.Problems) time.Time {
	if v == "" {
		return time.Time{}
	}
	d, err := time.ParseInLocation("2006-01-02", v, clock.London)
	if err != nil {
		p.Add(field, "date", notARealDate(label))
		return time.Time{}
	}
	// A date of birth is bounded as one (from 1900, not in the future);
	// any other date here records the past (when a suspect was interviewed).
	check := domain.CheckPast
	if field == "dob" {
		check = domain.CheckBirthDate
	}
	*p = append(*p, check(field, d, now)...)
	return d
}

// NewVictim is a victim to add to a case.
type NewVictim struct {
	Version     int64  `json:"version"` // the case version the officer saw
	Name        string `json:"name"`
	DateOfBirth string `json:"dob,omitempty"`
	Contact     string `json:"contact,omitempty"`
	Vulnerable  bool   `json:"vulnerable,omitempty"`
}

// AddVictim records a victim. A victim under 18 is vulnerable and so has
// enhanced rights under the Victims' Code (../shared/domain.md §2), whatever was ticked.
func (s *Service) AddVictim(ctx context.Context, a *Actor, caseID string, in NewVictim) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	c, err := s.caseAddition(ctx, a, caseID, in.Version, "add-victim", func(c *domain.Case, now time.Time,
		p *domain.Problems) (string, any) {
		if strings.TrimSpace(in.Name) == "" {
			p.Add("name", "required", "Give the victim's name (a pseudonym is allowed if recorded as such).")
		}
		dob := checkDate("dob", "Date of birth", in.DateOfBirth, now, p)
		child := domain.ChildAt(dob, now)
		v := domain.Victim{
			ID:          s.newID(),
			Name:        strings.TrimSpace(in.Name),
			DateOfBirth: in.DateOfBirth,
			Contact:     in.Contact,
			Vulnerable:  in.Vulnerable || child,
			Enhanced:    true,
			AddedAt:     now,
		}
		return domain.EvVictimAdded, domain.VictimAdded{Victim: v}
	})
	c = s.recorded(ctx, c, err, func(c *domain.Case) string { return c.Victims[len(c.Victims)-1].ID }) // index_links.go
	return c, err
}

// NewSuspect is a suspect to add; a suspect may be unnamed.
type NewSuspect struct {
	Version     int64  `json:"version"` // the case version the officer saw
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	DateOfBirth string `json:"dob,omitempty"`
	// Phone, Vehicle (registration mark) and Address are optional, as
	// recorded; triage links suspects across cases by them.
	Phone   string `json:"phone,omitempty"`
	Vehicle string `json:"vehicle,omitempty"`
	Address string `json:"address,omitempty"`
}

// AddSuspect records a suspect, named or described.
func (s *Service) AddSuspect(ctx context.Context, a *Actor, caseID string, in NewSuspect) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	c, err := s.caseAddition(ctx, a, caseID, in.Version, "add-suspect", func(c *domain.Case, now time.Time,
		p *domain.Problems) (string, any) {
		if strings.TrimSpace(in.Name) == "" && strings.TrimSpace(in.Description) == "" {
			p.Add("name", "required", "Give the suspect's name or, if it is not known, a description.")
		}
		checkDate("dob", "Date of birth", in.DateOfBirth, now, p)
		st := domain.SuspectIdentified
		if strings.TrimSpace(in.Name) == "" {
			st = domain.SuspectUnknown
		}
		return domain.EvSuspectAdded, domain.SuspectAdded{
			Suspect: domain.Suspect{ID: s.newID(), Name: strings.TrimSpace(in.Name),
				Description: in.Description, DateOfBirth: in.DateOfBirth, Status: st, AddedAt: now,
				Phone: strings.TrimSpace(
					in.Phone,
				), Vehicle: strings.TrimSpace(in.Vehicle), Address: strings.TrimSpace(in.Address)},
		}
	})
	c = s.recorded(ctx, c, err, func(c *domain.Case) string { return c.Suspects[len(c.Suspects)-1].ID }) // index_links.go
	return c, err
}

// NewPerson is anyone else linked to a case.
type NewPerson struct {
	Version int64  `json:"version"` // the case version the officer saw
	Name    string `json:"name"`
	Role    string `json:"role"`
}

// PersonRoles are the ways someone other than a victim or suspect is linked.
var PersonRoles = []string{"witness", "parent_or_carer", "social_worker", "professional", "reporting_person", "other"}

// AddPerson links another person to a case.
func (s *Service) AddPerson(ctx context.Context, a *Actor, caseID string, in NewPerson) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	c, err := s.caseAddition(ctx, a, caseID, in.Version, "add-person", func(c *domain.Case, now time.Time,
		p *domain.Problems) (string, any) {
		if strings.TrimSpace(in.Name) == "" {
			p.Add("name", "required", "Give the person's name.")
		}
		if !contains(PersonRoles, in.Role) {
			p.Add("role", "one_of", "Choose how the person is linked to the case from the list.")
		}
		return domain.EvPersonAdded, domain.PersonAdded{
			Person: domain.Person{ID: s.newID(), Name: strings.TrimSpace(in.Name), Role: in.Role, AddedAt: now},
		}
	})
	c = s.recorded(ctx, c, err, func(c *domain.Case) string { return c.People[len(c.People)-1].ID }) // index_links.go
	return c, err
}

// NewAction raises a line of enquiry.
type NewAction struct {
	Version     int64  `json:"version"` // the case version the officer saw
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Priority    string `json:"priority,omitempty"`
	// Standard raises one of the policy's standard actions by its key;
	// title and priority default to the library's.
	Standard string `json:"standard,omitempty"`
}

// OfferedActions lists the policy's standard actions for child-exploitation
// cases that case c has not raised yet: offered from the moment it opens.
func (s *Service) OfferedActions(c *domain.Case) []policy.StandardAction {
	raised := map[string]bool{}
	for _, a := range c.Actions {
		raised[a.Standard] = true
	}
	var out []policy.StandardAction
	for _, sa := range s.Policy().StandardActions {
		if !raised[sa.Key] {
			out = append(out, sa)
		}
	}
	return out
}

// Priorities of an action, highest first.
var Priorities = []string{"high", "medium", "low"}

// RaiseAction raises a line of enquiry; anyone working the case may. With
// Standard set it raises one of the policy's standard actions
// ("raise-standard", whose checks refuse one already raised).
func (s *Service) RaiseAction(ctx context.Context, a *Actor, caseID string, in NewAction) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	name := "raise-action"
	if in.Standard != "" {
		name = "raise-standard"
	}
	return s.workflow(ctx, a, caseID, in.Version, name, in.Standard, func(c *domain.Case, _ *domain.OrgState,
		now time.Time, p *domain.Problems) []ev {
		for _, sa := range s.Policy().StandardActions {
			if in.Standard != "" && sa.Key == in.Standard {
				if strings.TrimSpace(in.Title) == "" {
					in.Title = sa.Title
				}
				if in.Priority == "" {
					in.Priority = sa.Priority
				}
			}
		}
		if strings.TrimSpace(in.Title) == "" {
			p.Add("title", "required", "Say what the line of enquiry is.")
		}
		if in.Priority == "" {
			in.Priority = "medium"
		}
		if !contains(Priorities, in.Priority) {
			p.Add("priority", "one_of", "Choose the priority: high, medium or low.")
		}
		return []ev{{domain.EvActionRaised, domain.ActionRaised{
			Action: domain.Action{ID: s.newID(), Number: len(c.Actions) + 1,
				Title: strings.TrimSpace(in.Title), Description: in.Description, Priority: in.Priority,
				Standard: in.Standard, State: domain.ActionStateRaised, RaisedBy: a.ID(), RaisedAt: now},
		}}}
	})
}

// NewNote adds a note, or corrects an earlier one without erasing it.
type NewNote struct {
	Version  int64  `json:"version"` // the case version the officer saw
	Text     string `json:"text"`
	Corrects string `json:"corrects,omitempty"`
}

// AddNote adds a note to a case. Victim liaison officers may add notes.
func (s *Service) AddNote(ctx context.Context, a *Actor, caseID string, in NewNote) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	// The note corrected is in the note log, out of the document.
	logged, err := s.noteOnCase(ctx, caseID, in.Corrects)
	if err != nil {
		return nil, err
	}
	return s.caseAddition(ctx, a, caseID, in.Version, "add-note", func(c *domain.Case, now time.Time,
		p *domain.Problems) (string, any) {
		if strings.TrimSpace(in.Text) == "" {
			p.Add("text", "required", "The note is empty: write the note.")
		}
		if in.Corrects != "" {
			found := logged
			for _, n := range c.Notes {
				found = found || n.ID == in.Corrects
			}
			if !found {
				p.Add("corrects", "unknown_note", fmt.Sprintf("The note being corrected is not on %s.", c.Ref))
			}
		}
		return domain.EvNoteAdded, domain.NoteAdded{
			Note: domain.Note{ID: s.newID(), Text: in.Text, Author: a.ID(), At: now, Corrects: in.Corrects},
		}
	})
}

// notARealDate is the design system's message for a date that is not one
// ("Date of birth must be a real date"), with an example in the shape the
// forms ask for a date in: day, month and year, never 2026-03-31.
func notARealDate(label string) string {
	return label + " must be a real date, for example 27 3 2007"
}
