package service

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// orgCommand appends organisation events and writes what they change.
func (s *Service) orgCommand(
	ctx context.Context,
	a *Actor,
	what string,
	decide func(tx store.Tx, org *domain.OrgState) ([]*event.Event, error),
) error {
	return s.orgCommandThen(ctx, a, what, decide, nil)
}

// orgCommandThen is orgCommand followed, in the same transaction, by then
// on the organisation as the events left it (nil: nothing).
func (s *Service) orgCommandThen(
	ctx context.Context,
	a *Actor,
	what string,
	decide func(tx store.Tx, org *domain.OrgState) ([]*event.Event, error),
	then func(tx store.Tx, org *domain.OrgState) error,
) error {
	err := s.st.Write(ctx, func(tx store.Tx) error {
		shared, err := tx.Org()
		if err != nil {
			return err
		}
		org := shared.Clone()
		evs, err := decide(tx, org)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if !domain.IsOrgEvent(e.Type) { // a grant's request or decision: on the log only
				if err := tx.Append(e); err != nil {
					return err
				}
				continue
			}
			changed, err := org.ApplyOrg(e)
			if err != nil {
				return err
			}
			if err := tx.Append(e); err != nil {
				return err
			}
			if err := s.endSessionsOnChange(ctx, tx, a, e); err != nil { // auth_sessions.go
				return err
			}
			switch v := changed.(type) {
			case *domain.Unit:
				err = tx.PutUnit(v)
			case *domain.User:
				err = tx.PutUser(v)
			}
			if err != nil {
				return err
			}
		}
		if then != nil {
			return then(tx, org)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// NewUnit is a force, department or team to create.
type NewUnit struct {
	Name     string          `json:"name"`
	Kind     domain.UnitKind `json:"kind"`
	ParentID string          `json:"parent_id,omitempty"`
}

// CreateUnit adds a unit to the hierarchy. Administrators only.
func (s *Service) CreateUnit(ctx context.Context, a *Actor, in NewUnit) (*domain.Unit, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	var out *domain.Unit
	err := s.orgCommand(ctx, a, "create unit", func(tx store.Tx, org *domain.OrgState) ([]*event.Event, error) {
		if err := a.need("creating a unit", domain.RoleAdmin); err != nil {
			return nil, err
		}
		var p domain.Problems
		if strings.TrimSpace(in.Name) == "" {
			p.Add("name", "required", "give the unit a name")
		}
		parent := org.Units[in.ParentID]
		switch in.Kind {
		case domain.UnitForce:
			if in.ParentID != "" {
				p.Add("parent_id", "force_has_no_parent", "a force is the top of the hierarchy: leave parent_id empty")
			}
		case domain.UnitDepartment, domain.UnitTeam:
			if parent == nil {
				p.Add("parent_id", "unknown_unit", fmt.Sprintf("parent unit %q does not exist", in.ParentID))
			} else if parent.Kind == domain.UnitTeam {
				p.Add("parent_id", "team_has_no_children", "a team cannot contain other units: choose a force or department")
			}
		default:
			p.Add("kind", "one_of", `kind must be "force", "department" or "team"`)
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		id := s.newID()
		e, err := domain.NewEvent(
			domain.EvUnitCreated,
			a.ID(),
			"",
			s.clock.Now(),
			domain.UnitCreated{ID: id, Name: strings.TrimSpace(in.Name), Kind: in.Kind, ParentID: in.ParentID},
		)
		if err != nil {
			return nil, err
		}
		out, err = projected[domain.Unit](e)
		return []*event.Event{e}, err
	})
	return out, err
}

// NewUser is an officer or member of staff to add.
type NewUser struct {
	Username string        `json:"username"`
	Name     string        `json:"name"`
	Collar   string        `json:"collar"`
	Email    string        `json:"email,omitempty"`
	Rank     domain.Rank   `json:"rank"`
	UnitID   string        `json:"unit_id"`
	Roles    []domain.Role `json:"roles"`
	Password string        `json:"password"`
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

func (in *NewUser) check(org *domain.OrgState) domain.Problems {
	var p domain.Problems
	if !usernameRE.MatchString(in.Username) {
		p.Add("username", "format", "Enter a username of 2 to 64 lower-case letters, digits, dots, dashes or "+
			"underscores, for example amy.lloyd")
	}
	for _, u := range org.Users {
		if u.Username == in.Username {
			p.Add("username", "unique", fmt.Sprintf("The username %q is already taken: choose another", in.Username))
		}
	}
	if strings.TrimSpace(in.Name) == "" {
		p.Add("name", "required", "Enter the person's full name")
	}
	if strings.TrimSpace(in.Collar) == "" {
		p.Add("collar", "required", "Enter the collar or staff number")
	}
	if _, err := domain.ParseRank(string(in.Rank)); err != nil {
		p.Add("rank", "one_of", err.Error())
	}
	if _, ok := org.Units[in.UnitID]; !ok {
		p.Add("unit_id", "unknown_unit", "There is no such unit: choose the person's unit from the list")
	}
	if len(in.Roles) == 0 {
		p.Add("roles", "required", "Choose at least one role")
	}
	for i, r := range in.Roles {
		if _, err := domain.ParseRole(string(r)); err != nil {
			p.Add(fmt.Sprintf("roles[%d]", i), "one_of", err.Error())
		}
	}
	if len(in.Password) < 12 {
		p.Add("password", "min_length", "Enter a first password of at least 12 characters")
	}
	if in.Email != "" && !emailAddress(in.Email) {
		p.Add("email", "format", "Enter an email address in the correct format, like name@example.com, "+
			"or leave it blank")
	}
	return p
}

// emailAddress reports whether s is one plain address, name@domain with a
// dot in the domain, as the security alerts are sent to: no display name,
// no list, no spaces (mail.ParseAddress alone takes "Amy <a@b.c>").
func emailAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(strings.Trim(domain, "."), ".") && !strings.ContainsAny(domain, "[]")
}

// CreateUser adds a user with a password. Administrators only; the
// password hash is kept outside the log, which must never hold secrets.
func (s *Service) CreateUser(ctx context.Context, a *Actor, in NewUser) (*domain.User, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	hash, err := userPasswordHash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	var out *domain.User
	err = s.orgCommand(ctx, a, "add user", func(tx store.Tx, org *domain.OrgState) ([]*event.Event, error) {
		if err := a.need("adding a user", domain.RoleAdmin); err != nil {
			return nil, err
		}
		if err := in.check(org).Err(); err != nil {
			return nil, err
		}
		// A powerful role waits for a second administrator (the two-person
		// rule); the rest are given at once.
		now, roles, powerful := s.clock.Now(), in.Roles, []domain.Role(nil)
		if !a.System {
			roles, powerful = splitPowerful(in.Roles)
		}
		id := s.newID()
		e, err := domain.NewEvent(domain.EvUserCreated, a.ID(), "", now, domain.UserCreated{
			ID: id, Username: in.Username, Name: strings.TrimSpace(in.Name), Collar: in.Collar, Email: in.Email,
			Rank: in.Rank, UnitID: in.UnitID, Roles: roles})
		if err != nil {
			return nil, err
		}
		if err := tx.SetPassword(id, hash); err != nil {
			return nil, err
		}
		out, err = projected[domain.User](e)
		// The password is sealed where it is set, in this transaction: a
		// hash planted before any checkpoint is then never taken for one
		// the service set (ledger/credentials.go).
		seal, serr := domain.NewEvent(ledger.EvCredentialsSealed, a.ID(), "", now, ledger.CredentialsSealed{
			Passwords: map[string]string{id: sqlstore.PasswordDigest(id, hash)}, AtIssue: true})
		if serr != nil {
			return nil, serr
		}
		evs := []*event.Event{e, seal}
		if len(powerful) > 0 {
			g, err := domain.NewEvent(domain.EvGrantRequested, a.ID(), "", now,
				domain.GrantRequested{ID: s.newID(), UserID: id, Roles: powerful})
			if err != nil {
				return nil, err
			}
			evs = append(evs, g)
		}
		return evs, err
	})
	return out, err
}

// projected is the unit or user an organisation event makes, by the
// projection's own rule: a reply built by hand had drifted from it (no
// creation time, so the API answered "created": "0001-01-01T00:00:00Z",
// and an untrimmed name) — issue 23.
func projected[T domain.Unit | domain.User](e *event.Event) (*T, error) {
	v, err := domain.NewOrgState().ApplyOrg(e)
	if err != nil {
		return nil, err
	}
	out, ok := v.(*T)
	if !ok {
		return nil, fmt.Errorf("event %s made %T, not the expected record", e.Type, v)
	}
	return out, nil
}

// UserLeaves is the input of Service.UserLeaves.
type UserLeaves struct {
	User   string `json:"-" path:"id"` // user id: in the URL path (API) or a form field (pages)
	Reason string `json:"reason"`      // why they left (retired, transferred...), for the record: required
}

// UserLeaves marks a user as gone. Their cases are not moved: the watchdog
// reports them as orphaned until a supervisor reassigns them. What they
// owed a victim (first contact, a contact plan, a referral to support,
// updates, word of a decision) moves at once, in the same transaction, to
// whoever would hold it for an unallocated case — the case's supervisor —
// with its due time and its place on the escalation ladder: a victim is
// never owed contact by someone who has left. Every case they owe a duty
// on is reconciled so, as its next command would. The reason is required:
// a leaver's record without it cannot answer why their access ended.
func (s *Service) UserLeaves(ctx context.Context, a *Actor, in UserLeaves) error {
	if err := checkInput(in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Reason) == "" {
		return domain.Problems{{Field: "reason", Rule: "required",
			Message: "Enter why they left, for example retired or transferred to another force"}}
	}
	return s.orgCommandThen(ctx, a, "record leaver", func(tx store.Tx, org *domain.OrgState) ([]*event.Event, error) {
		if err := a.need("recording a leaver", domain.RoleAdmin); err != nil {
			return nil, err
		}
		u, ok := org.Users[in.User]
		if !ok {
			return nil, fmt.Errorf("user %s: %w", in.User, ErrNotFound)
		}
		if !u.Active {
			return nil, domain.Problems{
				{Field: "user_id", Rule: "already_left", Message: fmt.Sprintf("%s has already left", u.Name)},
			}
		}
		e, err := domain.NewEvent(domain.EvUserLeft, a.ID(), "", s.clock.Now(), domain.UserLeft{ID: in.User,
			Reason: in.Reason})
		return []*event.Event{e}, err
	}, func(tx store.Tx, org *domain.OrgState) error { return s.leaverDuties(tx, a, org, in.User) })
}

// leaverDuties reconciles, in the leaver's transaction, the duties of each
// case on which the leaver (now inactive in org), or an officer moved to
// another unit, owes one. The cases are found by the duty index as the
// transaction sees it, not as committed: writes are committed in groups,
// and a write earlier in this one (a case allocated to the officer a
// moment before) opened duties that a read outside the transaction would
// not see, which would stay theirs.
func (s *Service) leaverDuties(tx store.Tx, a *Actor, org *domain.OrgState, id string) error {
	dt, ok := tx.(store.DutyTx)
	if !ok {
		return fmt.Errorf("the store cannot read duties in a transaction")
	}
	ids, err := dt.DutyCases(id)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	for _, caseID := range ids {
		c, err := tx.Case(caseID)
		if err != nil {
			return err
		}
		evs, err := s.dutyRules().Reconcile(c, org, a.ID(), now)
		if err != nil {
			return fmt.Errorf("duties of %s: %w", c.Ref, err)
		}
		if len(evs) == 0 {
			continue
		}
		if _, err := s.commit(tx, c, org, evs, now); err != nil {
			return fmt.Errorf("%s: %w", c.Ref, err)
		}
	}
	return nil
}

// Org returns the organisation: units and users. Every signed-in user may
// see who is who; it is how they find a colleague to hand work to.
func (s *Service) Org(ctx context.Context, a *Actor) (*domain.OrgState, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	return s.st.Org(ctx)
}

// PolicyText is the policy file in force, for the administration pages.
func (s *Service) PolicyText(a *Actor) ([]byte, error) {
	if err := a.need("administer Holdfast", domain.RoleAdmin); err != nil {
		return nil, err
	}
	return s.Policy().Source(), nil
}

// splitPowerful parts roles into those given at once and those that wait
// for a second administrator.
func splitPowerful(roles []domain.Role) (now, wait []domain.Role) {
	now = []domain.Role{}
	for _, r := range roles {
		if domain.IsPowerful(r) {
			wait = append(wait, r)
		} else {
			now = append(now, r)
		}
	}
	return now, wait
}

// grantMu serialises grant commands in this process, as auditMu does the
// audits': each reads the grants' record inside its write transaction.
var grantMu sync.Mutex

// grantState folds the grant events of the record.
func (s *Service) grantState(ctx context.Context) (*domain.GrantState, error) {
	evs, err := s.forceEvents(ctx, domain.EvGrantRequested, domain.EvGrantDecided) // not every read logged
	if err != nil {
		return nil, fmt.Errorf("read grants: %w", err)
	}
	st := domain.NewGrantState()
	for _, e := range evs {
		if domain.IsGrantEvent(e.Type) {
			if err := st.ApplyGrant(e); err != nil {
				return nil, err
			}
		}
	}
	return st, nil
}

// Grants lists the grants of powerful roles, newest first (administrators).
func (s *Service) Grants(ctx context.Context, a *Actor) ([]*domain.Grant, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("read grants of powerful roles", domain.RoleAdmin); err != nil {
		return nil, err
	}
	st, err := s.grantState(ctx)
	if err != nil {
		return nil, err
	}
	return st.List(), nil
}

// ChangeUser is a user's roles, rank and team as they should be.
type ChangeUser struct {
	User    string        `json:"-" path:"id"`
	Version int64         `json:"version"` // the user's version the change is based on
	Rank    domain.Rank   `json:"rank"`
	UnitID  string        `json:"unit_id"`
	Roles   []domain.Role `json:"roles"`
}

// UserChangeResult is what ChangeUser did: the user as the record now
// holds them, and the grant of powerful roles left for a second
// administrator, if any.
type UserChangeResult struct {
	User  *domain.User  `json:"user"`
	Grant *domain.Grant `json:"grant,omitempty"`
}

// ChangeUser sets a user's roles, rank and team (administrators), recorded
// as user.changed. Roles taken away and ordinary roles go at once; the
// administrator, auditor, inspector and analyst roles — the powerful ones —
// are only asked for: a second administrator approves or rejects the grant
// (DecideGrant). An administrator may not give themselves a case-work role.
// An officer moved out of a case's chain, or left with no case-work role,
// owes its victims nothing from then: their duties move to the case's
// supervisor in the same transaction, as a leaver's do (leaverDuties).
func (s *Service) ChangeUser(ctx context.Context, a *Actor, in ChangeUser) (*UserChangeResult, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	if a == nil {
		return nil, ErrUnauthenticated
	}
	grantMu.Lock()
	defer grantMu.Unlock()
	var res UserChangeResult
	moved := false // out of their unit, or a role taken away: what they owe a victim is reconciled
	err := s.orgCommandThen(ctx, a, "change user", func(tx store.Tx, org *domain.OrgState) ([]*event.Event, error) {
		// The write may run twice (store.Store.Write): what a first run
		// decided must not stay.
		res, moved = UserChangeResult{}, false
		if err := a.need("change a user's roles, rank or team", domain.RoleAdmin); err != nil {
			return nil, err
		}
		u, ok := org.Users[in.User]
		if !ok {
			return nil, fmt.Errorf("user %s: %w", in.User, ErrNotFound)
		}
		var p domain.Problems
		if !u.Active {
			p.Add("", "already_left", fmt.Sprintf("%s has left: a leaver's roles, rank and team cannot change.", domain.PersonName(u)))
		}
		if in.Version < 1 {
			p.Add("version", "required", "Send the user's version your change is based on: reload the page and try again.")
		}
		if _, err := domain.ParseRank(string(in.Rank)); err != nil {
			p.Add("rank", "one_of", "Choose a rank from the list.")
		}
		if unit, ok := org.Units[in.UnitID]; !ok {
			p.Add("unit_id", "unknown_unit", "Choose a unit from the list.")
		} else if !a.System && (domain.Org{Units: org.Units}).ForceOf(unit.ID) != a.force(org) {
			p.Add("unit_id", "other_force", "Choose a unit of your own force.")
		}
		seen := map[domain.Role]bool{}
		var roles []domain.Role
		for i, r := range in.Roles {
			if _, err := domain.ParseRole(string(r)); err != nil {
				p.Add(fmt.Sprintf("roles[%d]", i), "one_of", "Choose roles from the list.")
				continue
			}
			if !seen[r] {
				seen[r] = true
				roles = append(roles, r)
			}
		}
		if len(roles) == 0 {
			p.Add("roles", "required", "Choose at least one role.")
		}
		var added []domain.Role
		for _, r := range roles {
			if !u.HasRole(r) {
				added = append(added, r)
			}
		}
		if !a.System && u.ID == a.ID() {
			for _, r := range added {
				if domain.IsCasework(r) {
					p.Add("roles", "self_grant", fmt.Sprintf("You cannot give yourself the %s role: "+
						"an administrator does not do case work. Ask another administrator if it is needed.",
						strings.ToLower(domain.RoleLabel(r))))
				}
			}
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		if in.Version != u.Version {
			return nil, fmt.Errorf("%s's record is at version %d, your change was based on version %d: "+
				"reload the page and try again: %w", u.Name, u.Version, in.Version, ErrConflict)
		}
		// Keep: every role asked for that is held already or not powerful.
		keep, wait := []domain.Role{}, []domain.Role(nil)
		for _, r := range roles {
			if !a.System && domain.IsPowerful(r) && !u.HasRole(r) {
				wait = append(wait, r)
			} else {
				keep = append(keep, r)
			}
		}
		// Taking the administrator role from another administrator waits
		// too: else one administrator could strip the others and then
		// approve nothing but act alone. Until approved, it is kept.
		var remove []domain.Role
		if !a.System && u.ID != a.ID() && u.HasRole(domain.RoleAdmin) && !contains(roles, domain.RoleAdmin) {
			remove = []domain.Role{domain.RoleAdmin}
			keep = append(keep, domain.RoleAdmin)
		}
		if !a.System && (len(wait) > 0 || len(remove) > 0) {
			st, err := s.grantState(ctx)
			if err != nil {
				return nil, err
			}
			for _, g := range st.Pending(u.ID) {
				for _, r := range g.Roles {
					if contains(wait, r) {
						p.Add("roles", "grant_pending", fmt.Sprintf("The %s role already waits for a second "+
							"administrator's approval: ask one to approve or reject it.", strings.ToLower(domain.RoleLabel(r))))
					}
				}
				for _, r := range g.Remove {
					if contains(remove, r) {
						p.Add("roles", "grant_pending", fmt.Sprintf("Taking away the %s role already waits for a "+
							"second administrator's approval: ask one to approve or reject it.",
							strings.ToLower(domain.RoleLabel(r))))
					}
				}
			}
			if err := p.Err(); err != nil {
				return nil, err
			}
		}
		now := s.clock.Now()
		var evs []*event.Event
		ch := domain.UserChanged{ID: u.ID}
		if in.Rank != u.Rank {
			ch.Rank = &in.Rank
		}
		if in.UnitID != u.UnitID {
			ch.UnitID = &in.UnitID
			moved = true
		}
		if !sameRoles(keep, u.Roles) {
			ch.Roles, ch.NoRoles = keep, len(keep) == 0
			for _, r := range u.Roles {
				moved = moved || !contains(keep, r)
			}
		}
		if ch.Rank != nil || ch.UnitID != nil || ch.Roles != nil || ch.NoRoles {
			e, err := domain.NewEvent(domain.EvUserChanged, a.ID(), "", now, ch)
			if err != nil {
				return nil, err
			}
			evs = append(evs, e)
		}
		if len(wait) > 0 || len(remove) > 0 {
			g := domain.GrantRequested{ID: s.newID(), UserID: u.ID, Roles: wait, Remove: remove}
			if g.Roles == nil {
				g.Roles = []domain.Role{}
			}
			e, err := domain.NewEvent(domain.EvGrantRequested, a.ID(), "", now, g)
			if err != nil {
				return nil, err
			}
			evs = append(evs, e)
			res.Grant = &domain.Grant{ID: g.ID, UserID: u.ID, Roles: g.Roles, Remove: remove, RequestedBy: a.ID(),
				RequestedAt: now.UTC(), Status: domain.GrantPending}
		}
		if len(evs) == 0 {
			return nil, domain.Problems{{Rule: "no_change", Message: "Nothing was changed: change the roles, rank " +
				"or team, or go back."}}
		}
		return evs, nil
	}, func(tx store.Tx, org *domain.OrgState) error {
		// Moved out of a case's chain, an officer in charge can no longer
		// open it, and with their case-work role taken away they can
		// record nothing on it: what they owed its victims moves at once
		// to its supervisor, as for a leaver (duty.serves). A supervisor
		// who lost that role stops owing the supervisor's duties too.
		if !moved {
			return nil
		}
		return s.leaverDuties(tx, a, org, in.User)
	})
	if err != nil {
		return nil, err
	}
	if res.User, err = s.user(ctx, in.User); err != nil {
		return nil, err
	}
	return &res, nil
}

// sameRoles reports whether a and b hold the same roles in any order.
func sameRoles(a, b []domain.Role) bool {
	if len(a) != len(b) {
		return false
	}
	for _, r := range a {
		if !contains(b, r) {
			return false
		}
	}
	return true
}

func (s *Service) user(ctx context.Context, id string) (*domain.User, error) {
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	u, ok := org.Users[id]
	if !ok {
		return nil, fmt.Errorf("user %s: %w", id, ErrNotFound)
	}
	cp := *u
	return &cp, nil
}

// DecideGrant is a second administrator's word on a grant of powerful roles.
type DecideGrant struct {
	Grant   string `json:"-" path:"id"`
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"` // required to reject
}

// DecideGrant approves or rejects a pending grant of powerful roles. Only
// an administrator other than the one who asked for it, and other than
// the person it is for, decides it; approving gives the roles.
func (s *Service) DecideGrant(ctx context.Context, a *Actor, in DecideGrant) (*domain.Grant, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	if a == nil {
		return nil, ErrUnauthenticated
	}
	grantMu.Lock()
	defer grantMu.Unlock()
	var out domain.Grant
	err := s.orgCommand(ctx, a, "decide grant", func(tx store.Tx, org *domain.OrgState) ([]*event.Event, error) {
		if err := a.need("approve or reject grants of powerful roles", domain.RoleAdmin); err != nil {
			return nil, err
		}
		st, err := s.grantState(ctx)
		if err != nil {
			return nil, err
		}
		g, ok := st.Grants[in.Grant]
		if !ok || (!a.System && org.Users[g.UserID] != nil &&
			(domain.Org{Units: org.Units}).ForceOf(org.Users[g.UserID].UnitID) != a.force(org)) {
			return nil, fmt.Errorf("grant %s: %w", in.Grant, ErrNotFound)
		}
		u := org.Users[g.UserID]
		p := grantDecider(a, g)
		if in.Approve && (u == nil || !u.Active) {
			p.Add("", "already_left", "The person has left: reject the grant.")
		}
		reason := strings.TrimSpace(in.Reason)
		if !in.Approve && reason == "" {
			p.Add("reason", "required", "Say why the grant is rejected.")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		now := s.clock.Now()
		var evs []*event.Event
		var roles []domain.Role
		if in.Approve && u != nil {
			for _, r := range u.Roles {
				if !contains(g.Remove, r) {
					roles = append(roles, r)
				}
			}
			for _, r := range g.Roles {
				if !contains(roles, r) {
					roles = append(roles, r)
				}
			}
			if len(roles) == 0 {
				p.Add("", "no_roles_left", "Approving this would leave the person with no role: reject it, and "+
					"give them another role first.")
			}
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		if in.Approve {
			e, err := domain.NewEvent(domain.EvUserChanged, a.ID(), "", now, domain.UserChanged{ID: u.ID, Roles: roles})
			if err != nil {
				return nil, err
			}
			evs = append(evs, e)
		}
		e, err := domain.NewEvent(domain.EvGrantDecided, a.ID(), "", now,
			domain.GrantDecided{ID: g.ID, Approve: in.Approve, Reason: reason})
		if err != nil {
			return nil, err
		}
		out = *g
		out.Status, out.DecidedBy, out.DecidedAt, out.Reason = domain.GrantRejected, a.ID(), now.UTC(), reason
		if in.Approve {
			out.Status = domain.GrantApproved
		}
		return append(evs, e), nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// grantDecider is the two-person rule for deciding g: the problems that
// stop a deciding it (none if a may). DecideGrant enforces it and the
// grant's page and the administrators' home ask it, so nobody is offered
// a decision the service would refuse.
func grantDecider(a *Actor, g *domain.Grant) domain.Problems {
	var p domain.Problems
	if g.Status != domain.GrantPending {
		p.Add("", "grant_decided", "This grant has already been "+g.Status+".")
	}
	if !a.System && g.RequestedBy == a.ID() {
		p.Add("", "second_administrator", "You asked for this grant: another administrator must approve or "+
			"reject it.")
	}
	if !a.System && g.UserID == a.ID() {
		p.Add("", "not_for_yourself", "This grant is for you: another administrator must approve or reject it.")
	}
	return p
}

// MayDecideGrant says whether a may approve or reject g and, if not, why
// ("" when a may).
func (s *Service) MayDecideGrant(a *Actor, g *domain.Grant) string {
	if a == nil || !a.has(domain.RoleAdmin) {
		return "Only an administrator can approve or reject a grant of powerful roles."
	}
	if p := grantDecider(a, g); len(p) > 0 {
		return p[0].Message
	}
	return ""
}

// GrantsToDecide are the pending grants of powerful roles a may decide:
// those another administrator asked for, for someone else. They are the
// administrator's decisions on My work; none for anyone else.
func (s *Service) GrantsToDecide(ctx context.Context, a *Actor) ([]*domain.Grant, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if !a.has(domain.RoleAdmin) {
		return nil, nil
	}
	gs, err := s.Grants(ctx, a)
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	o := domain.Org{Units: org.Units}
	var out []*domain.Grant
	for _, g := range gs {
		u := org.Users[g.UserID]
		if u == nil || o.ForceOf(u.UnitID) != a.force(org) {
			continue // DecideGrant would not find it
		}
		if s.MayDecideGrant(a, g) == "" {
			out = append(out, g)
		}
	}
	return out, nil
}

// LeaverWork is what a user still holds, and where each piece will go
// when they leave: shown before an administrator confirms a leaver.
type LeaverWork struct {
	User   *domain.User    `json:"user"`
	Cases  []LeaverCase    `json:"cases"`  // open cases they own
	Duties []LeaverDuty    `json:"duties"` // open duties they are accountable for
	Grants []*domain.Grant `json:"grants"` // pending grants for them
	// Reviews are audit reviews assigned to them and not yet submitted;
	// each goes back to its audit's lead to reassign.
	Reviews []LeaverReview `json:"reviews"`
}

// LeaverReview is an audit review the leaver holds.
type LeaverReview struct {
	AuditID   string `json:"audit_id"`
	AuditName string `json:"audit_name"`
	Ref       string `json:"ref"`
	GoesTo    string `json:"goes_to,omitempty"` // the audit's lead, if serving
}

// LeaverCase is an open case the leaver owns.
type LeaverCase struct {
	CaseID string        `json:"case_id"`
	Ref    string        `json:"ref"`
	TeamID string        `json:"team_id"`
	Status domain.Status `json:"status"`
	// GoesTo is who the watchdog will tell to reallocate it: the nearest
	// supervisor of its team (empty if none serves).
	GoesTo string `json:"goes_to,omitempty"`
}

// LeaverDuty is an open duty the leaver is accountable for.
type LeaverDuty struct {
	CaseID  string    `json:"case_id"`
	Ref     string    `json:"ref"`
	Kind    string    `json:"kind"`
	Due     time.Time `json:"due"`
	Subject string    `json:"subject,omitempty"`
	// GoesTo is who it escalates to: the nearest supervisor of the team.
	GoesTo string `json:"goes_to,omitempty"`
}

// LeaverWork lists what a user still holds before they are marked as
// having left (administrators).
func (s *Service) LeaverWork(ctx context.Context, a *Actor, userID string) (*LeaverWork, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("recording a leaver", domain.RoleAdmin); err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	u, ok := org.Users[userID]
	if !ok {
		return nil, fmt.Errorf("user %s: %w", userID, ErrNotFound)
	}
	cp := *u
	out := &LeaverWork{User: &cp, Cases: []LeaverCase{}, Duties: []LeaverDuty{}, Grants: []*domain.Grant{}}
	// Whoever is the team's supervisor once the leaver has gone.
	after := org.Clone()
	after.Users[u.ID].Active = false
	rows, err := s.st.ListCases(ctx, store.CaseFilter{OwnerID: u.ID, Status: []domain.Status{domain.StatusReferral,
		domain.StatusOpen, domain.StatusClosureProposed}, Limit: 10000})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out.Cases = append(out.Cases, LeaverCase{CaseID: r.ID, Ref: r.Ref, TeamID: r.TeamID, Status: r.Status,
			GoesTo: duty.Supervisor(after, r.TeamID)})
	}
	ds, err := s.st.UserDuties(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		out.Duties = append(out.Duties, LeaverDuty{CaseID: d.CaseID, Ref: d.CaseRef, Kind: d.Kind, Due: d.Due,
			Subject: d.Subject, GoesTo: duty.Supervisor(after, d.TeamID)})
	}
	st, err := s.grantState(ctx)
	if err != nil {
		return nil, err
	}
	if g := st.Pending(u.ID); g != nil {
		out.Grants = g
	}
	as, err := s.auditState(ctx)
	if err != nil {
		return nil, err
	}
	out.Reviews = []LeaverReview{}
	for _, au := range as.List() {
		for _, ac := range au.Cases {
			if ac.Reviewer == u.ID && ac.Status == domain.AuditCaseAssigned {
				r := LeaverReview{AuditID: au.ID, AuditName: au.Name, Ref: ac.Ref}
				if lead := after.Users[au.CreatedBy]; lead != nil && lead.Active {
					r.GoesTo = lead.ID
				}
				out.Reviews = append(out.Reviews, r)
			}
		}
	}
	return out, nil
}
