package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// Markings are the Government Security Classifications a case may carry.
var Markings = []string{"OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"}

// NewReferral opens a case.
type NewReferral struct {
	TeamID       string    `json:"team_id"`
	Summary      string    `json:"summary"`
	OffenceTypes []string  `json:"offence_types"`
	Marking      string    `json:"marking,omitempty"`
	Source       string    `json:"source,omitempty"` // e.g. MASH, school, parent
	ReportedAt   time.Time `json:"reported_at,omitzero"`
}

// MayOpenReferral answers whether a may open a referral at all (nil) or
// why not: the pages ask it before offering the form.
func (s *Service) MayOpenReferral(a *Actor) error {
	if a == nil {
		return ErrUnauthenticated
	}
	return a.need("open referrals", caseWriters...)
}

// OpenReferral records a new referral as a case of the given team.
func (s *Service) OpenReferral(ctx context.Context, a *Actor, in NewReferral) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	// Before the write, and unwrapped: the refusal is the person's sentence.
	if err := s.MayOpenReferral(a); err != nil {
		return nil, err
	}
	var out *domain.Case
	err := s.st.Write(ctx, func(tx store.Tx) error {
		org, err := tx.Org()
		if err != nil {
			return err
		}
		var p domain.Problems
		team := org.Units[in.TeamID]
		switch {
		case team == nil:
			p.Add("team_id", "unknown_unit", "Choose the team the case belongs to from the list.")
		case team.Kind != domain.UnitTeam:
			p.Add("team_id", "must_be_team", fmt.Sprintf("%s is %s, and cases belong to a team: choose a team.",
				team.Name, domain.WithArticle(strings.ToLower(domain.UnitKindLabel(team.Kind)))))
		case !a.inChain(org, team.ID):
			return &Forbidden{Rule: "chain_of_command", Message: fmt.Sprintf("%s is outside your chain of command: "+
				"open the referral for your own team, or ask that team to.", team.Name)}
		}
		if strings.TrimSpace(in.Summary) == "" {
			p.Add("summary", "required", "Summarise the referral: who reported what, about whom.")
		}
		if len(in.OffenceTypes) == 0 {
			p.Add("offence_types", "required", "Give at least one offence type.")
		}
		in.OffenceTypes = classifyOffences("offence_types", in.OffenceTypes, &p)
		if in.Marking == "" {
			in.Marking = "OFFICIAL-SENSITIVE"
		}
		if !contains(Markings, in.Marking) {
			p.Add("marking", "one_of", "Choose the protective marking: "+domain.JoinOr(Markings)+".")
		}
		now := s.clock.Now().UTC()
		if !in.ReportedAt.IsZero() {
			p = append(p, domain.CheckPast("reported_at", in.ReportedAt, now)...)
		}
		if err := p.Err(); err != nil {
			return err
		}
		prefix := fmt.Sprintf("CSE/%d/", now.In(clock.London).Year())
		n, err := tx.NextCaseNumber(prefix)
		if err != nil {
			return err
		}
		id := s.newID()
		e, err := domain.NewEvent(domain.EvCaseOpened, a.ID(), id, now, domain.CaseOpened{
			ID: id, Ref: fmt.Sprintf("%s%06d", prefix, n), ForceID: domain.Org{Units: org.Units}.ForceOf(team.ID), TeamID: team.ID,
			OffenceTypes: in.OffenceTypes, Summary: strings.TrimSpace(in.Summary), Marking: in.Marking, Source: in.Source, ReportedAt: in.ReportedAt})
		if err != nil {
			return err
		}
		out, err = s.commit(tx, nil, org, []*event.Event{e}, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open referral: %w", err)
	}
	return out, nil
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// AssignOwner is the input of Service.AssignOwner.
type AssignOwner struct {
	Version int64  `json:"version"`          // the case version the officer saw
	OwnerID string `json:"owner_id"`         // user id of the new owner
	Reason  string `json:"reason,omitempty"` // why the case changes hands, for the record
}

// AssignOwner makes a user the accountable owner of a case. Supervisors and
// managers only; the owner must be active and in the case's team chain.
func (s *Service) AssignOwner(ctx context.Context, a *Actor, caseID string, in AssignOwner) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "assign-owner", "", func(c *domain.Case,
		org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		s.ownerProblems(a, c, org, now, in.OwnerID, "owner_id", p)
		return []ev{{domain.EvOwnerAssigned, domain.OwnerAssigned{OwnerID: in.OwnerID, Reason: in.Reason}}}
	})
}

// ownerProblems adds to p, on field, why ownerID may not become c's
// officer in charge: AssignOwner's rule, which the hand-on of a leaver's
// cases (handover.go) asks of every case before it changes any.
func (s *Service) ownerProblems(a *Actor, c *domain.Case, org *domain.OrgState, now time.Time, ownerID,
	field string, p *domain.Problems) {
	u := org.Users[ownerID]
	switch {
	case u == nil:
		p.Add(field, "unknown_user", "Choose the new owner from the list.")
	case !u.Active:
		p.Add(field, "inactive_user", fmt.Sprintf("%s has left and cannot own a case: choose someone "+
			"serving.", domain.PersonName(u)))
	case !(domain.Org{Units: org.Units}).Within(c.TeamID, u.UnitID) && u.UnitID != c.TeamID:
		p.Add(
			field,
			"outside_team",
			fmt.Sprintf("%s is not in the team that holds %s: transfer the case first.", domain.PersonName(u),
				c.Ref),
		)
	case !u.HasRole(domain.RoleInvestigator) && !u.HasRole(domain.RoleSupervisor):
		p.Add(field, "not_investigator", fmt.Sprintf("%s is not an investigator or supervisor, so cannot "+
			"own a case: choose someone who is.", domain.PersonName(u)))
	case u.ID == c.OwnerID:
		p.Add(field, "already_owner", fmt.Sprintf("%s already owns %s.", domain.PersonName(u), c.Ref))
	default: // the training gate (may_training.go)
		k := s.newCheck(a, c, org, now)
		k.trained(p, field, workOwner, u, k.owners(c.TeamID))
	}
}

// CaseUpdate changes a case's descriptive fields; nil leaves one as it is.
// It is the input of Service.UpdateCase.
type CaseUpdate struct {
	Version      int64    `json:"version"` // the case version the officer saw
	Summary      *string  `json:"summary,omitempty"`
	OffenceTypes []string `json:"offence_types,omitempty"`
	Marking      *string  `json:"marking,omitempty"`
}

// UpdateCase corrects the summary, offence types or marking.
func (s *Service) UpdateCase(ctx context.Context, a *Actor, caseID string, in CaseUpdate) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "update-case", "", func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		if in.Summary != nil && strings.TrimSpace(*in.Summary) == "" {
			p.Add("summary", "required", "The summary cannot be blank: summarise the referral.")
		}
		if in.Marking != nil && !contains(Markings, *in.Marking) {
			p.Add("marking", "one_of", "Choose the protective marking: "+domain.JoinOr(Markings)+".")
		}
		offences := in.OffenceTypes
		if offences != nil {
			if len(offences) == 0 {
				p.Add("offence_types", "required", "Give at least one offence type.")
			}
			offences = classifyOffences("offence_types", offences, p)
		}
		// A value the case already holds is no correction: the event
		// records only what changed, and a form sent back as it was
		// shown is refused, not reported as corrected.
		summary, marking := in.Summary, in.Marking
		if summary != nil && strings.TrimSpace(*summary) == strings.TrimSpace(c.Summary) {
			summary = nil
		}
		if marking != nil && *marking == c.Marking {
			marking = nil
		}
		if offences != nil && sameSet(offences, c.OffenceTypes) {
			offences = nil
		}
		if summary == nil && offences == nil && marking == nil && len(*p) == 0 {
			p.Add("", "nothing_to_change", "Nothing was changed: correct the summary, the offences or the "+
				"marking before you save.")
		}
		return []ev{{domain.EvCaseUpdated, domain.CaseUpdated{Summary: summary, OffenceTypes: offences,
			Marking: marking}}}
	})
}

// ViewCase returns a case and records that the actor read it: the log shows
// who looked at every child's record, and when.
func (s *Service) ViewCase(ctx context.Context, a *Actor, ref, purpose string) (*domain.Case, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	row, err := s.st.CaseRowByRef(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("view case %s: %w", ref, err)
	}
	c, err := s.onCase(ctx, a, row.ID, "view case "+ref, func(tx store.Tx, c *domain.Case, org *domain.OrgState,
		now time.Time) ([]*event.Event, error) {
		e, err := domain.NewEvent(domain.EvCaseViewed, a.ID(), c.ID, now, domain.CaseViewed{Purpose: purpose})
		return []*event.Event{e}, err
	})
	if err != nil {
		return nil, err
	}
	// Only now, the read authorised and recorded: the contacts are out of
	// the document (contacts.go).
	if err := s.withContacts(ctx, c); err != nil {
		return nil, err
	}
	if err := s.withNotes(ctx, c); err != nil { // notes.go
		return nil, err
	}
	if err := s.withReviews(ctx, c); err != nil { // reviews.go
		return nil, err
	}
	return c, nil
}

// ListCases lists the cases the actor may see.
func (s *Service) ListCases(ctx context.Context, a *Actor, f store.CaseFilter) ([]store.CaseRow, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	f.TeamIDs = a.visibleTeams(org, f.TeamIDs)
	return s.st.ListCases(ctx, f)
}

// visibleTeams narrows a team filter to the actor's need to know.
func (a *Actor) visibleTeams(org *domain.OrgState, want []string) []string {
	var see []string
	for id := range org.Units {
		c := &domain.Case{TeamID: id}
		if a.CanSee(org, c) {
			see = append(see, id)
		}
	}
	if want == nil {
		if see == nil {
			return []string{}
		}
		return see
	}
	var out []string
	for _, id := range want {
		if contains(see, id) {
			out = append(out, id)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// Timeline returns every event of a case the actor may see, reads included.
func (s *Service) Timeline(ctx context.Context, a *Actor, ref string) ([]*event.Event, error) {
	c, err := s.ViewCase(ctx, a, ref, "timeline")
	if err != nil {
		return nil, err
	}
	return s.st.CaseEvents(ctx, c.ID)
}

// CaseID resolves a reference to a case id within the actor's need to know,
// without recording a read: commands record their own events.
func (s *Service) CaseID(ctx context.Context, a *Actor, ref string) (string, error) {
	if a == nil {
		return "", ErrUnauthenticated
	}
	row, err := s.st.CaseRowByRef(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("case %s: %w", ref, err)
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return "", err
	}
	c := &domain.Case{ID: row.ID, Ref: row.Ref, TeamID: row.TeamID}
	if !a.CanSee(org, c) {
		// Sight can come from more than the team (a transfer offered to
		// the actor's chain, an emergency access): the whole case decides.
		full, err := s.st.Case(ctx, row.ID)
		if err != nil || !s.canSee(a, org, full) {
			return "", fmt.Errorf("case %s: %w", ref, ErrNotFound)
		}
	}
	return c.ID, nil
}

// sameSet says whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(x string) bool { return !slices.Contains(b, x) })
}
