package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/oidc"
)

// Signing in through the force's identity provider (OpenID Connect,
// internal/oidc): the provider proves who signed in; here Holdfast decides
// whether that person may — a serving officer whose username, email or
// collar number (as configured) is the token's — and opens a session. The
// provider is responsible for their second factor; the local one is not
// asked again. Every success and refusal is in the security log.

// SetIdentityProvider puts c in use for signing in (nil: none).
func (s *Service) SetIdentityProvider(c *oidc.Client) { s.idp.Store(c) }

// IdentityProvider is the force's provider, or nil.
func (s *Service) IdentityProvider() *oidc.Client { return s.idp.Load() }

// SignInWithIdentity opens a session for the person the provider vouched
// for, found by the configured claim; refused (and recorded) for someone
// unknown or who has left.
func (s *Service) SignInWithIdentity(ctx context.Context, id *oidc.Identity) (*Session, error) {
	c := s.IdentityProvider()
	if c == nil || id == nil {
		return nil, fmt.Errorf("no identity provider is set up: %w", ErrUnauthenticated)
	}
	as, err := s.authStore()
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, notSignedIn("read who is signing in", err)
	}
	var u *domain.User
	for _, cand := range org.Users {
		var v string
		switch c.Claim() {
		case "email":
			v = cand.Email
		case "collar":
			v = cand.Collar
		default:
			v = cand.Username
		}
		if v != "" && strings.EqualFold(v, id.Value) {
			u = cand
			break
		}
	}
	why := ""
	switch {
	case u == nil:
		why = fmt.Sprintf("no officer has the %s %q", c.Claim(), clipText(id.Value, 64))
	case !u.Active:
		why = "the officer has left"
	}
	if why != "" {
		s.IdentityRefused(ctx, u, id.Value, why)
		return nil, fmt.Errorf("%s: ask your administrator: %w", "your force's sign-in worked, but Holdfast does not "+
			"know you as a serving officer", ErrUnauthenticated)
	}
	return s.openSession(ctx, as, u, s.clock.Now(), s.Policy().Auth, "",
		"through the force's identity provider (subject "+clipText(id.Subject, 64)+")")
}

// IdentityRefused records a sign-in through the provider that was refused:
// a bad or replayed response, or a person Holdfast does not admit.
func (s *Service) IdentityRefused(ctx context.Context, u *domain.User, subject, why string) {
	user := ""
	if u != nil {
		user = u.ID
	}
	s.recordSecurity(context.WithoutCancel(ctx), EvSignInFailed, "", SecurityEvent{UserID: user, Subject: subject,
		Detail: "OpenID Connect: " + why})
}
