package web_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAcceptTransferChecksTrainingFirst: choosing an officer in charge who
// lacks the accreditation the case needs stops at the first step with the
// error summary; the check-your-answers page and its Accept button, which
// the confirmation would refuse, are never shown.
func TestAcceptTransferChecksTrainingFirst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		moving := f.Allocated(t)
		moving = must(f.Svc.ProposeTransfer(ctx, f.Investigator, moving.ID, service.ProposeTransfer{
			Version: moving.Version, ToTeam: f.TeamC, Reason: "Linked to an MIT operation"}))
		src := strings.Replace(strings.Replace(string(policy.DefaultYAML()), "mfa_required: all", "mfa_required: none", 1), "  override_max: 7 days", "  override_max: 7 days\n"+
			"  requirements:\n    owner:\n      - {id: cse_owner_pip2, needs: pip2, offences: [CSE], why: serious}", 1)
		pol, err := policy.Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Svc.SetPolicy(pol); err != nil {
			t.Fatal(err)
		}
		olly := newClient(t, base, "olly")
		ap := "/cases/" + request.PathRef(moving.Ref) + "/do/accept-transfer"
		_, form := olly.get(ap)
		status, body := olly.post(ap, url.Values{"csrf": {olly.csrf(form)}, "version": {itoa(moving.Version)},
			"owner_id": {f.OtherTeam.ID()}})
		summary := errorSummary(body)
		if status != 422 || !strings.Contains(summary, "cannot be officer in charge of "+moving.Ref) {
			t.Errorf("an unaccredited owner at the check step: %d, summary %q", status, summary)
		}
		if strings.Contains(html.UnescapeString(body), "Check your answers") {
			t.Error("the check page was shown for an owner the confirmation refuses")
		}
		c, _ := db.Case(ctx, moving.ID)
		if c.TeamID == f.TeamC {
			t.Error("the refused transfer was accepted")
		}
	})
}
