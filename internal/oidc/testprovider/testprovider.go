// Package testprovider is a real OpenID Connect provider for tests, run
// in-process on loopback: discovery and signing keys (go-oidc's oidctest),
// an authorization endpoint that signs in whoever the test says, and a token
// endpoint that checks the client, the single-use code and PKCE (S256), then
// issues an RS256 ID token. A test can make it misbehave (Mode) to check
// that Holdfast refuses each bad answer.
package testprovider

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc/oidctest"
)

// Modes of misbehaviour.
const (
	OK             = ""
	WrongAudience  = "wrong-audience"
	Expired        = "expired"
	NotYetValid    = "not-yet-valid"
	BadSignature   = "bad-signature"
	AlgNone        = "alg-none"
	WrongNonce     = "wrong-nonce"
	WrongIssuer    = "wrong-issuer"
	ClientID       = "holdfast"
	ClientSecret   = "test-client-secret"
	keyID          = "test-key"
	defaultSubject = "sub-0001"
)

// Provider is a running test provider.
type Provider struct {
	URL string

	mu     sync.Mutex
	mode   string
	claims map[string]any
	codes  map[string]grant
	key    *rsa.PrivateKey
	other  *rsa.PrivateKey
}

type grant struct {
	nonce, challenge, redirect string
	claims                     map[string]any
}

// New starts a provider, stopped when t ends.
func New(t testing.TB) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	p := &Provider{key: key, other: other, codes: map[string]grant{}, claims: map[string]any{}}
	disc := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: keyID,
		Algorithm: "RS256"}}}
	mux := http.NewServeMux()
	mux.Handle("/.well-known/openid-configuration", disc)
	mux.Handle("/keys", disc)
	mux.HandleFunc("/auth", p.authorize)
	mux.HandleFunc("/token", p.token)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	disc.SetIssuer(srv.URL)
	p.URL = srv.URL
	return p
}

// SignInAs makes the next sign-ins those of a person with these claims
// (preferred_username, email, collar_number, sub).
func (p *Provider) SignInAs(claims map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.claims = claims
}

// SetMode makes the provider misbehave (OK: behave).
func (p *Provider) SetMode(m string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = m
}

func random() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || q.Get("redirect_uri") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	code := random()
	claims := map[string]any{}
	for k, v := range p.claims {
		claims[k] = v
	}
	p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"),
		claims: claims}
	p.mu.Unlock()
	to, _ := url.Parse(q.Get("redirect_uri"))
	v := to.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	to.RawQuery = v.Encode()
	http.Redirect(w, r, to.String(), http.StatusSeeOther)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(ClientSecret)) != 1 {
		tokenError(w, "invalid_client")
		return
	}
	p.mu.Lock()
	g, found := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code")) // single use
	mode := p.mode
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !found || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != g.redirect:
		tokenError(w, "invalid_grant")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		tokenError(w, "invalid_grant") // PKCE
		return
	}
	now := time.Now()
	claims := map[string]any{"iss": p.URL, "aud": ClientID, "sub": defaultSubject, "nonce": g.nonce,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	for k, v := range g.claims {
		claims[k] = v
	}
	key := p.key
	switch mode {
	case WrongAudience:
		claims["aud"] = "another-client"
	case Expired:
		claims["iat"], claims["exp"] = now.Add(-time.Hour).Unix(), now.Add(-30*time.Minute).Unix()
	case NotYetValid:
		claims["nbf"] = now.Add(time.Hour).Unix()
	case WrongNonce:
		claims["nonce"] = "not-the-nonce"
	case WrongIssuer:
		claims["iss"] = "https://evil.example"
	case BadSignature:
		key = p.other
	}
	b, _ := json.Marshal(claims)
	idt := oidctest.SignIDToken(key, keyID, "RS256", string(b))
	if mode == AlgNone {
		idt = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
			base64.RawURLEncoding.EncodeToString(b) + "."
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": random(), "token_type": "Bearer", "expires_in": 300,
		"id_token": idt})
}

func tokenError(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": code})
}
