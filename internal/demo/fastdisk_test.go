package demo_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// TestFastWrites: the .partial file's writer does not wait for the disk
// (no fsync per commit: issue 20 asked), keeps savepoint journals in
// memory, checkpoints less often and reads through a memory map; before, it has the store's own
// settings, and so has the file opened afresh, as the server opens it.
func TestFastWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db.partial")
	db, err := sqlstore.Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	pragma := func(name string) int64 {
		t.Helper()
		var v int64
		if err := db.Raw().QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := pragma("synchronous"); got != 2 {
		t.Fatalf("before: synchronous = %d, want 2 (FULL, the store's own setting)", got)
	}
	if err := demo.FastWrites(ctx, db.Raw()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name string
		want int64
	}{{"synchronous", 0}, {"temp_store", 2}, {"wal_autocheckpoint", 20000}, {"mmap_size", 1 << 30}} {
		if got := pragma(p.name); got != p.want {
			t.Errorf("after FastWrites: %s = %d, want %d", p.name, got, p.want)
		}
	}
	db.Close()
	if db, err = sqlstore.Open(ctx, path, false); err != nil {
		t.Fatal(err)
	}
	if got := pragma("synchronous"); got != 2 {
		t.Errorf("opened afresh: synchronous = %d, want 2 (FULL)", got)
	}
}
