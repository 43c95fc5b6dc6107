// Package oidc signs officers in through their force's identity provider
// (OpenID Connect, authorization code flow with PKCE, state and nonce),
// with github.com/coreos/go-oidc/v3 and golang.org/x/oauth2. It only proves
// who the provider says signed in; the service decides whether that person
// may (docs/security.md).
package oidc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config is one force's provider.
type Config struct {
	Issuer       string // e.g. https://login.microsoftonline.com/TENANT/v2.0
	ClientID     string
	ClientSecret string
	RedirectURL  string // this server's /sign-in/oidc/callback, as registered
	// Claim names the officer: "username" (preferred_username), "email"
	// or "collar" (a custom claim, collar_number).
	Claim string
	// Name is what the sign-in button calls the provider.
	Name string
}

// ClaimNames maps Config.Claim to the ID token claim read.
var ClaimNames = map[string]string{"username": "preferred_username", "email": "email", "collar": "collar_number"}

// Check reports what is wrong with c, if anything.
func (c Config) Check() error {
	var bad []string
	if !strings.HasPrefix(c.Issuer, "https://") && !strings.HasPrefix(c.Issuer, "http://127.0.0.1") &&
		!strings.HasPrefix(c.Issuer, "http://localhost") {
		bad = append(bad, "the issuer must be an https:// URL")
	}
	if c.ClientID == "" {
		bad = append(bad, "a client id is needed")
	}
	if c.RedirectURL == "" {
		bad = append(bad, "a redirect URL (this server's /sign-in/oidc/callback) is needed")
	}
	if ClaimNames[c.Claim] == "" {
		bad = append(bad, "the claim must be username, email or collar")
	}
	if len(bad) > 0 {
		return errors.New("OpenID Connect: " + strings.Join(bad, "; "))
	}
	return nil
}

// Client talks to the provider. Discovery happens on first use, so a
// provider that is down at start does not stop the server.
type Client struct {
	cfg      Config
	mu       sync.Mutex
	provider *gooidc.Provider
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if cfg.Name == "" {
		cfg.Name = "your force's sign-in"
	}
	return &Client{cfg: cfg}, nil
}

// Name is what the sign-in page calls the provider.
func (c *Client) Name() string { return c.cfg.Name }

// Claim is the configured claim kind (username, email or collar).
func (c *Client) Claim() string { return c.cfg.Claim }

func (c *Client) setup(ctx context.Context) (*gooidc.Provider, *oauth2.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider == nil {
		p, err := gooidc.NewProvider(ctx, c.cfg.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("the identity provider %s cannot be reached: %w", c.cfg.Issuer, err)
		}
		c.provider = p
	}
	oc := &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: c.provider.Endpoint(), Scopes: []string{gooidc.ScopeOpenID, "profile", "email"}}
	return c.provider, oc, nil
}

// Flow is one sign-in's secrets, kept by the browser (in a cookie) between
// leaving for the provider and coming back.
type Flow struct {
	State, Nonce, Verifier string
}

func random() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Start begins a sign-in: the provider's URL to send the browser to, and
// the flow to keep.
func (c *Client) Start(ctx context.Context) (string, Flow, error) {
	_, oc, err := c.setup(ctx)
	if err != nil {
		return "", Flow{}, err
	}
	f := Flow{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
	return oc.AuthCodeURL(f.State, gooidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), f, nil
}

// Identity is who the provider says signed in.
type Identity struct {
	Subject string
	Value   string // the configured claim's value
}

// ErrRefused wraps every reason a response from the provider is refused.
var ErrRefused = errors.New("the sign-in through the identity provider was refused")

// Finish checks the provider's answer (state, code) against the flow kept
// by the browser: the state must match, the code is exchanged with the
// PKCE verifier, the ID token must be signed by the provider's key (RS256
// or ES256; never "none"), be for this client, unexpired, and carry the
// flow's nonce.
func (c *Client) Finish(ctx context.Context, f Flow, state, code string) (*Identity, error) {
	if f.State == "" || subtle.ConstantTimeCompare([]byte(f.State), []byte(state)) != 1 {
		return nil, fmt.Errorf("%w: the state does not match this browser's sign-in", ErrRefused)
	}
	if code == "" {
		return nil, fmt.Errorf("%w: no code came back", ErrRefused)
	}
	p, oc, err := c.setup(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return nil, fmt.Errorf("%w: the code was not accepted: %v", ErrRefused, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fmt.Errorf("%w: no ID token", ErrRefused)
	}
	v := p.Verifier(&gooidc.Config{ClientID: c.cfg.ClientID, SupportedSigningAlgs: []string{gooidc.RS256,
		gooidc.ES256, gooidc.PS256}})
	idt, err := v.Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: the ID token: %v", ErrRefused, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return nil, fmt.Errorf("%w: the ID token's nonce is not this sign-in's", ErrRefused)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("%w: the ID token's claims: %v", ErrRefused, err)
	}
	val, _ := claims[ClaimNames[c.cfg.Claim]].(string)
	if strings.TrimSpace(val) == "" {
		return nil, fmt.Errorf("%w: the ID token has no %s", ErrRefused, ClaimNames[c.cfg.Claim])
	}
	return &Identity{Subject: idt.Subject, Value: strings.TrimSpace(val)}, nil
}
