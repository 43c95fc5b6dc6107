package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestLinksPage: the analyst's Links page lists the cases whose suspects
// share a phone, each linked to its case page, with what officers typed
// escaped; it is in the analyst's menu and not an investigator's, who is
// refused it; it writes nothing.
func TestLinksPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		suspect := func(s service.NewSuspect) *domain.Case {
			c := f.Allocated(t)
			s.Version = c.Version
			c, err := f.Svc.AddSuspect(ctx, f.Investigator, c.ID, s)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		c1 := suspect(service.NewSuspect{Name: `<script>alert("x")</script> Adam`, Phone: "07700 900123"})
		c2 := suspect(service.NewSuspect{Description: "Tall <b>man</b>", Phone: "+44 (0)7700 900123"})
		c3 := suspect(service.NewSuspect{Name: "Carl Dunn", Phone: "07700 900999"})

		ana := newClient(t, base, "ana")
		before, _ := db.LatestSeq(ctx)
		status, page := ana.get("/links")
		if status != 200 {
			t.Fatalf("the analyst's links page: %d", status)
		}
		for _, want := range []string{`href="/links"`, "Phone: 07700 900123", `href="/cases/` + request.PathRef(c1.Ref) + `"`, `href="/cases/` + request.PathRef(c2.Ref) + `"`,
			"&#43;44 (0)7700 900123", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Adam", "Tall &lt;b&gt;man&lt;/b&gt;"} {
			if !strings.Contains(page, want) {
				t.Errorf("the links page does not show %q", want)
			}
		}
		if strings.Contains(page, `<script>alert("x")</script>`) || strings.Contains(page, "<b>man</b>") {
			t.Error("a suspect's name reached the page unescaped")
		}
		if strings.Contains(page, c3.Ref) {
			t.Errorf("the unrelated case %s is on the links page", c3.Ref)
		}
		// Showing the links is one recorded read naming the cases shown.
		var reads []domain.RecordsRead
		if err := db.ScanEvents(ctx, before+1, 0, func(e *event.Event) error {
			var p domain.RecordsRead
			if e.Type != domain.EvRecordsRead || json.Unmarshal(e.Payload, &p) != nil {
				t.Errorf("the links page wrote a %s event", e.Type)
			}
			reads = append(reads, p)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(reads) != 1 || reads[0].View != "links" || !slices.Contains(reads[0].Cases, c1.ID) ||
			!slices.Contains(reads[0].Cases, c2.ID) || slices.Contains(reads[0].Cases, c3.ID) {
			t.Errorf("the links page recorded %+v, want one read of %s and %s", reads, c1.Ref, c2.Ref)
		}

		// Filtered to a case with no links; a kind that is not one is refused, saying why.
		if status, page := ana.get("/links?case=" + request.PathRef(c3.Ref)); status != 200 ||
			strings.Contains(page, c1.Ref) ||
			!strings.Contains(page, "No suspect identifier is shared") {
			t.Errorf("links of the unrelated case: %d", status)
		}
		if status, page := ana.get("/links?kind=email"); status != 422 ||
			!strings.Contains(page, "govuk-error-summary") ||
			!strings.Contains(page, `href="#f-kind"`) {
			t.Errorf("links by an unknown kind: %d", status)
		}
		// A mistyped case is refused on the form, which keeps what was
		// typed, not "Page not found" (a tester's dead end).
		if status, page := ana.get("/links?case=" + url.QueryEscape("CSE/2099/999999")); status != 422 ||
			!strings.Contains(page, `href="#f-case"`) || !strings.Contains(page, `id="f-case"`) ||
			!strings.Contains(page, "There is no case CSE/2099/999999 that you may see") ||
			!strings.Contains(page, `value="CSE/2099/999999"`) {
			t.Errorf("links of a case that is not there: %d", status)
		}
		// The case page offers the analyst the case's links.
		if _, page := ana.get("/cases/" + request.PathRef(c1.Ref)); !strings.Contains(
			page,
			`href="/links?case=`+request.PathRef(c1.Ref)+`"`,
		) {
			t.Error("the case page does not link to the case's links")
		}

		ivy := newClient(t, base, "ivy")
		if status, _ := ivy.get("/links"); status != 403 {
			t.Errorf("investigator on /links: %d, want 403", status)
		}
		if _, page := ivy.get("/work"); strings.Contains(page, `href="/links"`) {
			t.Error("an investigator's menu offers Links")
		}
		if _, page := ivy.get("/cases/" + request.PathRef(c1.Ref)); strings.Contains(page, `href="/links?case=`) {
			t.Error("an investigator's case page offers the links")
		}
	})
}
