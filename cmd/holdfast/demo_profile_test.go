package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestDemoProfiled: --cpuprofile writes a profile pprof reads (gzip) of
// what it wrapped, and the wrapped error still reaches the caller.
func TestDemoProfiled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.prof")
	ran := false
	if err := profiled(path, func() error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("profiled: ran %v, error %v", ran, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		t.Errorf("the profile is not gzip (pprof's format): % x", b[:min(len(b), 8)])
	}
	boom := errors.New("boom")
	if err := profiled(filepath.Join(t.TempDir(), "again.prof"), func() error { return boom }); !errors.Is(err, boom) {
		t.Errorf("profiled returned %v, want the wrapped error", err)
	}
	if err := profiled(filepath.Join(t.TempDir(), "no", "such", "dir.prof"), func() error { return nil }); err == nil {
		t.Error("a profile that cannot be written: no error")
	}
}
