package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/testdb"
)

// TestLedgerCheckInChromium: an inspector keeps the checkpoint the ledger
// page shows, and later, in the browser alone, checks the record against
// it and a case's events against the newest checkpoint, reading in words
// what was checked and that it held; the pages pass the accessibility
// checks.
func TestLedgerCheckInChromium(t *testing.T) {
	f, base := start(t, testdb.Open(t, "sqlite"))
	ctx := context.Background()
	l := f.Svc.Ledger()
	if _, err := l.Cut(ctx, f.Admin); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, base)
	b.signIn("hmi")
	b.open("/ledger")
	var kept string
	b.run(chromedp.Evaluate(`document.querySelector("#latest-checkpoint pre").innerText`, &kept))
	if !strings.Contains(kept, "northshire.police.invalid/holdfast") {
		t.Fatalf("the ledger page shows no checkpoint to keep: %q", kept)
	}
	b.check("ledger")

	c := f.Allocated(t)
	if _, err := l.Cut(ctx, f.Admin); err != nil {
		t.Fatal(err)
	}
	b.open("/ledger")
	b.run(set("f-earlier", kept), set("f-case", c.Ref))
	b.press("Check the ledger")
	m := b.main()
	for _, want := range []string{"The record was not altered", "The latest checkpoint's signature",
		"Consistency with the earlier checkpoint you gave", "The events of " + c.Ref, "Holds"} {
		if !strings.Contains(m, want) {
			t.Errorf("the check's page lacks %q: %s", want, m)
		}
	}
	if strings.Contains(m, "Failed") || isoDate.MatchString(m) {
		t.Errorf("the check's page: %s", m)
	}
	b.check("ledger-checked")

	b.run(set("f-earlier", "not a checkpoint"), set("f-case", ""))
	b.press("Check the ledger")
	if m := b.main(); !strings.Contains(m, "There is a problem") || !strings.Contains(m, "valid signature") {
		t.Errorf("a forged checkpoint is not refused in words: %s", m)
	}
	b.check("ledger-check-refused")
}
