package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every spelling of a database name accepted before ParseDSN is accepted
// still, naming the same file or URL; the rest are refused.
func TestParseDSN(t *testing.T) {
	pg := "postgres://holdfast:pw@db.example:5432/holdfast?sslmode=require"
	for _, c := range []struct{ in, engine, path, url string }{
		{"holdfast.db", "sqlite", "holdfast.db", ""},
		{"/var/lib/holdfast/h.db", "sqlite", "/var/lib/holdfast/h.db", ""},
		{"./data/h.db", "sqlite", "./data/h.db", ""},
		{"//x/h.db", "sqlite", "//x/h.db", ""},
		{"h.db?_pragma=foo", "sqlite", "h.db", ""},
		{"backup-12:30.db", "sqlite", "backup-12:30.db", ""},
		{"h#1%61.db", "sqlite", "h#1%61.db", ""},
		{"sqlite:/x/h.db", "sqlite", "/x/h.db", ""},
		{"sqlite:h.db", "sqlite", "h.db", ""},
		{"SQLite:h.db", "sqlite", "h.db", ""},
		{"sqlite:///x/h.db", "sqlite", "/x/h.db", ""},
		{"sqlite://localhost/x/h.db", "sqlite", "/x/h.db", ""},
		{"sqlite:file:/x/h.db?cache=shared", "sqlite", "/x/h.db", ""},
		{"sqlite:sqlite:h.db", "sqlite", "sqlite:h.db", ""},
		{"file:h.db", "sqlite", "h.db", ""},
		{"file:/x/h.db?mode=rwc&_txlock=immediate", "sqlite", "/x/h.db", ""},
		{"file:///x/h.db", "sqlite", "/x/h.db", ""},
		{"file://localhost/x/h.db?cache=private", "sqlite", "/x/h.db", ""},
		{pg, "postgres", "", pg},
		{"postgresql://u@127.0.0.1/h", "postgres", "", "postgresql://u@127.0.0.1/h"},
		{"Postgres://u@h/db", "postgres", "", "postgres://u@h/db"},
	} {
		d, err := ParseDSN(c.in)
		if err != nil {
			t.Errorf("ParseDSN(%q): %v", c.in, err)
			continue
		}
		if d.Engine != c.engine || d.Path != c.path || d.URL != c.url {
			t.Errorf("ParseDSN(%q) = %+v, want engine %s path %q url %q", c.in, d, c.engine, c.path, c.url)
		}
	}
	for _, c := range []struct{ in, says string }{
		{"", "no database named"},
		{"  ", "no database named"},
		{"postgres:holdfast", "not a PostgreSQL URL"},
		{"mysql://u@h/db", "mysql:// is not a database"},
		{"sqlite3://h.db", "sqlite3:// is not a database"},
		{"host=127.0.0.1 dbname=holdfast", "write the database as a URL"},
		{"sqlite://other/x/h.db", "names a host"},
		{"file://db.example/x/h.db", "names a host"},
		{"sqlite://h.db", "names a host"},
		{"sqlite:", "names no file"},
		{"file:?mode=rwc", "names no file"},
		{"sqlite:///", "names a directory"},
		{"data/", "names a directory"},
		{":memory:", "in-memory"},
		{"file::memory:", "in-memory"},
		{"file:h.db?mode=memory&cache=shared", "in-memory"},
	} {
		d, err := ParseDSN(c.in)
		if err == nil {
			t.Errorf("ParseDSN(%q) = %+v, want a refusal", c.in, d)
		} else if !strings.Contains(err.Error(), c.says) {
			t.Errorf("ParseDSN(%q): %v, want it to say %q", c.in, err, c.says)
		}
	}
	// A refused PostgreSQL name is not echoed: it may hold a password.
	if _, err := ParseDSN("postgres:u:secret@h"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("refusal %v echoes the password", err)
	}
}

// The ledger key's default is beside the SQLite file whichever way it is
// spelled, and there is none for PostgreSQL.
func TestDSNLedgerKey(t *testing.T) {
	for in, want := range map[string]string{
		"/x/h.db":                   "/x/h.db.ledger.key",
		"sqlite:/x/h.db":            "/x/h.db.ledger.key",
		"sqlite:///x/h.db":          "/x/h.db.ledger.key",
		"file:/x/h.db?cache=shared": "/x/h.db.ledger.key",
		"file://localhost/x/h.db":   "/x/h.db.ledger.key",
		"sqlite:file:h.db":          "h.db.ledger.key",
		"postgres://u@h/db":         "",
	} {
		d, err := ParseDSN(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.LedgerKey(); got != want {
			t.Errorf("ParseDSN(%q).LedgerKey() = %q, want %q", in, got, want)
		}
	}
}

// Open takes every spelling to the one file: a write through sqlite:DIR
// is read back through file:DIR?…, and nothing appears in the working
// directory.
func TestOpenSpellingsNameOneFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(t.TempDir())
	path := filepath.Join(dir, "h.db")
	ctx := context.Background()
	for _, dsn := range []string{"sqlite:" + path, "file:" + path + "?cache=shared", "sqlite://" + path, path} {
		db, err := Open(ctx, dsn, true)
		if err != nil {
			t.Fatalf("open %s: %v", dsn, err)
		}
		if db.path != path {
			t.Errorf("open %s: file %s, want %s", dsn, db.path, path)
		}
		db.Close()
	}
	if _, err := Open(ctx, "mysql://u@h/db", true); err == nil {
		t.Error("opened mysql://")
	}
	if ents, _ := os.ReadDir("."); len(ents) != 0 {
		t.Errorf("the working directory holds %v", ents)
	}
}

// FuzzParseDSN: ParseDSN never panics, every name it accepts names one
// engine, and a SQLite name's ledger key lies beside its file.
func FuzzParseDSN(f *testing.F) {
	for _, s := range []string{"h.db", "sqlite:/x/h.db", "sqlite:///x/h.db", "file:h.db?mode=ro", "file://localhost/x",
		"postgres://u@h/db", "postgresql://h", ":memory:", "host=h", "sqlite:file:x", "a:b", "//x/y", "x/..", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDSN(s)
		if err != nil {
			return
		}
		switch d.Engine {
		case EngineSQLite:
			if d.Path == "" || d.URL != "" {
				t.Fatalf("ParseDSN(%q) = %+v", s, d)
			}
			if k := d.LedgerKey(); filepath.Dir(k) != filepath.Dir(d.Path) {
				t.Fatalf("ParseDSN(%q): key %s is not beside %s", s, k, d.Path)
			}
		case EnginePostgres:
			if d.Path != "" || d.LedgerKey() != "" || !strings.HasPrefix(d.URL, "postgres") {
				t.Fatalf("ParseDSN(%q) = %+v", s, d)
			}
		default:
			t.Fatalf("ParseDSN(%q) = %+v: no engine", s, d)
		}
	})
}
