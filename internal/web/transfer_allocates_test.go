package web_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAcceptingAReferralSaysItAllocates: accepting a transferred referral
// allocates it to the officer chosen (since be40cae), and the walk of
// 2026-12-07 found the transfer pages not saying so. The form and its
// check step say it before the button is pressed, and the banner after.
func TestAcceptingAReferralSaysItAllocates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		r := f.Referral(t)
		r = must(f.Svc.ProposeTransfer(ctx, f.Supervisor, r.ID, service.ProposeTransfer{Version: r.Version,
			ToTeam: f.TeamC, Reason: "Linked to an MIT operation"}))
		olly := newClient(t, base, "olly")
		ap := "/cases/" + request.PathRef(r.Ref) + "/do/accept-transfer"
		const before = "Accepting allocates the referral to the officer you choose: it opens as their case"
		_, form := olly.get(ap)
		if !strings.Contains(html.UnescapeString(form), before) {
			t.Fatalf("the accept form does not say the referral is allocated:\n%s", form)
		}
		in := url.Values{"csrf": {olly.csrf(form)}, "version": {itoa(r.Version)}, "owner_id": {f.OtherTeam.ID()}}
		status, check := olly.post(ap, in)
		if status != 200 || !strings.Contains(html.UnescapeString(check), "Check your answers") ||
			!strings.Contains(html.UnescapeString(check), before) {
			t.Fatalf("the check step does not say the referral is allocated: %d %s", status, errorSummary(check))
		}
		in.Set("step", "confirm")
		status, done := olly.post(ap, in)
		if status != 200 || !strings.Contains(html.UnescapeString(done),
			"Transfer accepted: the case is allocated to DC Olly Other, who is now its officer in charge") {
			t.Fatalf("after accepting, the banner does not say it is allocated: %d %s", status, errorSummary(done))
		}
		if c, _ := db.Case(ctx, r.ID); c.Status != domain.StatusOpen || c.OwnerID != f.OtherTeam.ID() {
			t.Fatalf("the accepted referral: %s, owned by %s", c.Status, c.OwnerID)
		}
	})
}
