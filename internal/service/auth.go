package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// SessionLifetime bounds a browser session; officers sign in each shift.
const SessionLifetime = 12 * time.Hour

// argonParams follow RFC 9106's second recommended option, scaled for a
// 2-core server: 64 MiB, 1 pass would be the first; we keep memory modest.
var argonParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func hashPassword(pw string) (string, error) {
	h, err := argon2id.CreateHash(pw, argonParams)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

func randomToken() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, tokenHash(tok)
}

// tokenHash is what we store: a stolen database does not yield live tokens.
func tokenHash(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// Session is what a browser holds after signing in.
type Session struct {
	Token   string
	CSRF    string
	Expires time.Time
	Actor   *Actor
}

// SignIn checks a password and opens a session. The same error is given for
// an unknown user, a wrong password and a leaver, so names cannot be probed.
func (s *Service) SignIn(ctx context.Context, username, password string) (*Session, error) {
	bad := fmt.Errorf("sign in: the username or password is not right: %w", ErrUnauthenticated)
	u, err := s.st.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		argon2id.ComparePasswordAndHash(password, dummyHash) // equal time
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	hash, err := s.st.PasswordHash(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("sign in: %w: %w", ErrUnavailable, err)
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil || !ok || !u.Active {
		return nil, bad
	}
	tok, th := randomToken()
	csrf, _ := randomToken()
	sess := store.Session{TokenHash: th, UserID: u.ID, CSRF: csrf, Expires: s.clock.Now().Add(SessionLifetime)}
	if err := s.st.Write(ctx, func(tx store.Tx) error { return tx.CreateSession(sess) }); err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	return &Session{Token: tok, CSRF: csrf, Expires: sess.Expires, Actor: &Actor{User: *u}}, nil
}

var dummyHash, _ = hashPassword("not a real password, only for timing")

// SessionActor resolves a session cookie to its actor and CSRF token.
func (s *Service) SessionActor(ctx context.Context, token string) (*Actor, string, error) {
	sess, err := s.st.Session(ctx, tokenHash(token), s.clock.Now())
	if err != nil {
		return nil, "", notSignedIn("check the session", err)
	}
	a, err := s.actor(ctx, sess.UserID)
	if err != nil {
		return nil, "", err
	}
	return a, sess.CSRF, nil
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.st.DeleteSession(ctx, tokenHash(token))
}

// CreateToken issues an API token for the actor's own use by an
// integration. Only its hash is kept; the token is shown once.
func (s *Service) CreateToken(ctx context.Context, a *Actor, name string) (string, error) {
	if a == nil || a.System {
		return "", ErrUnauthenticated
	}
	if name == "" {
		return "", domain.Problems{
			{Field: "name", Rule: "required", Message: "name the token after the integration that will use it"},
		}
	}
	tok, th := randomToken()
	tok = "hf_" + tok
	th = tokenHash(tok)
	if err := s.st.Write(ctx, func(tx store.Tx) error { return tx.CreateToken(th, a.ID(), name, s.clock.Now()) }); err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	return tok, nil
}

// TokenActor resolves an API token.
func (s *Service) TokenActor(ctx context.Context, token string) (*Actor, error) {
	id, err := s.st.TokenUser(ctx, tokenHash(token))
	if err != nil {
		return nil, notSignedIn("check the API token", err)
	}
	return s.actor(ctx, id)
}

func (s *Service) actor(ctx context.Context, userID string) (*Actor, error) {
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, notSignedIn("read who is signed in", err)
	}
	u, ok := org.Users[userID]
	if !ok || !u.Active {
		return nil, ErrUnauthenticated
	}
	return &Actor{User: *u}, nil
}

// Bootstrap creates a force and its first administrator when the record is
// empty. It is how `holdfast serve` and `holdfast user add` start a force.
func (s *Service) Bootstrap(ctx context.Context, forceName string, admin NewUser) (*domain.User, error) {
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	sys := SystemActor("bootstrap")
	sys.User.Roles = []domain.Role{domain.RoleAdmin}
	if admin.UnitID == "" {
		var force *domain.Unit
		for _, u := range org.Units {
			if u.Kind == domain.UnitForce {
				force = u
				break
			}
		}
		if force == nil {
			if force, err = s.CreateUnit(ctx, sys, NewUnit{Name: forceName, Kind: domain.UnitForce}); err != nil {
				return nil, err
			}
		}
		admin.UnitID = force.ID
	}
	return s.CreateUser(ctx, sys, admin)
}

// notSignedIn turns a failed look-up of who a request is from into the
// answer the client must act on. Only "no such session or token" means
// "sign in"; any other failure is the database's, and answering 401 for it
// would send a browser to the sign-in page (losing what was typed) and tell
// an integration its token was revoked. So it is ErrUnavailable (503), with
// the cause kept for the log.
func notSignedIn(what string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return ErrUnauthenticated
	}
	return fmt.Errorf("%s: %w: %w", what, ErrUnavailable, err)
}
