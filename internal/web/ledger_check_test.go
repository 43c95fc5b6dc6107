package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// isoDate is a date as a machine writes it, which no page may show.
var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// postForms are the forms on a page that would write something.
var postForms = regexp.MustCompile(`<form[^>]*method="post"[^>]*action="([^"]*)"`)

// TestLedgerCheckInTheBrowser: the ledger page says its times in words and
// offers the inspector a check of the record that the command-line tool
// would make — the latest checkpoint's signature, its consistency with a
// checkpoint kept from before, a case's events included — with what was
// checked said in words; naming a case records the read and nothing else;
// a forged earlier checkpoint is refused, a rewritten one fails the check.
func TestLedgerCheckInTheBrowser(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		l := f.Svc.Ledger()
		first, err := l.Cut(ctx, f.Admin)
		if err != nil {
			t.Fatal(err)
		}
		c := f.Allocated(t)
		if _, err := l.Cut(ctx, f.Admin); err != nil {
			t.Fatal(err)
		}

		hmi := newClient(t, base, "hmi")
		status, page := hmi.get("/ledger")
		if status != 200 || !strings.Contains(page, `action="/ledger/check"`) {
			t.Fatalf("ledger page: %d, want a Check the ledger form", status)
		}
		if m := isoDate.FindString(page); m != "" {
			t.Errorf("the ledger page shows the date %s", m)
		}
		for _, m := range postForms.FindAllStringSubmatch(page, -1) {
			if m[1] != "/sign-out" {
				t.Errorf("the inspector, who changes nothing, is offered a form that writes: %s", m[1])
			}
		}

		last, _ := db.LatestSeq(ctx)
		status, page = hmi.get("/ledger/check?" + url.Values{"earlier": {string(first.Note)},
			"case": {c.Ref}}.Encode())
		for _, want := range []string{"The record was not altered", "The latest checkpoint&#39;s signature",
			"Consistency with the earlier checkpoint you gave", "The events of " + c.Ref, "hashed again"} {
			if !strings.Contains(page, want) {
				t.Errorf("the check's page lacks %q", want)
			}
		}
		if status != 200 || strings.Contains(page, "Failed") {
			t.Fatalf("check: %d", status)
		}
		if m := isoDate.FindString(page); m != "" {
			t.Errorf("the check's page shows the date %s", m)
		}
		// The check wrote the read of the case, and nothing else.
		if now, _ := db.LatestSeq(ctx); now-last != 1 {
			t.Errorf("the check wrote %d events, want only the read", now-last)
		}
		rep, err := f.Svc.AccessReport(ctx, f.Auditor, service.AccessQuery{Case: c.Ref})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rep.Reads {
			found = found || (r.How == service.ReadLedgerCheck && r.UserID == f.External.ID())
		}
		if !found {
			t.Error("the inspector's look at the case's events is not in the access report")
		}

		// Without an earlier checkpoint: the one before the latest.
		if _, page = hmi.get("/ledger/check"); !strings.Contains(page, "Consistency with the checkpoint before it") {
			t.Error("a check without an earlier checkpoint does not compare with the one before the latest")
		}
		// A checkpoint not signed by the force's key is refused.
		status, page = hmi.get("/ledger/check?" + url.Values{"earlier": {"not a checkpoint"}}.Encode())
		if status != 422 || !strings.Contains(page, "does not carry a valid signature") {
			t.Errorf("a forged checkpoint: %d", status)
		}
		// One signed with the key but over other events: history rewritten.
		signer, err := ledger.LoadSigner(f.LedgerKey)
		if err != nil {
			t.Fatal(err)
		}
		verifier, err := ledger.LoadVerifier(ledger.PublicKeyPath(f.LedgerKey))
		if err != nil {
			t.Fatal(err)
		}
		cp, err := ledger.Open(first.Note, verifier)
		if err != nil {
			t.Fatal(err)
		}
		cp.Root = append([]byte{}, cp.Root...)
		cp.Root[0] ^= 1
		other, err := ledger.Sign(cp, signer)
		if err != nil {
			t.Fatal(err)
		}
		status, page = hmi.get("/ledger/check?" + url.Values{"earlier": {string(other)}}.Encode())
		if status != 200 || !strings.Contains(page, "A check failed") || !strings.Contains(page, "history has been rewritten") {
			t.Errorf("a rewritten history: %d, want the check to fail and say so", status)
		}

		// An investigator may not check the ledger.
		if status, _ := newClient(t, base, "ivy").get("/ledger/check"); status != 403 {
			t.Errorf("an investigator checked the ledger: %d", status)
		}
	})
}

// TestLedgerCheckRehashesStoredEvents: the check's claim rests on the rows
// as stored now, not on the tree the server built in memory. An event row
// altered while the server runs fails the check, saying what failed; a
// checkpoint row whose size or time was edited is not shown as signed and
// fails the check; a checkpoint row the database cannot read is "could not
// check", not "no checkpoint has been signed yet", and never "altered".
func TestLedgerCheckRehashesStoredEvents(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		l := f.Svc.Ledger()
		f.Allocated(t)
		if _, err := l.Cut(ctx, f.Admin); err != nil {
			t.Fatal(err)
		}
		hmi := newClient(t, base, "hmi")
		if _, page := hmi.get("/ledger/check"); !strings.Contains(page, "The record was not altered") ||
			!strings.Contains(page, "hashed again") {
			t.Fatal("clean record not verified by re-hashing it")
		}
		exec := func(q string) {
			t.Helper()
			if _, err := db.Raw().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}

		// The checkpoint row's size and time edited: neither is shown as
		// signed, and the check fails on them.
		var size int64
		var created string
		if err := db.Raw().QueryRowContext(ctx, `SELECT size, created_at FROM checkpoints ORDER BY size DESC LIMIT 1`).
			Scan(&size, &created); err != nil {
			t.Fatal(err)
		}
		exec(fmt.Sprintf(`UPDATE checkpoints SET size = 999999999 WHERE size = %d`, size))
		if _, page := hmi.get("/ledger"); strings.Contains(page, "999,999,999") ||
			!strings.Contains(page, "Does not verify") {
			t.Error("the ledger page shows an edited checkpoint size as signed")
		}
		if _, page := hmi.get("/ledger/check"); strings.Contains(page, "The record was not altered") ||
			strings.Contains(page, "999,999,999 events, stored") || !strings.Contains(page, "the table has been altered") {
			t.Errorf("a checkpoint row covering 999,999,999 events passes the check:\n%s", steps(page))
		}
		exec(fmt.Sprintf(`UPDATE checkpoints SET size = %d, created_at = '2020-01-01T00:00:00.000000000Z' WHERE size = 999999999`,
			size))
		if _, page := hmi.get("/ledger/check"); strings.Contains(page, "The record was not altered") ||
			strings.Contains(page, "2020, signed") || !strings.Contains(page, "but its signed text says") {
			t.Errorf("a checkpoint row dated 2020, before the time it signed, passes the check:\n%s", steps(page))
		}
		// Its time moved later: the time is signed, so this is caught too,
		// and neither page shows the moved time.
		at, err := time.Parse("2006-01-02T15:04:05.000000000Z", created)
		if err != nil {
			t.Fatal(err)
		}
		moved := at.Add(3 * time.Hour)
		exec(fmt.Sprintf(`UPDATE checkpoints SET created_at = '%s' WHERE size = %d`,
			moved.UTC().Format("2006-01-02T15:04:05.000000000Z"), size))
		if _, page := hmi.get("/ledger"); strings.Contains(page, clock.GovUK(moved)) ||
			!strings.Contains(page, "Does not verify") {
			t.Error("the ledger page shows a checkpoint time moved later as signed")
		}
		if _, page := hmi.get("/ledger/check"); strings.Contains(page, "The record was not altered") ||
			!strings.Contains(page, "but its signed text says") || !strings.Contains(page, "the table has been altered") {
			t.Errorf("a checkpoint row whose time was moved later passes the check:\n%s", steps(page))
		}

		// A time the database cannot read is not "no checkpoint yet".
		exec(`UPDATE checkpoints SET created_at = 'garbled'`)
		if _, page := hmi.get("/ledger/check"); strings.Contains(page, "No checkpoint has been signed yet") ||
			strings.Contains(page, "A check failed") || !strings.Contains(page, "could not be fully checked") ||
			!strings.Contains(page, "Could not be checked: the database did not answer") {
			t.Error("an unreadable checkpoint row is reported as no checkpoint, or as the record altered")
		}
		exec(fmt.Sprintf(`UPDATE checkpoints SET created_at = '%s'`, created))

		// An event altered in place after the tree took it in.
		exec(`UPDATE events SET payload = '{"note":{"text":"nothing happened"}}' WHERE seq = 3`)
		_, page := hmi.get("/ledger/check?event=3")
		if strings.Contains(page, "The record was not altered") {
			t.Errorf("event 3 altered in the database, yet the ledger check says the record was not altered:\n%s",
				steps(page))
		}
		for _, want := range []string{"A check failed", "The stored record against the latest checkpoint",
			"event 3: its contents do not match its hash (altered in place)"} {
			if !strings.Contains(page, want) {
				t.Errorf("the failed check lacks %q", want)
			}
		}
		if out := steps(page); strings.Contains(out, "calculated root") || strings.Contains(out, "[") {
			t.Error("the failed check shows raw bytes")
		}
	})
}

// steps is the check's outcome on a page, for a failing test's message.
func steps(page string) string {
	if i := strings.Index(page, `id="check-result"`); i >= 0 {
		page = page[i:]
	}
	if i := strings.Index(page, `id="check"`); i >= 0 {
		page = page[:i]
	}
	return page
}

// TestLedgerPageSaysWhetherTheTimeIsSigned: a checkpoint's time shown on
// the ledger page and in the check is the one it signed; a checkpoint cut
// before checkpoints signed their time still verifies, and both say its
// time is not signed rather than showing the time stored beside it.
func TestLedgerPageSaysWhetherTheTimeIsSigned(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		l := f.Svc.Ledger()
		c, err := l.Cut(ctx, f.Admin)
		if err != nil {
			t.Fatal(err)
		}
		hmi := newClient(t, base, "hmi")
		signedAt := "signed " + clock.GovUK(c.Created)
		// In plain words for an inspector: what was checked, and when the
		// checkpoint was signed (it said "Covers …, signed …", and once
		// "stored as cut …").
		checked := "Its signature was checked with the force&#39;s public key and is genuine. It covers "
		if _, page := hmi.get("/ledger"); !strings.Contains(page, checked) || !strings.Contains(page, " and was "+signedAt) ||
			strings.Contains(page, "Time not signed") {
			t.Errorf("the ledger page does not say what was checked and when the checkpoint was signed (%q)", signedAt)
		}
		if _, page := hmi.get("/ledger/check"); !strings.Contains(page, "The record was not altered") ||
			!strings.Contains(page, signedAt) {
			t.Errorf("the check does not say when the checkpoint was signed:\n%s", steps(page))
		}

		// A checkpoint as cut before times were signed, over a later size.
		f.Allocated(t)
		signer, err := ledger.LoadSigner(f.LedgerKey)
		if err != nil {
			t.Fatal(err)
		}
		st, err := l.Status(ctx, f.Admin)
		if err != nil {
			t.Fatal(err)
		}
		p, err := l.Consistency(ctx, f.Admin, 1, st.TreeSize)
		if err != nil {
			t.Fatal(err)
		}
		old, err := ledger.Sign(ledger.Checkpoint{Origin: st.Origin, Size: st.TreeSize, Root: p.Root2}, signer)
		if err != nil {
			t.Fatal(err)
		}
		stored := time.Now().Add(2 * time.Hour)
		if err := db.SaveCheckpoint(ctx, store.Checkpoint{Size: int64(st.TreeSize), Note: old, Created: stored}); err != nil {
			t.Fatal(err)
		}
		_, page := hmi.get("/ledger")
		if !strings.Contains(page, "Time not signed") || strings.Contains(page, clock.GovUK(stored)) ||
			!strings.Contains(page, "It covers "+service.EventCount(st.TreeSize)) {
			t.Error("the ledger page shows an unsigned checkpoint time as if signed, or not its signed size")
		}
		_, page = hmi.get("/ledger/check")
		for _, want := range []string{"The record was not altered", "whose time is not signed", "Its time is not signed"} {
			if !strings.Contains(page, want) {
				t.Errorf("the check of a checkpoint without a signed time lacks %q:\n%s", want, steps(page))
			}
		}
		if strings.Contains(page, clock.GovUK(stored)) {
			t.Error("the check shows the stored time of a checkpoint that signed none")
		}
	})
}
