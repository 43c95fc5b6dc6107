package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store"
)

// Accreditations (issue 21, docs/training.md) are recorded on people by an
// administrator, as organisation events, so the gates that need them
// (may_training.go) read them with ranks and roles.

// AwardAccreditation records an accreditation an officer holds. Dates are
// YYYY-MM-DD, London days; Expires (when a refresh is due) may be empty
// for one that does not lapse.
type AwardAccreditation struct {
	User      string `json:"-" path:"id"`
	Kind      string `json:"kind"`
	AwardedOn string `json:"awarded_on"`
	Expires   string `json:"expires,omitempty"`
	Evidence  string `json:"evidence,omitempty"` // certificate or training-record reference
}

// WithdrawAccreditation takes back an accreditation recorded in error or
// revoked.
type WithdrawAccreditation struct {
	User   string `json:"-" path:"id"`
	ID     string `json:"accreditation_id"`
	Reason string `json:"reason"`
}

// maxEvidence bounds the evidence reference: a reference, not a document.
const maxEvidence = 200

// londonDay parses a YYYY-MM-DD date as the start of that London day.
func londonDay(v string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, strings.TrimSpace(v), clock.London)
}

// accreditedUser finds the person an accreditation command is about: an
// administrator of their force records it.
func accreditedUser(a *Actor, org *domain.OrgState, id, doing string) (*domain.User, error) {
	if err := a.need(doing, domain.RoleAdmin); err != nil {
		return nil, err
	}
	u, ok := org.Users[id]
	if !ok || (!a.System && (domain.Org{Units: org.Units}).ForceOf(u.UnitID) != a.force(org)) {
		return nil, fmt.Errorf("user %s: %w", id, ErrNotFound)
	}
	return u, nil
}

// checkAccreditation adds to p every problem with in's kind, dates and
// evidence, each on its field (after prefix: the import names the line's
// list item), and returns the dates parsed. The command and the import
// both check by it, so they refuse the same things in the same words.
func checkAccreditation(p *domain.Problems, prefix string, tr *policy.Training, in AwardAccreditation,
	now time.Time) (awarded, expires time.Time) {
	var err error
	if strings.TrimSpace(in.Kind) == "" {
		p.Add(prefix+"kind", "required", "Choose the kind of accreditation.")
	} else if tr.Kind(in.Kind) == nil {
		p.Add(prefix+"kind", "unknown_kind", "Choose a kind of accreditation from the list: the force's policy "+
			"does not know this one.")
	}
	today := now.In(clock.London)
	if strings.TrimSpace(in.AwardedOn) == "" {
		p.Add(prefix+"awarded_on", "required", "Give the date it was awarded.")
	} else if awarded, err = londonDay(in.AwardedOn); err != nil {
		p.Add(prefix+"awarded_on", "date", "Give the date it was awarded as a real date, such as 2026-03-31.")
	} else if awarded.After(today) {
		p.Add(prefix+"awarded_on", "future", "The date it was awarded must be today or in the past.")
	}
	if strings.TrimSpace(in.Expires) != "" {
		if expires, err = londonDay(in.Expires); err != nil {
			p.Add(prefix+"expires", "date", "Give the date a refresh is due as a real date, such as 2029-03-31.")
		} else if !awarded.IsZero() && !expires.After(awarded) {
			p.Add(prefix+"expires", "before_award", "The date a refresh is due must be after the date it was "+
				"awarded.")
		}
	}
	if len(in.Evidence) > maxEvidence {
		p.Add(prefix+"evidence", "too_long", fmt.Sprintf("Keep the evidence reference to %d characters.",
			maxEvidence))
	}
	return awarded, expires
}

// AwardAccreditation records an accreditation on a person
// (accreditation.awarded). Every problem with the input is reported at
// once, by field, and nothing is recorded.
func (s *Service) AwardAccreditation(ctx context.Context, a *Actor, in AwardAccreditation) (*domain.Accreditation, error) {
	if err := checkInput(in); err != nil {
		// A field over its limit must not hide the accreditation's other
		// problems: every reason is given at once, each field once.
		p, ok := domain.AsProblems(err)
		if !ok {
			return nil, err
		}
		var more domain.Problems
		checkAccreditation(&more, "", &s.Policy().Training, in, s.clock.Now())
		return nil, mergeFieldProblems(p, more).Err()
	}
	if a == nil {
		return nil, ErrUnauthenticated
	}
	var out *domain.Accreditation
	err := s.orgCommand(ctx, a, "record accreditation", func(tx store.Tx, org *domain.OrgState) ([]*event.Event, error) {
		u, err := accreditedUser(a, org, in.User, "record accreditations")
		if err != nil {
			return nil, err
		}
		var p domain.Problems
		if !u.Active {
			p.Add("", "already_left", fmt.Sprintf("%s has left: a leaver's accreditations cannot change.",
				domain.PersonName(u)))
		}
		now := s.clock.Now()
		awarded, expires := checkAccreditation(&p, "", &s.Policy().Training, in, now)
		if err := p.Err(); err != nil {
			return nil, err
		}
		pay := domain.AccreditationAwarded{ID: s.newID(), UserID: u.ID, Kind: in.Kind, AwardedOn: awarded,
			Expires: expires, Evidence: strings.TrimSpace(in.Evidence)}
		e, err := domain.NewEvent(domain.EvAccreditationAwarded, a.ID(), "", now, pay)
		if err != nil {
			return nil, err
		}
		out = &domain.Accreditation{ID: pay.ID, Kind: pay.Kind, AwardedOn: awarded.UTC(), Expires: expires.UTC(),
			Evidence: pay.Evidence, RecordedBy: a.ID(), RecordedAt: now.UTC()}
		return []*event.Event{e}, nil
	})
	if err == nil {
		err = s.rerouteApprovals(ctx, a.ID()) // approval_reroute.go
	}
	return out, err
}

// WithdrawAccreditation withdraws one of a person's accreditations
// (accreditation.withdrawn), with the reason.
func (s *Service) WithdrawAccreditation(ctx context.Context, a *Actor, in WithdrawAccreditation) (*domain.User, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	if a == nil {
		return nil, ErrUnauthenticated
	}
	var out *domain.User
	err := s.orgCommand(ctx, a, "withdraw accreditation", func(tx store.Tx, org *domain.OrgState) ([]*event.Event, error) {
		u, err := accreditedUser(a, org, in.User, "withdraw accreditations")
		if err != nil {
			return nil, err
		}
		var p domain.Problems
		if acc := u.Accreditation(in.ID); acc == nil {
			p.Add("accreditation_id", "unknown_accreditation", fmt.Sprintf("%s holds no such accreditation.",
				domain.PersonName(u)))
		} else if !acc.Withdrawn.IsZero() {
			p.Add("accreditation_id", "withdrawn", "That accreditation has already been withdrawn.")
		}
		if strings.TrimSpace(in.Reason) == "" {
			p.Add("reason", "required", "Say why it is withdrawn.")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		e, err := domain.NewEvent(domain.EvAccreditationWithdrawn, a.ID(), "", s.clock.Now(),
			domain.AccreditationWithdrawn{ID: in.ID, UserID: u.ID, Reason: strings.TrimSpace(in.Reason)})
		if err != nil {
			return nil, err
		}
		cp := *u
		cp.Accreditations = append([]domain.Accreditation(nil), u.Accreditations...)
		if _, err := (&domain.OrgState{Users: map[string]*domain.User{u.ID: &cp}}).ApplyOrg(e); err != nil {
			return nil, err
		}
		out = &cp
		return []*event.Event{e}, nil
	})
	if err == nil {
		err = s.rerouteApprovals(ctx, a.ID()) // approval_reroute.go
	}
	return out, err
}

// AccreditationView is one accreditation as pages and the API show it:
// with its kind's label and whether it counts today.
type AccreditationView struct {
	domain.Accreditation
	Label   string `json:"label"`
	Current bool   `json:"current"`
}

// AccreditationList is a person's accreditations.
type AccreditationList struct {
	Accreditations []AccreditationView `json:"accreditations"`
}

// Accreditations lists a person's accreditations, withdrawn ones too,
// as recorded (administrators of their force, or the person themselves).
func (s *Service) Accreditations(ctx context.Context, a *Actor, userID string) (AccreditationList, error) {
	out := AccreditationList{Accreditations: []AccreditationView{}}
	if a == nil {
		return out, ErrUnauthenticated
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return out, err
	}
	var u *domain.User
	if userID == a.ID() {
		u = org.Users[userID]
	} else if u, err = accreditedUser(a, org, userID, "read accreditations"); err != nil {
		return out, err
	}
	if u == nil {
		return out, fmt.Errorf("user %s: %w", userID, ErrNotFound)
	}
	tr, now := &s.Policy().Training, s.clock.Now()
	for _, acc := range u.Accreditations {
		out.Accreditations = append(out.Accreditations, AccreditationView{Accreditation: acc,
			Label: tr.KindLabel(acc.Kind), Current: acc.CurrentAt(now)})
	}
	return out, nil
}

// mergeFieldProblems is p followed by those of more about fields p does not
// already name, so that one field is not reported twice by two checks.
func mergeFieldProblems(p, more domain.Problems) domain.Problems {
	named := map[string]bool{}
	for _, x := range p {
		named[x.Field] = true
	}
	for _, x := range more {
		if !named[x.Field] {
			p = append(p, x)
		}
	}
	return p
}
