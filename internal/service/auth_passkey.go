package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// Passkeys (WebAuthn, github.com/go-webauthn/webauthn) as the second step
// of signing in, instead of a code (docs/security.md). A person adds one on
// Your account; at the second step the browser asks the authenticator to
// sign the server's challenge. The ceremony's challenge is kept by the
// instance that issued it for two minutes (in memory: behind a load
// balancer the two requests of one ceremony must reach the same instance).

// More security event types (auth_log.go lists them for people).
const (
	EvPasskeyAdded = "security.passkey_added"
)

// Passkeys configures WebAuthn for a server reached at origin (scheme,
// host and port as the browser sees it); nil switches passkeys off.
func (s *Service) SetPasskeys(w *webauthn.WebAuthn) { s.wa.Store(w) }

// PasskeysOn reports whether passkeys are configured.
func (s *Service) PasskeysOn() bool { return s.wa.Load() != nil }

// NewWebAuthn makes the WebAuthn relying party for origin (e.g.
// https://holdfast.northshire.police.uk).
func NewWebAuthn(origin string) (*webauthn.WebAuthn, error) {
	host := origin
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.IndexAny(host, ":/"); i >= 0 {
		host = host[:i]
	}
	return webauthn.New(&webauthn.Config{RPID: host, RPDisplayName: "Holdfast", RPOrigins: []string{origin}})
}

type ceremonies struct {
	mu sync.Mutex
	m  map[string]ceremony
}

type ceremony struct {
	data webauthn.SessionData
	exp  time.Time
}

func (c *ceremonies) put(key string, d *webauthn.SessionData) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]ceremony{}
	}
	c.m[key] = ceremony{data: *d, exp: time.Now().Add(2 * time.Minute)}
}

// take returns and forgets a ceremony: each challenge is answered once.
func (c *ceremonies) take(key string) (webauthn.SessionData, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	delete(c.m, key)
	return v.data, ok && time.Now().Before(v.exp)
}

// waUser is a person as go-webauthn sees them.
type waUser struct {
	u     *domain.User
	rows  []store.PasskeyRow
	creds []webauthn.Credential
}

func (w *waUser) WebAuthnID() []byte                         { return []byte(w.u.ID) }
func (w *waUser) WebAuthnName() string                       { return w.u.Username }
func (w *waUser) WebAuthnDisplayName() string                { return w.u.Name }
func (w *waUser) WebAuthnCredentials() []webauthn.Credential { return w.creds }

func (s *Service) waUserOf(ctx context.Context, u *domain.User) (*waUser, error) {
	as, err := s.authStore()
	if err != nil {
		return nil, err
	}
	rows, err := as.Passkeys(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	w := &waUser{u: u, rows: rows}
	for _, r := range rows {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(r.Credential), &c); err != nil {
			return nil, fmt.Errorf("passkey of %s: %w", u.ID, err)
		}
		w.creds = append(w.creds, c)
	}
	return w, nil
}

func (s *Service) webAuthn() (*webauthn.WebAuthn, error) {
	w := s.wa.Load()
	if w == nil {
		return nil, domain.Problems{{Rule: "passkeys_off", Message: "Passkeys are not set up on this server: " +
			"ask your administrator"}}
	}
	return w, nil
}

// BeginPasskey starts adding a passkey for a: the options for the browser's
// navigator.credentials.create.
func (s *Service) BeginPasskey(ctx context.Context, a *Actor) (*protocol.CredentialCreation, error) {
	if a == nil || a.System {
		return nil, ErrUnauthenticated
	}
	w, err := s.webAuthn()
	if err != nil {
		return nil, err
	}
	wu, err := s.waUserOf(ctx, &a.User)
	if err != nil {
		return nil, err
	}
	var exclude []protocol.CredentialDescriptor
	for _, c := range wu.creds {
		exclude = append(exclude, c.Descriptor())
	}
	opts, data, err := w.BeginRegistration(wu, webauthn.WithExclusions(exclude),
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementPreferred))
	if err != nil {
		return nil, err
	}
	s.cer.put("add:"+a.ID(), data)
	return opts, nil
}

// FinishPasskey checks the browser's answer and keeps the new passkey.
func (s *Service) FinishPasskey(ctx context.Context, a *Actor, name string, answer []byte) error {
	if a == nil || a.System {
		return ErrUnauthenticated
	}
	w, err := s.webAuthn()
	if err != nil {
		return err
	}
	data, ok := s.cer.take("add:" + a.ID())
	if !ok {
		return domain.Problems{{Field: "passkey", Rule: "expired", Message: "That took too long: add the passkey again"}}
	}
	parsed, err := protocol.ParseCredentialCreationResponseBody(bytes.NewReader(answer))
	if err != nil {
		return domain.Problems{{Field: "passkey", Rule: "unreadable", Message: "The browser's answer could not be read: try again"}}
	}
	wu, err := s.waUserOf(ctx, &a.User)
	if err != nil {
		return err
	}
	cred, err := w.CreateCredential(wu, data, parsed)
	if err != nil {
		return domain.Problems{{Field: "passkey", Rule: "refused", Message: "The passkey was not accepted: try again"}}
	}
	b, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Passkey"
	}
	now := s.clock.Now().UTC()
	return s.st.Write(ctx, func(tx store.Tx) error {
		if err := tx.(store.AuthTx).AddPasskey(store.PasskeyRow{ID: cred.ID, UserID: a.ID(), Name: clipText(name, 60),
			Credential: string(b), Created: now}); err != nil {
			return err
		}
		return s.secEvent(ctx, tx, EvPasskeyAdded, a.ID(), SecurityEvent{UserID: a.ID(), Subject: a.User.Username,
			Detail: fmt.Sprintf("passkey %q", name)})
	})
}

// MyPasskeys lists a's passkeys (names and dates).
func (s *Service) MyPasskeys(ctx context.Context, a *Actor) ([]store.PasskeyRow, error) {
	if a == nil || a.System {
		return nil, ErrUnauthenticated
	}
	as, err := s.authStore()
	if err != nil {
		return nil, err
	}
	return as.Passkeys(ctx, a.ID())
}

// BeginPasskeyStep starts the second step with a passkey for a sign-in
// waiting for it (token): the options for navigator.credentials.get.
func (s *Service) BeginPasskeyStep(ctx context.Context, token string) (*protocol.CredentialAssertion, error) {
	w, err := s.webAuthn()
	if err != nil {
		return nil, err
	}
	a, stage, err := s.PendingSignIn(ctx, token)
	if err != nil {
		return nil, err
	}
	if stage != StageMFA {
		return nil, fmt.Errorf("sign in again: %w", ErrUnauthenticated)
	}
	wu, err := s.waUserOf(ctx, &a.User)
	if err != nil {
		return nil, err
	}
	if len(wu.creds) == 0 {
		return nil, domain.Problems{{Field: "passkey", Rule: "none", Message: "You have no passkey: enter a code instead"}}
	}
	opts, data, err := w.BeginLogin(wu)
	if err != nil {
		return nil, err
	}
	s.cer.put("step:"+SessionID(tokenHash(token)), data)
	return opts, nil
}

// FinishPasskeyStep checks the authenticator's signature and finishes the
// sign-in: the session returned replaces the half-finished one. A refusal
// counts towards the lockout like a wrong code.
func (s *Service) FinishPasskeyStep(ctx context.Context, token string, answer []byte) (*Session, error) {
	w, err := s.webAuthn()
	if err != nil {
		return nil, err
	}
	as, err := s.authStore()
	if err != nil {
		return nil, err
	}
	a, stage, err := s.PendingSignIn(ctx, token)
	if err != nil {
		return nil, err
	}
	if stage != StageMFA {
		return nil, fmt.Errorf("sign in again: %w", ErrUnauthenticated)
	}
	u := &a.User
	pol := s.Policy().Auth
	now := s.clock.Now()
	lock, err := s.lockStateOf(ctx, as, u.Username, ClientOf(ctx).Address, now, pol)
	if err != nil {
		return nil, fmt.Errorf("sign in: %w: %w", ErrUnavailable, err)
	}
	data, ok := s.cer.take("step:" + SessionID(tokenHash(token)))
	var cred *webauthn.Credential
	why := "passkey not accepted"
	if ok && lock.locked.IsZero() {
		wu, err := s.waUserOf(ctx, u)
		if err != nil {
			return nil, err
		}
		if parsed, err := protocol.ParseCredentialRequestResponseBody(bytes.NewReader(answer)); err == nil {
			if cred, err = w.ValidateLogin(wu, data, parsed); err != nil {
				cred = nil
			}
		}
	} else if !lock.locked.IsZero() {
		why = lock.reason()
	}
	if cred == nil {
		s.signInFailed(ctx, u, u.Username, why, lock, pol, now)
		return nil, fmt.Errorf("the passkey was not accepted: try again, or enter a code: %w", ErrUnauthenticated)
	}
	b, _ := json.Marshal(cred)
	err = s.st.Write(ctx, func(tx store.Tx) error {
		ax := tx.(store.AuthTx)
		if err := ax.UsePasskey(cred.ID, string(b), now); err != nil {
			return err
		}
		_, err := ax.EndSession(u.ID, tokenHash(token))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	return s.openSession(ctx, as, u, now, pol, "", "with a passkey")
}
