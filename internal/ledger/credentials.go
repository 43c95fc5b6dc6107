package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// Credentials are secrets, so the log never holds them; a password hash or
// an API token swapped in the database would then leave no trace. So the
// service seals each one where it is issued: in the transaction that
// creates a user, sets a password or issues a token it records in the log
// a digest of the credential (EvCredentialsSealed with AtIssue), and the
// checkpoint — signed, and cosigned by witnesses — covers it. Once the log
// holds a seal made at issue, every credential must have been sealed: one
// the log never sealed was planted outside the service, whenever it was
// planted, and `holdfast rebuild` names it (as it names a sealed one that
// differs, or one deleted). Records from before sealing at issue had the
// ledger seal new credentials before each checkpoint instead; it still
// does for those (a user created before the first seal at issue, or any
// token while no seal at issue exists), whose limit was the first seal:
// see docs/security.md.

// EvCredentialsSealed is the ledger's own event: digests of credentials
// first seen since the last seal. The string is in the log forever.
const EvCredentialsSealed = "ledger.credentials_sealed"

// CredentialsSealed is its payload. Digests are SHA-256 over what is stored
// (sqlstore.Credential), never the secret.
type CredentialsSealed struct {
	Passwords map[string]string `json:"passwords,omitempty"` // user id → digest
	Tokens    map[string]string `json:"tokens,omitempty"`    // token hash (hex) → digest
	// AtIssue says the service sealed these where it issued them; from the
	// first such seal on, an unsealed credential is never sealed later.
	AtIssue bool `json:"at_issue,omitempty"`
}

// sealActor is who the log says sealed them.
const sealActor = "system:ledger"

// Seals is what the log says of credentials: the digests sealed, the users
// it created, and where the last seal was.
type Seals struct {
	Passwords map[string]string
	Tokens    map[string]string
	Users     map[string]bool
	Any       bool // a seal has been recorded
	LastSeq   int64
	// AtIssue is the sequence number of the first seal made at issue (0:
	// none), and createdAt each user's user.created: a password of a user
	// created after it must have been sealed where it was set, and so
	// must every token.
	AtIssue   int64
	createdAt map[string]int64
	scanned   int64
}

// NewSeals returns an empty fold.
func NewSeals() *Seals {
	return &Seals{Passwords: map[string]string{}, Tokens: map[string]string{}, Users: map[string]bool{},
		createdAt: map[string]int64{}}
}

// Add folds one event in.
func (s *Seals) Add(e *event.Event) error {
	s.scanned = e.Seq
	switch e.Type {
	case domain.EvUserCreated:
		var p domain.UserCreated
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		s.Users[p.ID] = true
		s.createdAt[p.ID] = e.Seq
	case EvCredentialsSealed:
		var p CredentialsSealed
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		for k, v := range p.Passwords {
			s.Passwords[k] = v
		}
		for k, v := range p.Tokens {
			s.Tokens[k] = v
		}
		s.Any, s.LastSeq = true, e.Seq
		if p.AtIssue && s.AtIssue == 0 {
			s.AtIssue = e.Seq
		}
	}
	return nil
}

// credentialStore reads credentials as digests (sqlstore.DB).
type credentialStore interface {
	Credentials(ctx context.Context) ([]sqlstore.Credential, error)
}

// CredentialProblem is a credential stored that the seals do not explain.
type CredentialProblem struct {
	Credential sqlstore.Credential
	Problem    string
}

func (p CredentialProblem) String() string {
	what := "the password of user " + p.Credential.UserID
	if p.Credential.Kind == "token" {
		what = fmt.Sprintf("API token %.12s… of user %s", p.Credential.Key, p.Credential.UserID)
	}
	return what + " " + p.Problem
}

// Check compares the credentials stored with the seals. New credentials
// not yet sealed (of a user created after the last seal, or any token when
// nothing was sealed since) are to seal, not problems; pending says so.
func (s *Seals) Check(live []sqlstore.Credential) (toSeal []sqlstore.Credential, problems []CredentialProblem) {
	seenP, seenT := map[string]bool{}, map[string]bool{}
	for _, c := range live {
		sealed, ok := s.Passwords[c.Key]
		if c.Kind == "token" {
			sealed, ok = s.Tokens[c.Key]
			seenT[c.Key] = true
		} else {
			seenP[c.Key] = true
		}
		switch {
		case ok && sealed != c.Digest:
			problems = append(
				problems,
				CredentialProblem{c, "was changed outside the service: it differs from the digest sealed in the log"},
			)
		case ok:
		case c.Kind == "password" && !s.Users[c.UserID]:
			problems = append(problems, CredentialProblem{c, "belongs to no user the log created"})
		case c.Kind == "token" && !s.Users[c.UserID]:
			problems = append(problems, CredentialProblem{c, "was issued to no user the log created"})
		case s.mustBeSealed(c):
			problems = append(problems, CredentialProblem{c, "was never sealed in the log: the service seals " +
				"every credential where it issues it, so this one was put there outside the service"})
		default:
			toSeal = append(toSeal, c)
		}
	}
	for _, k := range sortedKeys(s.Passwords) {
		if !seenP[k] {
			problems = append(problems, CredentialProblem{sqlstore.Credential{Kind: "password", UserID: k, Key: k},
				"was deleted outside the service: the log sealed it"})
		}
	}
	for _, k := range sortedKeys(s.Tokens) {
		if !seenT[k] {
			problems = append(problems, CredentialProblem{sqlstore.Credential{Kind: "token", Key: k},
				"was deleted outside the service: the log sealed it"})
		}
	}
	return toSeal, problems
}

// mustBeSealed reports whether c should have been sealed where it was
// issued: any token once the log holds a seal made at issue, and the
// password of a user created after that seal.
func (s *Seals) mustBeSealed(c sqlstore.Credential) bool {
	if s.AtIssue == 0 {
		return false
	}
	return c.Kind == "token" || s.createdAt[c.UserID] > s.AtIssue
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sealCredentials records in the log the digest of every credential first
// seen since the last seal, and logs any that changed. It runs before each
// checkpoint is signed, so the checkpoint covers the seal.
func (l *Log) sealCredentials(ctx context.Context) error {
	cs, ok := l.st.(credentialStore)
	if !ok {
		return nil
	}
	if l.seals == nil {
		l.seals = NewSeals()
	}
	head, err := l.st.LatestSeq(ctx)
	if err != nil {
		return err
	}
	if head > l.seals.scanned {
		if err := l.st.ScanEvents(ctx, l.seals.scanned+1, head, l.seals.Add); err != nil {
			return err
		}
		l.seals.scanned = head
	}
	live, err := cs.Credentials(ctx)
	if err != nil {
		return err
	}
	toSeal, problems := l.seals.Check(live)
	for _, p := range problems {
		slog.Error("ledger: a credential was altered outside the service; it is not sealed", "problem", p.String())
	}
	if len(toSeal) == 0 {
		return nil
	}
	p := CredentialsSealed{Passwords: map[string]string{}, Tokens: map[string]string{}}
	for _, c := range toSeal {
		if c.Kind == "token" {
			p.Tokens[c.Key] = c.Digest
		} else {
			p.Passwords[c.Key] = c.Digest
		}
	}
	e, err := domain.NewEvent(EvCredentialsSealed, sealActor, "", l.now(), p)
	if err != nil {
		return err
	}
	if err := l.st.Write(ctx, func(tx store.Tx) error { return tx.Append(e) }); err != nil {
		return fmt.Errorf("seal credentials: %w", err)
	}
	return nil
}
