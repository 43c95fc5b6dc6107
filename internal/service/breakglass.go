package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// BreakGlassRequest is the input of Service.BreakGlass: the case, by its
// reference, and why the person must see it now.
type BreakGlassRequest struct {
	Case   string `json:"case"`   // the case's reference, e.g. CSE/2026/000001
	Reason string `json:"reason"` // why, in at least a sentence: the audit team reads it
}

// BreakGlass opens a case outside the person's need to know, in an
// emergency, because they say why: it is recorded on the case's history,
// lasts the policy's break_glass period (default one hour), admits them
// read-only, alerts the case owner's manager and the force's audit team,
// and opens a review duty for the audit team. Only officers who work
// cases may, in their own force, and only for a case they cannot see.
func (s *Service) BreakGlass(ctx context.Context, a *Actor, in BreakGlassRequest) (*domain.BreakGlass, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	if a == nil {
		return nil, ErrUnauthenticated
	}
	ref := strings.TrimSpace(in.Case)
	row, err := s.st.CaseRowByRef(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("break glass %s: %w", ref, err)
	}
	var out *domain.BreakGlass
	err = s.st.Write(ctx, func(tx store.Tx) error {
		c, err := tx.Case(row.ID)
		if err != nil {
			return err
		}
		org, err := tx.Org()
		if err != nil {
			return err
		}
		o := domain.Org{Units: org.Units}
		switch {
		case a.System:
			return &Forbidden{Rule: "break_glass_person", Doing: "open a case in an emergency",
				Message: "Only a person can open a case in an emergency."}
		case !a.has(liaison...):
			return &Forbidden{Rule: "break_glass_role", Doing: "open a case outside your team in an emergency",
				Message: "Only " + domain.RolesPhrase(liaison) +
					" can open a case outside their team in an emergency."}
		case o.ForceOf(c.TeamID) != o.ForceOf(a.User.UnitID):
			return ErrNotFound // another force's case is not there at all
		case a.CanSee(org, c):
			return &Forbidden{Rule: "break_glass_not_needed",
				Message: "You can already see this case: no emergency access is needed."}
		}
		now := s.clock.Now().UTC()
		if g := c.BreakGlassFor(a.ID(), now); g != nil {
			out = g
			return nil // already open: nothing more to record
		}
		var p domain.Problems
		reason := strings.TrimSpace(in.Reason)
		if wordChars(reason) < 10 {
			p.Add("reason", "required", "Say why you must open this case now, in at least a sentence: the audit "+
				"team will review it.")
		}
		p = append(p, domain.CheckText("reason", reason)...)
		if err := p.Err(); err != nil {
			return err
		}
		g := domain.BreakGlass{ID: s.newID(), By: a.ID(), Reason: reason, At: now,
			Until: s.Policy().BreakGlass.After(now, s.cal).UTC()}
		evs := []*event.Event{}
		add := func(typ string, payload any) error {
			e, err := domain.NewEvent(typ, a.ID(), c.ID, now, payload)
			if err == nil {
				evs = append(evs, e)
			}
			return err
		}
		if err := add(domain.EvBreakGlass, domain.BreakGlassed{BreakGlass: g}); err != nil {
			return err
		}
		text := fmt.Sprintf("%s opened %s in an emergency (break-glass) until %s: %s", domain.PersonName(&a.User),
			c.Ref, clock.GovUK(g.Until), domain.Sentence(reason))
		for _, to := range breakGlassTold(org, c) {
			if to == a.ID() {
				continue
			}
			if err := add(domain.EvAlertSent, domain.AlertSent{To: to, Kind: domain.AlertBreakGlass,
				Text: text}); err != nil {
				return err
			}
		}
		if _, err := s.commit(tx, c, org, evs, now); err != nil {
			return err
		}
		out = &g
		return nil
	})
	if err != nil {
		if _, ok := AsForbidden(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("break glass %s: %w", ref, err)
	}
	return out, nil
}

// breakGlassTold are who hear of an emergency access: the case owner's
// manager (the nearest manager above the owner, or above the team when
// nobody owns it) and every serving auditor of the force.
func breakGlassTold(org *domain.OrgState, c *domain.Case) []string {
	unit := c.TeamID
	if u := org.Users[c.OwnerID]; u != nil {
		unit = u.UnitID
	}
	out := []string{duty.Manager(org, unit, domain.RankStaff)}
	out = append(out, auditTeam(org, c)...)
	seen := map[string]bool{"": true}
	var uniq []string
	for _, id := range out {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	return uniq
}

// auditTeam is every serving auditor in the case's force, by id.
func auditTeam(org *domain.OrgState, c *domain.Case) []string {
	o := domain.Org{Units: org.Units}
	force := o.ForceOf(c.TeamID)
	var out []string
	for _, u := range org.Users {
		if u.Active && u.HasRole(domain.RoleAuditor) && o.ForceOf(u.UnitID) == force {
			out = append(out, u.ID)
		}
	}
	sort.Strings(out)
	return out
}

// glass reports sight of c through an emergency access alone, now: the
// person could not see it otherwise.
func (s *Service) glass(a *Actor, org *domain.OrgState, c *domain.Case) bool {
	return !a.CanSee(org, c) && c.BreakGlassFor(a.ID(), s.clock.Now().UTC()) != nil
}

// canSee is need-to-know, or an emergency access still open.
func (s *Service) canSee(a *Actor, org *domain.OrgState, c *domain.Case) bool {
	return a.CanSee(org, c) || (a != nil && !a.System && c.BreakGlassFor(a.ID(), s.clock.Now().UTC()) != nil)
}

// readOnlyGlass is the refusal of any write through an emergency access.
func readOnlyGlass() error {
	return &Forbidden{Rule: "break_glass_read_only", Message: "Your emergency access to this case is read-only: " +
		"ask its team to make the change."}
}

// ReviewBreakGlass is the input of Service.ReviewBreakGlass.
type ReviewBreakGlass struct {
	Version int64  `json:"version"`         // the case version the auditor saw
	Access  string `json:"-" path:"access"` // the emergency access's id
	Note    string `json:"note"`            // what the review found: justified or not, and why
}

// ReviewBreakGlass records the audit team's review of one emergency
// access, meeting the review duty.
func (s *Service) ReviewBreakGlass(ctx context.Context, a *Actor, caseID string,
	in ReviewBreakGlass) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "review-break-glass", in.Access, func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		note := strings.TrimSpace(in.Note)
		if len([]rune(note)) < 10 {
			p.Add("note", "required", "Say whether the access was justified, and why, in at least a sentence.")
		}
		*p = append(*p, domain.CheckText("note", note)...)
		return []ev{{domain.EvBreakGlassReviewed, domain.BreakGlassReviewed{ID: in.Access, Note: note}}}
	})
}

// Emergency is the emergency access through which the person asking for
// these permissions sees the case, or nil when they see it by need to know:
// the pages show it on every page of the case, with when it ends.
func (p *Permissions) Emergency() *domain.BreakGlass {
	if p == nil {
		return nil
	}
	return p.glass
}

// MayBreakGlass reports whether a is someone who may ask for emergency
// access to a case outside their need to know (BreakGlass's own role
// check), so a page offers it only to them.
func MayBreakGlass(a *Actor) bool {
	return a != nil && !a.System && a.has(liaison...)
}

// BreakGlassAwaiting is an emergency access the audit team has not yet
// reviewed, with its case.
type BreakGlassAwaiting struct {
	CaseID  string            `json:"case_id"`
	Ref     string            `json:"ref"`
	Version int64             `json:"version"`
	Access  domain.BreakGlass `json:"access"`
}

// BreakGlassAwaitingReview lists the emergency accesses of the actor's force
// that no auditor has reviewed yet, oldest first, for the audit team's
// review page (auditors; managers see those of their chain, read-only).
// Reading it records nothing: it names who opened which case, not what is
// in them.
func (s *Service) BreakGlassAwaitingReview(ctx context.Context, a *Actor) ([]BreakGlassAwaiting, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("see emergency accesses awaiting review", domain.RoleAuditor, domain.RoleManager); err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	// Every access not reviewed owes the audit team an open duty: the
	// duties index finds their cases without reading every case.
	rows, err := s.st.DueDutiesOfKind(ctx, duty.BreakGlassReview, s.clock.Now().AddDate(100, 0, 0), 10_000)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := []BreakGlassAwaiting{}
	for _, r := range rows {
		if seen[r.CaseID] {
			continue
		}
		seen[r.CaseID] = true
		c, err := s.st.Case(ctx, r.CaseID)
		if err != nil {
			return nil, err
		}
		if !a.CanSee(org, c) {
			continue // another force's, or outside a manager's chain
		}
		for _, g := range c.BreakGlass {
			if g.ReviewedBy == "" {
				out = append(out, BreakGlassAwaiting{CaseID: c.ID, Ref: c.Ref, Version: c.Version, Access: g})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Access.At.Before(out[j].Access.At) })
	return out, nil
}

// wordChars counts the letters and digits in s: a reason the audit team can
// read, not ten dots, spaces or invisible characters (zero-width spaces and
// soft hyphens were accepted before; the attack of 2026-12-06).
func wordChars(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}
