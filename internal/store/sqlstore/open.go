package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"
	"zombiezen.com/go/sqlite"
)

//go:embed migrations
var migrations embed.FS

// DB is a Store on SQLite or PostgreSQL.
type DB struct {
	d    dialect
	path string // the SQLite file, absolute; "" on PostgreSQL
	// w is the writing pool. On SQLite it holds one connection, so writers
	// queue in Go instead of spinning on SQLITE_BUSY; r is for readers.
	w, r  *sql.DB
	group *groupCommit
	slow  commitDelay // a slow disk, injected by fault tests (slow.go)
	// deferred is set while the find index and the figures are built
	// once at the end rather than with each write (deferred.go).
	deferred atomic.Bool
	// written are the cases the last writes put, kept for the next
	// prefetch while deferred holds (written.go).
	written writtenCases
	// poleHeld is the POLE index held in memory, if it is (polemem.go).
	poleHeld atomic.Pointer[poleHeld]
	// buildsDone is set once a prefetch on PostgreSQL (optimistic.go), or
	// a write on SQLite (write.go, buildsDone), saw every build that
	// writes index rows alone done.
	buildsDone atomic.Bool

	stmts map[string]*sql.Stmt // read-only after open
	org   atomic.Pointer[orgEntry]
	reads sync.Map // query → *sql.Stmt on the reading pool

	// rawConns are SQLite connections for ScanRaw, outside database/sql.
	rawConns  chan *sqlite.Conn
	rawMu     sync.Mutex
	rawClosed bool
}

// Open connects to the database named by dsn (any spelling ParseDSN
// accepts): a postgres:// URL, or a SQLite file, created if missing. With
// migrate, the schema is brought up to date first.
func Open(ctx context.Context, dsn string, migrate bool) (*DB, error) {
	d, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return OpenDSN(ctx, d, migrate)
}

// OpenDSN is Open of a parsed name.
func OpenDSN(ctx context.Context, d DSN, migrate bool) (*DB, error) {
	var db *DB
	var err error
	switch d.Engine {
	case EnginePostgres:
		db, err = openPostgres(d.URL)
	case EngineSQLite:
		db, err = openSQLite(d.Path)
	default:
		err = fmt.Errorf("no database engine %q: Holdfast runs on %s or %s", d.Engine, EngineSQLite, EnginePostgres)
	}
	if err != nil {
		return nil, err
	}
	if err := db.w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.d.name, err)
	}
	if migrate {
		if err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	db.prepareHot()
	return db, nil
}

// sqliteURI is the SQLite URI of the file at path with the query q. The
// characters a URI gives meaning to are escaped, so the file opened is the
// one named: "h%61.db" is that file, not "ha.db", and "#" is no fragment.
func sqliteURI(path, q string) string {
	return "file:" + uriEscaper.Replace(path) + "?" + q
}

var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

func openSQLite(path string) (*DB, error) {
	if err := ownerOnly(path); err != nil {
		return nil, err
	}
	// WAL lets readers run beside the writer; synchronous=FULL makes every
	// acknowledged commit survive power loss; busy_timeout covers other
	// processes (the CLI) touching the same file.
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(ON)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := sqliteURI(path, q.Encode())
	// The writer leaves checkpoints to a goroutine of their own
	// (checkpoint.go).
	w, err := sql.Open("sqlite", dsn+"&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	db := &DB{d: sqliteDialect, path: abs, w: w, r: r, rawConns: make(chan *sqlite.Conn, max(8, runtime.GOMAXPROCS(0)))}
	db.group = newGroupCommit(db)
	return db, nil
}

// ownerOnly makes a new database file readable by its owner alone, and
// warns when an existing one is readable by others. The record is the
// most sensitive data there is: SQLite would create the file 0644 (less
// the umask), so it is created here first, 0600; SQLite gives the -wal
// and -shm it makes beside it the database file's mode.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create the SQLite database %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		slog.Warn("the database can be read by other users of this machine: make it owner-only "+
			"(chmod 600 FILE FILE-wal FILE-shm, with Holdfast stopped)",
			"file", path, "mode", fmt.Sprintf("%#o", fi.Mode().Perm()))
	}
	return nil
}

func openPostgres(dsn string) (*DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pg := &DB{d: postgresDialect, w: db, r: db}
	pg.group = newGroupCommit(pg)
	return pg, nil
}

// Migrate brings the schema up to date with the migrations embedded in the
// binary. It is safe to run from several instances at once on PostgreSQL.
func (db *DB) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+db.d.name)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(db.d.goose, db.w, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if db.d.name == EnginePostgres {
		// Two instances starting together must not both migrate.
		if _, err := db.w.ExecContext(ctx, "SELECT pg_advisory_lock(7240001)"); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer db.w.ExecContext(context.Background(), "SELECT pg_advisory_unlock(7240001)")
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", db.d.name, err)
	}
	if err := db.buildTerms(ctx); err != nil { // the find index of cases older than it (find.go)
		return err
	}
	if err := db.buildPole(ctx); err != nil { // the POLE index of cases older than it (pole.go)
		return err
	}
	if err := db.buildHistory(ctx); err != nil { // the duty history of cases older than it (history.go)
		return err
	}
	if err := db.buildNoticeEach(ctx); err != nil { // each decision owed its date, in cases older than it (notice.go)
		return err
	}
	if err := db.buildClosureSenders(ctx); err != nil { // who sent each closure back, in cases older than it (senders.go)
		return err
	}
	if err := db.buildImportedAt(ctx); err != nil { // when each case was imported, in cases older than it (imported_at.go)
		return err
	}
	return db.buildFigures(ctx) // the dashboard's figures of cases older than them (figures.go)
}

// Pending says whether the schema has migrations still to apply: a
// record written by an older Holdfast, which rebuild would otherwise
// report as unlike its log when only its shape is old.
func (db *DB) Pending(ctx context.Context) (bool, error) {
	sub, err := fs.Sub(migrations, "migrations/"+db.d.name)
	if err != nil {
		return false, err
	}
	p, err := goose.NewProvider(db.d.goose, db.w, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return false, fmt.Errorf("migrations: %w", err)
	}
	return p.HasPending(ctx)
}

// Engine names the engine.
func (db *DB) Engine() string { return db.d.name }

// Close releases the connections.
func (db *DB) Close() error {
	if db.rawConns != nil {
		db.closeRawConns()
	}
	if db.group != nil {
		db.group.close()
	}
	for _, st := range db.stmts {
		st.Close()
	}
	db.reads.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	err := db.w.Close()
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Raw exposes the writing pool for tests that tamper with the record the
// way an attacker with database access would.
func (db *DB) Raw() *sql.DB { return db.w }
