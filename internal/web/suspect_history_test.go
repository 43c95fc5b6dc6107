package web_test

import (
	"context"
	"html"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestSuspectHistoryOnThePage (issue 22, item 4): the suspect section
// lists every status change with its date, oldest first, in words; the
// case's offences read as the classification's titles.
func TestSuspectHistoryOnThePage(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, "sqlite")
	f, base := start(t, db)
	c, err := f.Svc.OpenReferral(ctx, f.Investigator, service.NewReferral{TeamID: f.TeamA, Summary: "a referral",
		OffenceTypes: []string{"CSE", "assault_of_a_child_under_13_by_penetration"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err = f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Adam Smith"})
	if err != nil {
		t.Fatal(err)
	}
	sid := c.Suspects[0].ID
	for _, st := range []struct {
		s  domain.SuspectStatus
		on string
	}{{domain.SuspectArrested, "2026-01-05"}, {domain.SuspectInterviewed, "2026-01-05"},
		{domain.SuspectRUI, "2026-01-06"}, {domain.SuspectNFA, "2026-02-20"}} {
		c, err = f.Svc.SetSuspectStatus(ctx, f.Investigator, c.ID, service.SetSuspectStatus{Version: c.Version,
			Suspect: sid, Status: st.s, On: st.on})
		if err != nil {
			t.Fatal(err)
		}
	}
	cl := newClient(t, base, "ivy")
	status, body := cl.get("/cases/" + request.PathRef(c.Ref) + "/people")
	if status != 200 {
		t.Fatalf("people section: %d", status)
	}
	text := strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(body, " "))), " ")
	want := "Status history Arrested, 5 January 2026 Interviewed, 5 January 2026 Released under investigation, " +
		"6 January 2026 No further action, 20 February 2026"
	if !strings.Contains(text, want) {
		i := strings.Index(text, "Status history")
		t.Fatalf("the suspect's history is not shown in order: …%s…", text[max(0, i):min(len(text), max(0, i)+300)])
	}
	if strings.Contains(text, "Not interviewed") {
		t.Error("a suspect interviewed and later NFA'd is tagged not interviewed")
	}
	_, body = cl.get("/cases/" + request.PathRef(c.Ref))
	if !strings.Contains(html.UnescapeString(body), "Sexual assault on a female child under 13") {
		t.Error("the case's offences do not read as the classification's titles")
	}
}
