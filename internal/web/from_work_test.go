package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestFormFromMyWorkReturnsThere: the tester's fault. Record contact,
// followed from My work, said "Back to Victims" and returned to the case.
// Opened from My work (from=work, a fixed word), its back link, Cancel
// and the return after success go to My work; any other from is ignored.
func TestFormFromMyWorkReturnsThere(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		c = must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
			DateOfBirth: "2012-05-01"}))
		victim := c.Victims[0].ID
		ivy := newClient(t, base, "ivy")
		_, work := ivy.get("/work")
		form := "/cases/" + request.PathRef(c.Ref) + "/do/record-contact?from=work&victim=" + url.QueryEscape(victim)
		if !strings.Contains(work, `href="`+html.EscapeString(form)+`"`) {
			t.Fatalf("My work does not link the contact duty with from=work: %s", form)
		}
		status, page := ivy.get(form)
		if status != 200 || !strings.Contains(page, `<a href="/work" class="govuk-back-link">Back to My work</a>`) ||
			!strings.Contains(page, `<input type="hidden" name="from" value="work">`) ||
			!regexp.MustCompile(`href="/work">Cancel</a>`).MatchString(page) {
			t.Fatalf("the form opened from My work: %d, its back link or Cancel does not go there", status)
		}
		_, odd := ivy.get(strings.Replace(form, "from=work", "from=%2F%2Fevil.example", 1))
		if strings.Contains(odd, "evil.example") || !strings.Contains(odd, "Back to Victims") {
			t.Error("a from that is not a known word reached the page")
		}
		status, body := ivy.post("/cases/"+request.PathRef(c.Ref)+"/do/record-contact", url.Values{
			"csrf": {ivy.csrf(page)}, "version": {itoa(c.Version)}, "victim": {victim}, "from": {"work"},
			"kind": {domain.ContactUpdate}, "method": {"phone"}, "note": {"Spoke to her mother; she is safe"}})
		if status != 200 || !strings.Contains(body, "Contact recorded") || !strings.Contains(body, "<title>My work") {
			t.Fatalf("after recording from My work: %d %s", status, errorSummary(body))
		}
	})
}
