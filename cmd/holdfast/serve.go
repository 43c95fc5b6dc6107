package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/mail"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/version"
)

func cmdVersion(_ context.Context, _ []string, w io.Writer) error {
	fmt.Fprintln(w, "holdfast", version.Version)
	return nil
}

func cmdServe(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("serve")
	dsn := f.db()
	addr := f.str("addr", "127.0.0.1:8080", "address to listen on")
	migrate := f.boolean("migrate", true, "migrate the schema at start-up")
	secure := f.boolean("secure-cookies", false, "mark cookies Secure (set when serving behind TLS)")
	sc := serveFlags(f)
	tf := transportFlagsOf(f)
	if err := f.parse(args); err != nil {
		return err
	}
	cfg, err := sc.config(*dsn)
	if err != nil {
		return err
	}
	tr, err := tf.transport()
	if err != nil {
		return err
	}
	if cfg.OIDC, err = tf.oidcConfig(); err != nil {
		return err
	}
	cfg.PublicURL = *tf.publicURL
	db, err := openDB(ctx, *dsn, *migrate)
	if err != nil {
		return err
	}
	defer db.Close()
	return serveDB(ctx, db, cfg, *addr, *secure, tr, stdout, func(hf *app.App) error {
		return firstAdmin(ctx, hf.Svc, stdout)
	})
}

// serveDB runs Holdfast over db on addr until ctx ends: the web pages, the
// API and the background work (checkpoints, sweeps). prepare runs once
// the app is wired and before it listens; serve and demo share the rest.
// handOff, if given, is the listener to serve on instead of listening on
// addr (the demo's wait page hands over its own), taken after prepare.
func serveDB(
	ctx context.Context,
	db *sqlstore.DB,
	cfg app.Config,
	addr string,
	secure bool,
	tr *transport,
	stdout io.Writer,
	prepare func(*app.App) error,
	handOff ...func() net.Listener,
) error {
	if tr == nil {
		tr = &transport{}
	}
	secure = secure || tr.tls()
	cfg.SecureCookies = secure // the API's and the pages' session cookie alike
	if cfg.Policy != nil && cfg.Policy.Auth.MFARequired == "none" && !strings.Contains(addr, "127.0.0.1") {
		slog.Warn("two-step sign-in is off (policy auth.mfa_required: none): fit only for a demo or a test")
	}
	hf, err := app.New(db, cfg)
	if err != nil {
		return err
	}
	if err := hf.Upgrade(ctx, nil); err != nil {
		return err
	}
	if prepare != nil {
		if err := prepare(hf); err != nil {
			return err
		}
	}
	var l net.Listener
	if len(handOff) > 0 {
		l = handOff[0]()
	} else if l, err = net.Listen("tcp", addr); err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	l, scheme := tr.listen(ctx, l, secure, stdout) // transport.go
	srv := server.New(hf.Svc, server.Config{Addr: addr, Handler: hf.Handler})
	for _, bg := range hf.Background {
		go bg(ctx)
	}
	if cfg.PolicyFile != "" || hf.HasGuidanceFile() {
		stop := reloadOnHangup(ctx, hf, cfg.PolicyFile)
		defer stop()
	}
	slog.Info("holdfast serving", "url", scheme+"://"+l.Addr().String(), "db", db.Engine(), "version", version.Version)
	fmt.Fprintf(stdout, "Holdfast is running at %s://%s (Ctrl-C to stop)\n", scheme, l.Addr())
	err = srv.Serve(ctx, l)
	// The last events are sealed at shutdown, once requests have drained:
	// deleting them afterwards leaves a checkpoint (and a witness) that
	// remembers them.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	hf.Checkpoint(cctx, "at shutdown")
	return err
}

// reloadOnHangup re-reads the policy and guidance files on SIGHUP, as well
// as on the schedule: an operator who has just edited one need not wait. A
// bad file is logged naming the file and line, and the old one stays. Only
// a server started with --policy or --guidance catches SIGHUP; without
// either there is nothing to reload and the signal keeps its usual meaning.
func reloadOnHangup(ctx context.Context, hf *app.App, file string) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-done:
				return
			case <-hup:
			}
			if file == "" {
				// Only the guidance file was given.
			} else if err := hf.ReloadPolicy(); err != nil {
				slog.Error("policy reload on SIGHUP", "file", file, "err", err)
			} else {
				slog.Info("policy reloaded on SIGHUP: the new policy is in force", "file", file)
			}
			if !hf.HasGuidanceFile() {
				continue
			}
			if err := hf.ReloadGuidance(); err != nil {
				slog.Error("guidance reload on SIGHUP", "err", err)
			} else {
				slog.Info("guidance reloaded on SIGHUP")
			}
		}
	}()
	return func() { signal.Stop(hup); close(done) }
}

// firstAdmin makes the first administrator of an empty database and prints
// the password once: the only way in on a fresh machine.
func firstAdmin(ctx context.Context, svc *service.Service, w io.Writer) error {
	if empty, err := svc.AwaitsBootstrap(ctx); err != nil || !empty {
		return err
	}
	pw := randomPassword()
	u, err := svc.Bootstrap(
		ctx,
		"Holdfast Force",
		service.NewUser{
			Username: "admin",
			Name:     "First Administrator",
			Collar:   "ADMIN1",
			Rank:     "staff",
			Roles:    []domain.Role{domain.RoleAdmin},
			Password: pw,
		},
	)
	if err != nil {
		return fmt.Errorf("create first administrator: %w", err)
	}
	fmt.Fprintf(w, "Created the first administrator. Sign in as %q with password %q (shown once).\n", u.Username, pw)
	if svc.Policy().Auth.MFAFor(true) {
		key, err := svc.EnrolTOTPSecret(ctx, service.SystemActor("bootstrap"), u.ID)
		if err != nil {
			return fmt.Errorf("first administrator's authenticator: %w", err)
		}
		fmt.Fprintf(w, "Add this authenticator secret to an authenticator app for the second step (shown once): "+
			"%s\n  %s\n", key.Secret, key.URL)
	}
	return nil
}

// serveConfig is the flags every serving command (serve, demo) shares.
type serveConfig struct {
	ledgerKey, policyFile, smtpAddr, mailFrom, offences, guidance *string
	every                                                         *uint64
	interval, sweepEvery                                          *time.Duration
	witnesses, witnessKeys                                        *listFlag
	keyBesideDB                                                   *bool
	// demo keeps the key beside the demo's database: it is never a real
	// record, and one directory holds all of it.
	demo bool
}

func serveFlags(f flags) serveConfig {
	return serveConfig{
		ledgerKey: f.str(
			"ledger-key",
			"",
			"private key that signs ledger checkpoints, kept outside the database's directory "+
				"(default for SQLite: a key named after the database in the user's configuration directory, created if missing; "+
				"required on PostgreSQL to sign)",
		),
		every: f.u64("checkpoint-every", 1000, "cut a checkpoint after this many new events"),
		interval: f.dur(
			"checkpoint-interval",
			time.Minute,
			"cut a checkpoint this long after the last, if there is any new event",
		),
		sweepEvery: f.dur("sweep-every", 5*time.Minute, "run the watchdog this often (0: never)"),
		policyFile: f.str(
			"policy",
			"",
			"policy file, re-read when it changes and on SIGHUP (default: the shipped policy; see docs/watchdog.md)",
		),
		guidance: f.str("guidance", "", "the force's guidance file: explanations of gate rules and duties laid over "+
			"the shipped ones, re-read when it changes and on SIGHUP (docs/training.md)"),
		offences: f.str("offences", "", "the force's offence classification file: codes and spellings added to "+
			"the shipped Home Office classification (docs/offences.md)"),
		smtpAddr: f.str("smtp-addr", "", "SMTP server (host:port) for escalation mail (default: none sent)"),
		mailFrom: f.str("mail-from", "holdfast@localhost", "sender address of escalation mail"),
		witnesses: f.list("witness", "a witness (URL) every checkpoint is pushed to for its cosignature; "+
			"repeat for several (docs/ledger.md)"),
		witnessKeys: f.list("witness-key", "a witness's public key (or a file holding it) its cosignatures "+
			"must verify with; repeat for several"),
		keyBesideDB: f.boolean("ledger-key-beside-db", false, "allow the signing key in the database's directory "+
			"(DB.ledger.key): whoever can copy that directory can then re-sign a rewritten record"),
	}
}

func (sc serveConfig) config(dsn string) (app.Config, error) {
	pol, err := loadPolicy(*sc.policyFile)
	if err != nil {
		return app.Config{}, err
	}
	// The file is named as well as read: a running server re-reads it
	// when it changes (docs/watchdog.md).
	cfg := app.Config{Policy: pol, PolicyFile: *sc.policyFile, SweepEvery: *sc.sweepEvery, OffencesFile: *sc.offences,
		GuidanceFile: *sc.guidance}
	key, err := sc.ledgerKeyPath(dsn)
	if err != nil {
		return app.Config{}, err
	}
	create := *sc.ledgerKey == ""
	cfg.Ledger = app.LedgerConfig{
		KeyPath:  key,
		Create:   create,
		Origin:   "holdfast.local/ledger",
		Every:    *sc.every,
		Interval: *sc.interval,
	}
	if cfg.Ledger.Witnesses, err = witnessClients(*sc.witnesses, *sc.witnessKeys); err != nil {
		return app.Config{}, err
	}
	if *sc.smtpAddr != "" {
		cfg.Mail = mail.SMTP{Addr: *sc.smtpAddr, From: *sc.mailFrom}
	}
	return cfg, nil
}

// ledgerKeyPath is the signing key serve uses: the one named, or the
// default outside the database's directory. A key in the database's
// directory is refused unless --ledger-key-beside-db (then warned about):
// anyone who can copy or write the database could also re-sign it.
func (sc serveConfig) ledgerKeyPath(dsn string) (string, error) {
	p, err := ledgerKeyPlaces(dsn)
	if err != nil {
		return "", err
	}
	key := *sc.ledgerKey
	if key == "" {
		switch {
		case sc.demo || *sc.keyBesideDB:
			key = p.Beside
		case p.Beside != "" && fileExists(p.Beside):
			return "", usageError("the ledger's signing key %s sits beside the database, so whoever can copy or "+
				"write the database's directory can re-sign a rewritten record; move it and its .pub elsewhere "+
				"(e.g. to /etc/holdfast/, readable only by the server) and pass --ledger-key, or pass "+
				"--ledger-key-beside-db to keep it there", p.Beside)
		default:
			key = p.Default
		}
	}
	if sc.demo || p.Beside == "" || !sameDir(key, p.Beside) {
		return key, nil
	}
	if !*sc.keyBesideDB {
		return "", usageError("--ledger-key %s is in the database's directory, so whoever can copy or write it can "+
			"re-sign a rewritten record; keep the key elsewhere, or pass --ledger-key-beside-db", key)
	}
	slog.Warn("ledger: the signing key is in the database's directory (--ledger-key-beside-db): whoever can copy "+
		"or write that directory can re-sign a rewritten record; keep the key elsewhere", "key", key)
	return key, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("migrate")
	dsn := f.db()
	if err := f.parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "%s schema is up to date\n", db.Engine())
	return nil
}
