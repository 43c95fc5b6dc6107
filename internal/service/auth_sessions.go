package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// Sessions (docs/security.md): a person may list their own sessions and end
// any or all of them; every session of a user ends when their roles, rank
// or team change or they leave, so a privilege change always means signing
// in again.

// SessionView is a session as its owner sees it.
type SessionView struct {
	ID        string    `json:"id"`
	Created   time.Time `json:"created,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	Expires   time.Time `json:"expires"`
	Address   string    `json:"address,omitempty"`
	UserAgent string    `json:"user_agent,omitempty"`
	Current   bool      `json:"current"`
}

// MySessions lists the actor's sessions, marking the one token belongs to.
func (s *Service) MySessions(ctx context.Context, a *Actor, token string) ([]SessionView, error) {
	if a == nil || a.System {
		return nil, ErrUnauthenticated
	}
	as, err := s.authStore()
	if err != nil {
		return nil, err
	}
	rows, err := as.UserSessions(ctx, a.ID())
	if err != nil {
		return nil, err
	}
	cur := ""
	if token != "" {
		cur = SessionID(tokenHash(token))
	}
	out := []SessionView{}
	now := s.clock.Now()
	idle := s.Policy().Auth.SessionIdle
	for _, r := range rows {
		if !now.Before(r.Expires) || (!r.LastSeen.IsZero() && now.Sub(r.LastSeen) >= idle) {
			continue // ended, though not yet swept
		}
		id := SessionID(r.TokenHash)
		out = append(out, SessionView{ID: id, Created: r.Created, LastSeen: r.LastSeen, Expires: r.Expires,
			Address: r.Address, UserAgent: r.UserAgent, Current: id == cur})
	}
	return out, nil
}

// EndSessionsIn says which of your sessions to end: one by ID, or All
// (every one, this one included: "sign out everywhere"), or Others.
type EndSessionsIn struct {
	ID     string `json:"id,omitempty"`
	All    bool   `json:"all,omitempty"`
	Others bool   `json:"others,omitempty"`
}

// EndMySessions ends sessions of the actor's. token is the current session's
// (kept by Others). It reports how many ended.
func (s *Service) EndMySessions(ctx context.Context, a *Actor, token string, in EndSessionsIn) (int, error) {
	if err := checkInput(in); err != nil {
		return 0, err
	}
	if a == nil || a.System {
		return 0, ErrUnauthenticated
	}
	if in.ID == "" && !in.All && !in.Others {
		return 0, domain.Problems{{Field: "id", Rule: "required", Message: "Choose a session to end, or all of them"}}
	}
	as, err := s.authStore()
	if err != nil {
		return 0, err
	}
	var one []byte
	if in.ID != "" {
		rows, err := as.UserSessions(ctx, a.ID())
		if err != nil {
			return 0, err
		}
		for _, r := range rows {
			if SessionID(r.TokenHash) == in.ID {
				one = r.TokenHash
			}
		}
		if one == nil {
			return 0, fmt.Errorf("no session %q of yours: it may have ended already: %w", in.ID, ErrNotFound)
		}
	}
	var keep []byte
	if in.Others && token != "" {
		keep = tokenHash(token)
	}
	n := 0
	err = s.st.Write(ctx, func(tx store.Tx) error {
		ax := tx.(store.AuthTx)
		var err error
		detail := "Every session"
		switch {
		case one != nil:
			n, err = ax.EndSession(a.ID(), one)
			detail = "One session" // its reference, for the CSV, follows in brackets
		case keep != nil:
			n, err = ax.EndSessions(a.ID(), keep)
			detail = "Every other session"
		default:
			n, err = ax.EndSessions(a.ID(), nil)
		}
		if err != nil || n == 0 {
			return err
		}
		return s.secEvent(ctx, tx, EvSessionsEnded, a.ID(), SecurityEvent{UserID: a.ID(),
			Detail: sessionsEnded(detail, in.ID, one != nil, n)})
	})
	return n, err
}

// endSessionsOnChange ends every session of a user whose roles, rank or team
// an organisation event e changes, or who leaves, in the event's own
// transaction: they sign in again under what they now are.
func (s *Service) endSessionsOnChange(ctx context.Context, tx store.Tx, a *Actor, e *event.Event) error {
	var id, why string
	switch e.Type {
	case domain.EvUserLeft:
		var p domain.UserLeft
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return err
		}
		id, why = p.ID, "the user left"
	case domain.EvUserChanged:
		var p domain.UserChanged
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return err
		}
		if p.Roles == nil && !p.NoRoles && p.Rank == nil && p.UnitID == nil {
			return nil
		}
		id, why = p.ID, "the user's roles, rank or team changed"
	default:
		return nil
	}
	ax, ok := tx.(store.AuthTx)
	if !ok {
		return errors.New("end sessions: the store keeps no sessions")
	}
	n, err := ax.EndSessions(id, nil)
	if err != nil || n == 0 {
		return err
	}
	actor := ""
	if a != nil {
		actor = a.ID()
	}
	return s.secEvent(ctx, tx, EvSessionsEnded, actor, SecurityEvent{UserID: id,
		Detail: fmt.Sprintf("%s (%d ended)", why, n)})
}

// sessionsEnded says in words which sessions their owner ended; one
// session's reference goes last, in brackets, for investigators (the
// security log's page leaves it out).
func sessionsEnded(which, id string, one bool, n int) string {
	if one {
		return which + " ended by its owner (session " + id + ")"
	}
	if n == 1 {
		return which + " ended by their owner: 1 session"
	}
	return fmt.Sprintf("%s ended by their owner: %d sessions", which, n)
}
