package api_test

import (
	"encoding/json"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestCommandAnswerIsTheWholeCase: a case command's answer is the case as
// GET gives it, with every note and review (found by a tester: a POST
// answered with no notes or reviews at all once they left the document),
// and the answer matches the OpenAPI document (the harness checks).
func TestCommandAnswerIsTheWholeCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		c := h.f.Allocated(t)
		var err error
		if c, err = h.f.Svc.RecordReview(ctx, h.f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
			Summary: "Plan agreed"}); err != nil {
			t.Fatal(err)
		}
		if c, err = h.f.Svc.AddNote(ctx, h.f.Investigator, c.ID, service.NewNote{Version: c.Version,
			Text: "first note"}); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/cases/" + request.PathRef(c.Ref)
		res := h.do(h.f.Investigator, "POST", path+"/notes", map[string]any{"version": c.Version, "text": "second note"})
		if res.status != 201 {
			t.Fatalf("add a note: %d %s", res.status, res.body)
		}
		var got struct {
			Notes []struct {
				Text string `json:"text"`
			} `json:"notes"`
			Reviews []struct {
				Summary string `json:"summary"`
			} `json:"reviews"`
		}
		if err := json.Unmarshal(res.body, &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Notes) != 2 || got.Notes[0].Text != "first note" || got.Notes[1].Text != "second note" {
			t.Errorf("the answer's notes: %+v", got.Notes)
		}
		if len(got.Reviews) != 1 || got.Reviews[0].Summary != "Plan agreed" {
			t.Errorf("the answer's reviews: %+v", got.Reviews)
		}
	})
}
