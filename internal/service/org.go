package service

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// orgCommand appends organisation events and writes what they change.
func (s *Service) orgCommand(
	ctx context.Context,
	a *Actor,
	what string,
	decide func(tx store.Tx, org *domain.OrgState) ([]*event.Event, error),
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
			changed, err := org.ApplyOrg(e)
			if err != nil {
				return err
			}
			if err := tx.Append(e); err != nil {
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
		p.Add("username", "format", "use 2 to 64 lower-case letters, digits, dots, dashes or underscores")
	}
	for _, u := range org.Users {
		if u.Username == in.Username {
			p.Add("username", "unique", fmt.Sprintf("username %q is already taken", in.Username))
		}
	}
	if strings.TrimSpace(in.Name) == "" {
		p.Add("name", "required", "give the person's full name")
	}
	if strings.TrimSpace(in.Collar) == "" {
		p.Add("collar", "required", "give the collar or staff number")
	}
	if _, err := domain.ParseRank(string(in.Rank)); err != nil {
		p.Add("rank", "one_of", err.Error())
	}
	if _, ok := org.Units[in.UnitID]; !ok {
		p.Add("unit_id", "unknown_unit", fmt.Sprintf("unit %q does not exist", in.UnitID))
	}
	if len(in.Roles) == 0 {
		p.Add("roles", "required", "give at least one role")
	}
	for i, r := range in.Roles {
		if _, err := domain.ParseRole(string(r)); err != nil {
			p.Add(fmt.Sprintf("roles[%d]", i), "one_of", err.Error())
		}
	}
	if len(in.Password) < 12 {
		p.Add("password", "min_length", "use a password of at least 12 characters")
	}
	return p
}

// CreateUser adds a user with a password. Administrators only; the
// password hash is kept outside the log, which must never hold secrets.
func (s *Service) CreateUser(ctx context.Context, a *Actor, in NewUser) (*domain.User, error) {
	hash, err := hashPassword(in.Password)
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
		id := s.newID()
		e, err := domain.NewEvent(domain.EvUserCreated, a.ID(), "", s.clock.Now(), domain.UserCreated{
			ID: id, Username: in.Username, Name: strings.TrimSpace(in.Name), Collar: in.Collar, Email: in.Email,
			Rank: in.Rank, UnitID: in.UnitID, Roles: in.Roles})
		if err != nil {
			return nil, err
		}
		if err := tx.SetPassword(id, hash); err != nil {
			return nil, err
		}
		out, err = projected[domain.User](e)
		return []*event.Event{e}, err
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
	Reason string `json:"reason"`      // why they left (retired, transferred...), for the record
}

// UserLeaves marks a user as gone. Their cases are not moved: the watchdog
// reports them as orphaned until a supervisor reassigns them.
func (s *Service) UserLeaves(ctx context.Context, a *Actor, in UserLeaves) error {
	return s.orgCommand(ctx, a, "record leaver", func(tx store.Tx, org *domain.OrgState) ([]*event.Event, error) {
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
	})
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
