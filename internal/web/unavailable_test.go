package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/store"
)

// TestFullDiskPageSaysSo: a write refused because the database's disk is
// full is a 503 whose page says the disk is full and the change was not
// saved (what an administrator must mend), not the general "cannot reach
// its database"; any other outage keeps the general words. The fault
// itself is made for real in internal/faults (TestFullDiskRefusesWrites…).
func TestFullDiskPageSaysSo(t *testing.T) {
	full := fmt.Errorf("append: %w", syscall.ENOSPC)
	if response.StatusOf(full) != http.StatusServiceUnavailable || !store.DiskFull(full) {
		t.Fatalf("ENOSPC: status %d, disk full %v", response.StatusOf(full), store.DiskFull(full))
	}
	post := httptest.NewRequest("POST", "/cases/CSE-2026-000001/do/note", nil)
	if got := errorTitle(full, http.StatusServiceUnavailable); got != response.DiskFullTitle {
		t.Errorf("title on a full disk: %q", got)
	}
	if got := message(post, full, http.StatusServiceUnavailable); got != response.DiskFullMessage ||
		!strings.Contains(got, "not saved") {
		t.Errorf("message on a full disk: %q", got)
	}
	gone := fmt.Errorf("query: %w", syscall.ECONNREFUSED)
	if response.StatusOf(gone) != http.StatusServiceUnavailable {
		t.Fatalf("ECONNREFUSED: status %d", response.StatusOf(gone))
	}
	if got := errorTitle(gone, http.StatusServiceUnavailable); got == response.DiskFullTitle {
		t.Errorf("an unreachable database titled as a full disk")
	}
	if got := message(post, gone, http.StatusServiceUnavailable); !strings.Contains(got, "cannot reach its database") {
		t.Errorf("message when unreachable: %q", got)
	}
}
