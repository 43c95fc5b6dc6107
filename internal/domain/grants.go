package domain

import (
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/event"
)

// The two-person rule for powerful roles (issue 16, item 8): an
// administrator who gives someone the administrator, auditor, inspector
// or analyst role — the roles that see or change the whole force — only
// asks for it; a second administrator approves or rejects the grant. The
// request and the decision are force-level events (no case id), folded by
// GrantState; an approval also records user.changed, which is what gives
// the roles.

// Grant event types. Never rename one: the string is in the log forever.
const (
	EvGrantRequested = "user.grant_requested"
	EvGrantDecided   = "user.grant_decided"
)

// PowerfulRoles are the roles a grant of needs a second administrator:
// administration itself, the roles with force-wide sight, and the manager,
// who commands a chain and, at the force's top unit, reads and changes
// every case of the force.
var PowerfulRoles = []Role{RoleAdmin, RoleAuditor, RoleInspector, RoleAnalyst, RoleManager}

// CaseworkRoles are the roles that read and change cases in a chain of
// command; an administrator may not give them to themselves.
var CaseworkRoles = []Role{RoleInvestigator, RoleSupervisor, RoleManager, RoleVictimLiaison}

// IsPowerful reports whether granting r needs a second administrator.
func IsPowerful(r Role) bool {
	for _, p := range PowerfulRoles {
		if p == r {
			return true
		}
	}
	return false
}

// IsCasework reports whether r reads and changes cases in a chain of command.
func IsCasework(r Role) bool {
	for _, p := range CaseworkRoles {
		if p == r {
			return true
		}
	}
	return false
}

// GrantRequested asks for roles to be given to a user, or (Remove) taken
// from them: taking the administrator role from another administrator
// waits for a second administrator too, or one administrator could strip
// every other and act alone.
type GrantRequested struct {
	ID     string `json:"id"`
	UserID string `json:"user_id"`
	Roles  []Role `json:"roles"`
	Remove []Role `json:"remove,omitempty"`
}

// GrantDecided approves or rejects a grant.
type GrantDecided struct {
	ID      string `json:"id"`
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"`
}

// Where a grant stands.
const (
	GrantPending  = "pending"
	GrantApproved = "approved"
	GrantRejected = "rejected"
)

// Grant is a request for powerful roles and where it stands.
type Grant struct {
	ID          string    `json:"id"`
	UserID      string    `json:"user_id"`
	Roles       []Role    `json:"roles"`
	Remove      []Role    `json:"remove,omitempty"` // roles to take away
	RequestedBy string    `json:"requested_by"`
	RequestedAt time.Time `json:"requested_at"`
	Status      string    `json:"status"`
	DecidedBy   string    `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Reason      string    `json:"reason,omitempty"`
}

// GrantState is the fold of the grant events.
type GrantState struct {
	Grants map[string]*Grant
	order  []string
}

// NewGrantState is the state before any grant.
func NewGrantState() *GrantState { return &GrantState{Grants: map[string]*Grant{}} }

// IsGrantEvent reports whether typ is a grant event.
func IsGrantEvent(typ string) bool { return typ == EvGrantRequested || typ == EvGrantDecided }

// ApplyGrant folds one grant event.
func (s *GrantState) ApplyGrant(e *event.Event) error {
	switch e.Type {
	case EvGrantRequested:
		p, err := decode[GrantRequested](e)
		if err != nil {
			return err
		}
		if _, dup := s.Grants[p.ID]; dup {
			return fmt.Errorf("event %d: grant %s requested twice", e.Seq, p.ID)
		}
		s.Grants[p.ID] = &Grant{ID: p.ID, UserID: p.UserID, Roles: p.Roles, Remove: p.Remove, RequestedBy: e.Actor,
			RequestedAt: e.At.UTC(), Status: GrantPending}
		s.order = append(s.order, p.ID)
	case EvGrantDecided:
		p, err := decode[GrantDecided](e)
		if err != nil {
			return err
		}
		g, ok := s.Grants[p.ID]
		if !ok || g.Status != GrantPending {
			return fmt.Errorf("event %d: grant %s is not pending", e.Seq, p.ID)
		}
		g.Status, g.DecidedBy, g.DecidedAt, g.Reason = GrantRejected, e.Actor, e.At.UTC(), p.Reason
		if p.Approve {
			g.Status = GrantApproved
		}
	default:
		return fmt.Errorf("event %d: %q is not a grant event", e.Seq, e.Type)
	}
	return nil
}

// List is every grant, newest first.
func (s *GrantState) List() []*Grant {
	out := make([]*Grant, 0, len(s.order))
	for i := len(s.order) - 1; i >= 0; i-- {
		out = append(out, s.Grants[s.order[i]])
	}
	return out
}

// Pending lists the grants waiting for a second administrator, oldest first.
func (s *GrantState) Pending(userID string) []*Grant {
	var out []*Grant
	for _, id := range s.order {
		if g := s.Grants[id]; g.Status == GrantPending && (userID == "" || g.UserID == userID) {
			out = append(out, g)
		}
	}
	return out
}
