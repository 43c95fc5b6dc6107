// Package app assembles a running Holdfast from its parts — service,
// the HTTP handler (API and pages), background work — for the server, the
// CLI and the tests alike, so all three run the same wiring.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/http/router"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/oidc"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// Config chooses what differs between a server, a CLI run and a test.
type Config struct {
	Clock clock.Clock
	NewID func() string
	// Policy overrides the shipped policy (nil: the default).
	Policy *policy.Policy
	// PolicyFile is the file Policy was read from. A server re-reads it
	// when it changes (checked on the sweep schedule) and on
	// App.ReloadPolicy; a file with errors is reported and the policy in
	// force stays. Empty: the policy never changes while running.
	PolicyFile string
	// Logger receives what background work reports (default: slog's).
	Logger *slog.Logger
	// Mail sends escalations; nil sends none.
	Mail service.Mailer
	// Ledger configures the tamper-evident ledger; a zero KeyPath runs
	// without one.
	Ledger LedgerConfig
	// SweepEvery runs the watchdog on that schedule in a server (0: never;
	// tests and the CLI sweep on demand).
	SweepEvery time.Duration
	// SecureCookies marks the session cookie Secure (behind TLS).
	SecureCookies bool
	// OIDC, if set, signs officers in through the force's identity
	// provider (docs/security.md).
	OIDC *oidc.Config
	// PublicURL is the address browsers reach this server at (scheme, host,
	// port): it turns passkeys on, bound to that origin.
	PublicURL string
	// OffencesFile extends the shipped offence classification with the
	// force's codes and spellings (default: HOLDFAST_OFFENCES, or none).
	OffencesFile string
	// GuidanceFile lays the force's explanations of rules and duties over
	// the shipped ones (default: HOLDFAST_GUIDANCE, or none); re-read when
	// it changes and by App.ReloadGuidance.
	GuidanceFile string
}

// LedgerConfig says how this instance signs checkpoints.
type LedgerConfig struct {
	// KeyPath is the Ed25519 signed-note private key; its public key is
	// beside it (ledger.PublicKeyPath).
	KeyPath string
	// Create makes the key pair if KeyPath does not exist (the embedded
	// default); Origin names the log in a new key.
	Create bool
	Origin string
	// Every and Interval schedule checkpoints: after Every new events, or
	// Interval after the last with any new event.
	Every    uint64
	Interval time.Duration
	// Witnesses receive every checkpoint cut (serve --witness).
	Witnesses []ledger.Witness
}

// App is Holdfast wired over one store.
type App struct {
	// Store is the raw store, for the tools that must read it directly
	// (bench, the demo generator's case reads); everything else, pages and
	// API included, goes through Svc, the one door to the record.
	Store store.Store
	Svc   *service.Service
	// Handler serves the API under /api/ and the pages everywhere else.
	Handler http.Handler
	// Background is the scheduled work a server runs (checkpoints, sweeps).
	Background []func(ctx context.Context)
	// Ledger is the running ledger (nil without Config.Ledger.KeyPath).
	Ledger *ledger.Log

	policy   *policyFile   // nil without Config.PolicyFile
	guidance *guidanceFile // nil without Config.GuidanceFile
}

// New wires Holdfast over st.
func New(st store.Store, cfg Config) (*App, error) {
	a := &App{Store: st}
	cfg.Clock = recordClock(st, cfg.Clock, cfg.Logger)
	if err := useOffences(cfg.OffencesFile); err != nil {
		return nil, err
	}
	var err error
	if a.guidance, err = useGuidance(cfg.GuidanceFile); err != nil {
		return nil, err
	}
	opts := ServiceOptions(cfg)
	if cfg.Ledger.KeyPath != "" {
		l, vkey, err := openLedger(st, cfg)
		if err != nil {
			return nil, err
		}
		opts.Ledger, opts.LedgerKey = l, vkey
		l.SetWitnesses(cfg.Ledger.Witnesses...)
		a.Ledger = l
		every, interval := cfg.Ledger.Every, cfg.Ledger.Interval
		if every == 0 {
			every = 1000
		}
		if interval == 0 {
			interval = time.Minute
		}
		a.Background = append(a.Background, func(ctx context.Context) { l.Run(ctx, every, interval) })
	}
	a.Svc = service.New(st, opts)
	if cfg.OIDC != nil {
		c, err := oidc.New(*cfg.OIDC)
		if err != nil {
			return nil, err
		}
		a.Svc.SetIdentityProvider(c)
	}
	if cfg.PublicURL != "" {
		w, err := service.NewWebAuthn(cfg.PublicURL)
		if err != nil {
			return nil, fmt.Errorf("passkeys for %s: %w", cfg.PublicURL, err)
		}
		a.Svc.SetPasskeys(w)
	}
	h, err := router.New(a.Svc, cfg.SecureCookies)
	if err != nil {
		return nil, err
	}
	a.Handler = h
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if cfg.PolicyFile != "" {
		if a.policy, err = newPolicyFile(cfg.PolicyFile, a.Svc, log); err != nil {
			return nil, err
		}
	}
	if cfg.SweepEvery > 0 || a.policy != nil {
		a.Background = append(a.Background, func(ctx context.Context) { a.watch(ctx, cfg.SweepEvery, log) })
	}
	if cfg.Mail != nil {
		a.Background = append(a.Background, func(ctx context.Context) { digests(ctx, a.Svc) })
	}
	a.Background = append(a.Background, func(ctx context.Context) { warmDashboard(ctx, a.Svc) })
	if a.guidance != nil {
		a.Background = append(a.Background, func(ctx context.Context) { a.watchGuidance(ctx, log) })
	}
	return a, nil
}

func openLedger(st store.Store, cfg Config) (*ledger.Log, string, error) {
	lc := cfg.Ledger
	if lc.Create {
		origin := lc.Origin
		if origin == "" {
			origin = "holdfast.invalid/ledger"
		}
		created, err := ledger.EnsureKey(origin, lc.KeyPath)
		if err != nil {
			return nil, "", err
		}
		if created {
			slog.Info(
				"ledger: created a signing key; give the public key to your inspectors",
				"key",
				lc.KeyPath,
				"public",
				ledger.PublicKeyPath(lc.KeyPath),
			)
		}
	}
	signer, verifier, vkey, err := ledger.LoadKeyPair(lc.KeyPath)
	if err != nil {
		return nil, "", err
	}
	now := time.Now
	if cfg.Clock != nil {
		now = cfg.Clock.Now
	}
	return ledger.NewLog(st, signer, verifier, now), vkey, nil
}

// PolicyPollEvery is how often a server with a policy file but no
// scheduled sweep checks the file for changes.
const PolicyPollEvery = 5 * time.Minute

// watch runs the watchdog on schedule, first putting in force any change
// to the policy file, so each sweep runs under the policy as last saved.
// Several instances may all run it: the sweep takes a lock, so one sweeps
// and the others skip.
func (a *App) watch(ctx context.Context, sweepEvery time.Duration, log *slog.Logger) {
	every := sweepEvery
	if every <= 0 {
		every = PolicyPollEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	sys := service.SystemActor("watchdog")
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if a.policy != nil {
			a.policy.check(false)
		}
		if sweepEvery <= 0 {
			continue
		}
		// The overdue backlog is not read: nobody sees this report but the
		// log, and reading it would make every run's cost follow the number
		// overdue rather than what needs action now. Duties newly overdue
		// are the level-1 escalations.
		rep, err := a.Svc.Sweep(ctx, sys, service.SweepOptions{AsOf: a.Svc.Now(), Overdue: service.OverdueNone})
		if err != nil {
			log.Error("watchdog sweep", "err", err)
			continue
		}
		newly := 0
		for _, e := range rep.Escalations {
			if e.Level == 1 {
				newly++
			}
		}
		log.Info(
			"watchdog sweep",
			"ran",
			rep.Ran,
			"newly_overdue",
			newly,
			"escalations",
			len(rep.Escalations),
			"findings",
			len(rep.Findings),
			// When it held the lock, to the nanosecond: with several
			// instances the runs that swept must never overlap
			// (cmd/holdfast, the two-instance fault test, reads these).
			"began",
			rep.Held.From.UTC().Format(time.RFC3339Nano),
			"took",
			rep.Held.To.Sub(rep.Held.From),
		)
		if rep.Ran {
			a.Checkpoint(ctx, "after the sweep")
		}
	}
}

// Checkpoint cuts a checkpoint of the ledger now (and so pushes it to the
// witnesses), if this instance signs: after every sweep and at shutdown, so
// the newest events are never outside every checkpoint for long.
func (a *App) Checkpoint(ctx context.Context, why string) {
	if a.Ledger == nil || !a.Ledger.Signing() {
		return
	}
	c, err := a.Ledger.Cut(ctx)
	if err != nil {
		slog.Error("ledger: checkpoint "+why, "err", err)
		return
	}
	slog.Info("ledger: checkpoint "+why, "size", c.Size)
}

// warmDashboard keeps the dashboard's shared figures fresh, so no manager
// waits for a pass over the whole record.
func warmDashboard(ctx context.Context, svc *service.Service) {
	t := time.NewTicker(15 * time.Second)
	defer t.Stop()
	for {
		if err := svc.WarmDashboard(ctx, service.DashboardMonths); err != nil && ctx.Err() == nil {
			slog.Error("dashboard figures", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DigestHour is when, London time, each day's digests go out.
const DigestHour = 7

// digests queues each day's digests once it is DigestHour in London, and
// every minute delivers what the outbox holds that is due (retries of
// messages the mail server refused). Every instance may try; the first to
// claim the day queues them, and each message is leased to one sender.
func digests(ctx context.Context, svc *service.Service) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	a := service.SystemActor("digest")
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := svc.Now()
		send := svc.SendDigests
		if now.In(clock.London).Hour() < DigestHour {
			send = svc.DeliverDigests // only retries of earlier days' messages
		}
		if rep, err := send(ctx, a, now); err != nil {
			slog.Error("daily digest", "err", err)
		} else if rep.Claimed || rep.Sent > 0 || rep.Failed > 0 {
			slog.Info("daily digest", "day", rep.Day, "queued", rep.Queued, "sent", rep.Sent, "failed", rep.Failed)
		}
	}
}

// ServiceOptions are the service options cfg sets.
func ServiceOptions(cfg Config) service.Options {
	return service.Options{Clock: cfg.Clock, NewID: cfg.NewID, Policy: cfg.Policy, Mail: cfg.Mail}
}

// recordClock is the clock the record is written by. Unless a test chose a
// clock, it is the system clock made monotonic (clock.Monotonic): the log's
// times never go back when the wall clock does. A monotonic clock, the
// default or a test's, starts no earlier than the log's last event, so a
// restart after the wall clock stepped back keeps the order as well.
func recordClock(st store.Store, c clock.Clock, log *slog.Logger) clock.Clock {
	if log == nil {
		log = slog.Default()
	}
	if c == nil {
		c = clock.NewMonotonic(clock.System{}, time.Time{}, func(behind time.Duration) {
			log.Warn("the wall clock stepped back: the record's times are held at the latest until it catches up",
				"behind", behind.Round(time.Millisecond))
		})
	}
	if m, ok := c.(*clock.Monotonic); ok {
		last := lastRecorded(st)
		if behind := last.Sub(m.Now()); behind > time.Second {
			log.Warn("this machine's clock is behind the log's last event: times are held at it until the clock catches up",
				"behind", behind.Round(time.Millisecond))
		}
		m.Raise(last)
	}
	return c
}

// lastRecorded is the latest time among the log's last events dated by
// the clock: not an import's (they keep the other system's dates) nor the
// watchdog's (holdfast sweep --as-of dates them as told, perhaps ahead, and
// holding every later time to that would date a day's work wrongly). Zero
// for an empty or unreadable log.
func lastRecorded(st store.Store) time.Time {
	ctx := context.Background()
	seq, err := st.LatestSeq(ctx)
	if err != nil || seq == 0 {
		return time.Time{}
	}
	var last time.Time
	st.ScanEvents(ctx, max(1, seq-1000), seq, func(e *event.Event) error {
		if e.Source == "" && e.Actor != watchdog && e.At.After(last) {
			last = e.At
		}
		return nil
	})
	return last
}

// watchdog is the actor id every sweep writes as.
var watchdog = service.SystemActor("watchdog").ID()
