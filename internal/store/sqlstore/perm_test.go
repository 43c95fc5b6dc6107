package sqlstore

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The SQLite database and its -wal and -shm are created readable by their
// owner alone (issue 16: they were 0644).
func TestSQLiteFilesAreOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	db, err := Open(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Raw().Exec("CREATE TABLE perm_probe (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m&0o077 != 0 {
			t.Errorf("%s is mode %#o: readable by others", filepath.Base(f), m)
		}
	}
}

// Opening an existing database that others can read warns, naming it, and
// still opens it (the operator decides).
func TestSQLiteWarnsWhenOthersCanRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	var log bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&log, nil)))
	defer slog.SetDefault(old)
	db, err := Open(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if s := log.String(); !strings.Contains(s, "WARN") || !strings.Contains(s, path) || !strings.Contains(s, "0644") {
		t.Errorf("no warning naming %s and its mode; log:\n%s", path, s)
	}
	log.Reset()
	db, err = Open(context.Background(), filepath.Join(t.TempDir(), "new.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if log.Len() != 0 {
		t.Errorf("a new database warned:\n%s", log.String())
	}
}
