// Package service is the one door to the record: every command and query,
// from the web, the API, the CLI or the importer, is authorised here.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/google/uuid"

	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/oidc"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store"
)

var (
	// ErrUnauthenticated means no valid sign-in came with the request.
	ErrUnauthenticated = errors.New("not signed in")
	// ErrForbidden means the actor's roles do not allow the command.
	ErrForbidden = errors.New("not allowed")
	// ErrNotFound means the thing does not exist or is outside the actor's need to know.
	ErrNotFound = store.ErrNotFound
	// ErrConflict means the command was based on a version that has moved on.
	ErrConflict = store.ErrConflict
	// ErrUnavailable means the database could not answer: retry later.
	ErrUnavailable = store.ErrUnavailable
)

// Reactor is told of every case command's events inside its transaction and
// may add events of its own: this is where duties are opened and met.
type Reactor func(c *domain.Case, org *domain.OrgState, evs []*event.Event, now time.Time) ([]*event.Event, error)

// Options configure a Service. Zero values get sensible defaults.
type Options struct {
	Clock  clock.Clock
	NewID  func() string
	Logger *slog.Logger
	// Reactors run, in order, after each case command.
	Reactors []Reactor
	// Policy and Calendar decide duties and gates (defaults: the shipped
	// policy and the embedded England-and-Wales calendar).
	Policy   *policy.Policy
	Calendar *calendar.Calendar
	// Mail, if set, is told of each escalation the watchdog commits.
	Mail Mailer
	// Ledger, if set, is served through Service.Ledger; LedgerKey is its
	// public key as published to inspectors.
	Ledger    *ledger.Log
	LedgerKey string
}

// Service holds the commands and queries.
type Service struct {
	st       store.Store
	clock    clock.Clock
	newID    func() string
	log      *slog.Logger
	reactors []Reactor
	// pol is the policy in force. A running server may replace it (a
	// policy file edited and reloaded), so it is read through an atomic
	// pointer: each reader sees one whole policy, old or new.
	pol  atomic.Pointer[policy.Policy]
	cal  *calendar.Calendar
	mail Mailer

	ledger    *ledger.Log
	ledgerKey string

	dashMu  sync.Mutex
	dash    *dashTeams
	dashRun *dashRun // the computation under way, if any (dashboard.go)

	boardLimit int // BoardLimit; tests lower it
	// birthMost is BirthDateSearchMost; tests lower it.
	birthMost int

	gate *hashGate                         // sign-in throttling (auth_guard.go)
	idp  atomic.Pointer[oidc.Client]       // the force's identity provider (auth_oidc.go)
	wa   atomic.Pointer[webauthn.WebAuthn] // passkeys (auth_passkey.go)
	cer  ceremonies                        // passkey challenges in flight
}

// New returns a service over st.
func New(st store.Store, o Options) *Service {
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.NewID == nil {
		o.NewID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Policy == nil {
		o.Policy = policy.Default()
	}
	if o.Calendar == nil {
		o.Calendar = calendar.Default()
	}
	s := &Service{
		st:         st,
		clock:      o.Clock,
		newID:      o.NewID,
		log:        o.Logger,
		cal:        o.Calendar,
		mail:       o.Mail,
		ledger:     o.Ledger,
		ledgerKey:  o.LedgerKey,
		boardLimit: BoardLimit,
		birthMost:  BirthDateSearchMost,
		gate:       newHashGate(HashSlots),
	}
	s.pol.Store(o.Policy)
	// Duties come last: they follow from everything the other reactors did.
	s.reactors = append(append([]Reactor{}, o.Reactors...), s.dutyReactor)
	return s
}

// Policy is the policy in force. A caller that consults it more than once
// for one decision should keep the pointer: a reload may replace it.
func (s *Service) Policy() *policy.Policy { return s.pol.Load() }

// SetPolicy puts p in force for every command and sweep that starts after
// it. p must be a validated policy (policy.Parse); nil is refused.
func (s *Service) SetPolicy(p *policy.Policy) error {
	if p == nil {
		return errors.New("set policy: no policy given")
	}
	s.pol.Store(p)
	return nil
}

// dutyRules are the rules deciding duties, under the policy in force.
func (s *Service) dutyRules() duty.Rules {
	return duty.Rules{Policy: s.Policy(), Calendar: s.cal, AsOf: s.trainingWants}
}

// Calendar is the working-day calendar.
func (s *Service) Calendar() *calendar.Calendar { return s.cal }

// Ready reports whether the database answers, for a load balancer's
// readiness check: nil when it does.
func (s *Service) Ready(ctx context.Context) error {
	_, err := s.st.LatestSeq(ctx)
	return err
}

// AwaitsBootstrap reports whether no user has been added yet: the record
// is waiting for Bootstrap to make its first administrator.
func (s *Service) AwaitsBootstrap(ctx context.Context) (bool, error) {
	org, err := s.st.Org(ctx)
	if err != nil {
		return false, err
	}
	return len(org.Users) == 0, nil
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.clock.Now() }

// AnyVersion lets system actors (the watchdog, the importer) act on
// whatever version is current. People's commands must name the version they
// saw: a person sending it is refused (see checkVersion).
const AnyVersion int64 = -1

// checkVersion refuses a command that names no version a case can have
// (they start at 1), unless a system actor asks for AnyVersion: a missing
// or negative version must not slip past the lost-update check.
func checkVersion(a *Actor, version int64) error {
	if version >= 1 || (version == AnyVersion && a.System) {
		return nil
	}
	return domain.Problems{{Field: "version", Rule: "required",
		Message: "Send the case version your change is based on: reload the case and try again."}}
}

// caseCommand runs one command on one case in one transaction: load, check
// need-to-know and version, decide, append, react, project. Nothing is
// written unless every step succeeds.
func (s *Service) caseCommand(ctx context.Context, a *Actor, caseID string, version int64, what string,
	decide func(tx store.Tx, c *domain.Case, org *domain.OrgState, now time.Time) ([]*event.Event, error),
) (*domain.Case, error) {
	if a == nil {
		return nil, fmt.Errorf("%s: %w", what, ErrUnauthenticated)
	}
	out, err := s.onCase(ctx, a, caseID, what, func(tx store.Tx, c *domain.Case, org *domain.OrgState,
		now time.Time) ([]*event.Event, error) {
		if s.glass(a, org, c) {
			return nil, readOnlyGlass() // an emergency access never writes
		}
		stale := checkVersion(a, version)
		if stale == nil && version != AnyVersion && version != c.Version {
			stale = fmt.Errorf(
				"case %s is at version %d, your command was based on version %d: reload it and try again: %w",
				c.Ref,
				c.Version,
				version,
				ErrConflict,
			)
		}
		// Who may comes before which version: a person not allowed the
		// command is told so (403), not invited to reload and try again
		// (409). The permission checks are decide's, so it runs on a
		// stale version too; whatever it returns is rolled back.
		evs, err := decide(tx, c, org, now)
		if stale != nil && !errors.Is(err, ErrForbidden) {
			return nil, stale
		}
		return evs, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// WholeCase is a command's answer c with every note, review and victim's
// contact the case has, not only those the command folded in: for an
// answer that lists them, as the API's to a POST does, where a partial
// list would read as the whole. A command does not read them itself:
// most callers (the web's pages, the importer, the watchdog) show or need
// none, and the reads cost every command. A copy, so that the value the
// store wrote keeps its own; a case whose lists are whole already reads
// nothing.
func (s *Service) WholeCase(ctx context.Context, c *domain.Case) (*domain.Case, error) {
	if c == nil {
		return c, nil
	}
	partContacts := false
	for i := range c.Victims {
		partContacts = partContacts || c.Victims[i].ContactCount != len(c.Victims[i].Contacts)
	}
	partNotes, partReviews := c.NoteCount != len(c.Notes), c.ReviewCount != len(c.Reviews)
	if !partContacts && !partNotes && !partReviews {
		return c, nil
	}
	cp := *c
	if partNotes {
		if err := s.withNotes(ctx, &cp); err != nil {
			return nil, err
		}
	}
	if partReviews {
		if err := s.withReviews(ctx, &cp); err != nil {
			return nil, err
		}
	}
	if partContacts {
		if err := s.withContacts(ctx, &cp); err != nil {
			return nil, err
		}
	}
	return &cp, nil
}

// onCase runs decide on one case in one transaction, within the actor's
// need to know, and commits what it returns. It checks no version: it is
// for what is not based on one (a read recorded by ViewCase) and for
// caseCommand, which does.
func (s *Service) onCase(
	ctx context.Context,
	a *Actor,
	caseID string,
	what string,
	decide func(tx store.Tx, c *domain.Case, org *domain.OrgState, now time.Time) ([]*event.Event, error),
) (*domain.Case, error) {
	var out *domain.Case
	var pre any
	if p, ok := s.st.(casePrefetcher); ok {
		pre = p.PrefetchCase(ctx, caseID)
	}
	err := s.st.Write(ctx, func(tx store.Tx) error {
		var c *domain.Case
		var err error
		if t, ok := tx.(caseFromTx); ok && pre != nil {
			c, err = t.CaseFrom(caseID, pre)
		} else {
			c, err = tx.Case(caseID)
		}
		if err != nil {
			return err
		}
		org, err := tx.Org()
		if err != nil {
			return err
		}
		if !s.canSee(a, org, c) {
			return ErrNotFound
		}
		now := s.clock.Now().UTC()
		evs, err := decide(tx, c, org, now)
		if err != nil {
			return err
		}
		out, err = s.commit(tx, c, org, evs, now)
		if err == nil && isDryRun(ctx) {
			return ErrDryRun
		}
		return err
	})
	if err != nil {
		if _, ok := AsForbidden(err); ok {
			return nil, err // already a sentence saying who may
		}
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// casePrefetcher and caseFromTx are what a store offers (the SQL store
// does) to read and decode a command's case before its write, on the
// caller's goroutine, and have the write use it if the case has not
// changed since: writes are serialised, the decoding of a case document
// is a large part of a command, and this way commands decode in parallel.
// The write still reads the case and decides on what it holds.
type casePrefetcher interface {
	PrefetchCase(ctx context.Context, id string) any
}

type caseFromTx interface {
	CaseFrom(id string, prefetched any) (*domain.Case, error)
}

// ErrDryRun is what a command run under DryRun answers when it would have
// succeeded: every check ran, the events were decided and folded, and the
// transaction was rolled back.
var ErrDryRun = errors.New("dry run: the command would succeed; nothing was written")

type dryRunKey struct{}

// DryRun marks ctx so that case commands run every check and write
// nothing, answering ErrDryRun where they would succeed: "would this be
// accepted now?" with the command's own rules.
func DryRun(ctx context.Context) context.Context { return context.WithValue(ctx, dryRunKey{}, true) }

func isDryRun(ctx context.Context) bool { v, _ := ctx.Value(dryRunKey{}).(bool); return v }

// commit appends evs (and whatever the reactors add) to case c and writes
// its projection. c may be nil when evs opens the case.
func (s *Service) commit(
	tx store.Tx,
	c *domain.Case,
	org *domain.OrgState,
	evs []*event.Event,
	now time.Time,
) (*domain.Case, error) {
	var prev int64
	if c != nil {
		prev = c.Version
	}
	next, err := s.apply(tx, c, evs)
	if err != nil {
		return nil, err
	}
	for _, r := range s.reactors {
		more, err := r(next, org, evs, now)
		if err != nil {
			return nil, err
		}
		if next, err = s.apply(tx, next, more); err != nil {
			return nil, err
		}
	}
	if prev == 0 || changes(evs) || next.Version != prev {
		if err := tx.PutCase(next, prev); err != nil {
			return nil, err
		}
	}
	return next, nil
}

func (s *Service) apply(tx store.Tx, c *domain.Case, evs []*event.Event) (*domain.Case, error) {
	return fold(c, evs, tx.Append)
}

// fold applies evs to c in order, stamping each with the case and the
// version it made, and hands each to keep (the log, or a batch for it).
func fold(c *domain.Case, evs []*event.Event, keep func(*event.Event) error) (*domain.Case, error) {
	for _, e := range evs {
		next, err := domain.ApplyCase(c, e)
		if err != nil {
			return nil, err
		}
		c = next
		e.CaseID = c.ID
		e.CaseVersion = c.Version
		if err := keep(e); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func changes(evs []*event.Event) bool {
	for _, e := range evs {
		if domain.ChangesProjection(e.Type) {
			return true
		}
	}
	return false
}
