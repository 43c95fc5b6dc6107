package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
)

// CorrectPerson is the input of Service.CorrectPerson: a person's details
// as they should stand. Every detail the person's record holds is
// replaced by what is sent (a detail left empty is cleared), so a page
// sends the form it prefilled and an API caller sends the whole record.
// A victim's record holds a name, date of birth and phone (how to reach
// them); a suspect's all five; anyone else's only a name.
type CorrectPerson struct {
	Version  int64  `json:"version"`         // the case version the officer saw
	PersonID string `json:"-" path:"person"` // the victim's, suspect's or person's id
	Name     string `json:"name"`
	DOB      string `json:"dob,omitempty"` // YYYY-MM-DD
	Address  string `json:"address,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Vehicle  string `json:"vehicle,omitempty"`
	// Reason says why: the correction is a new event beside the recording,
	// which stays in the history as it was.
	Reason string `json:"reason"`
}

// personKind is the kind of person id is on c, or "".
func personKind(c *domain.Case, id string) string {
	if c.Victim(id) != nil {
		return domain.PersonKindVictim
	}
	if c.Suspect(id) != nil {
		return domain.PersonKindSuspect
	}
	for _, p := range c.People {
		if p.ID == id {
			return domain.PersonKindOther
		}
	}
	return ""
}

// personIDs are every person on a case: victims, suspects and others.
func personIDs(k *check) []string {
	out := append(victimIDs(k), suspectIDs(k)...)
	for _, p := range k.c.People {
		out = append(out, p.ID)
	}
	return out
}

// CorrectPerson corrects a person's details on a case. Once committed the
// person is matched against the index, as when they were recorded: the
// write queued them (index_queue.go), so a match that fails here is
// retried by the sweep.
func (s *Service) CorrectPerson(ctx context.Context, a *Actor, caseID string, in CorrectPerson) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	c, err := s.workflow(ctx, a, caseID, in.Version, "correct-person", in.PersonID, func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		out := domain.PersonCorrected{PersonID: in.PersonID, Kind: personKind(c, in.PersonID),
			Name: strings.TrimSpace(in.Name), DOB: strings.TrimSpace(in.DOB), Address: strings.TrimSpace(in.Address),
			Phone: strings.TrimSpace(in.Phone), Vehicle: strings.TrimSpace(in.Vehicle),
			Reason: strings.TrimSpace(in.Reason)}
		var was domain.PersonCorrected
		switch out.Kind {
		case domain.PersonKindVictim:
			v := c.Victim(in.PersonID)
			was = domain.PersonCorrected{Name: v.Name, DOB: v.DateOfBirth, Phone: v.Contact}
			required(p, "name", out.Name, "Give the victim's name (a pseudonym is allowed if recorded as such).")
		case domain.PersonKindSuspect:
			sp := c.Suspect(in.PersonID)
			was = domain.PersonCorrected{Name: sp.Name, DOB: sp.DateOfBirth, Phone: sp.Phone, Vehicle: sp.Vehicle,
				Address: sp.Address}
			if out.Name == "" && strings.TrimSpace(sp.Description) == "" {
				p.Add("name", "required", "Give the suspect's name: they have no description to go by without one.")
			}
		case domain.PersonKindOther:
			for _, o := range c.People {
				if o.ID == in.PersonID {
					was = domain.PersonCorrected{Name: o.Name}
				}
			}
			required(p, "name", out.Name, "Give the person's name.")
		}
		holds := map[string]bool{"name": true, "dob": out.Kind != domain.PersonKindOther,
			"phone": out.Kind != domain.PersonKindOther, "address": out.Kind == domain.PersonKindSuspect,
			"vehicle": out.Kind == domain.PersonKindSuspect}
		for _, d := range []struct{ field, now, was string }{{"name", out.Name, was.Name},
			{"dob", out.DOB, was.DOB}, {"address", out.Address, was.Address}, {"phone", out.Phone, was.Phone},
			{"vehicle", out.Vehicle, was.Vehicle}} {
			if !holds[d.field] && d.now != "" {
				p.Add(d.field, "not_held", fmt.Sprintf("A %s's record has no %s: leave it empty.", kindWord(out.Kind),
					domain.PersonDetailLabels[d.field]))
				continue
			}
			if d.now != d.was {
				out.Changed = append(out.Changed, d.field)
			}
		}
		checkDate("dob", "Date of birth", out.DOB, now, p)
		if len(out.Reason) < 10 {
			p.Add("reason", "required", "Say why the details are being corrected, in at least a sentence.")
		}
		if len(out.Changed) == 0 && out.Kind != "" {
			p.Add("name", "unchanged", "Nothing has been changed: correct at least one detail.")
		}
		return []ev{{domain.EvPersonCorrected, out}}
	})
	return s.recorded(ctx, c, err, func(*domain.Case) string { return in.PersonID }), err // index_links.go
}

func kindWord(kind string) string {
	if kind == domain.PersonKindOther {
		return "linked person"
	}
	return kind
}
