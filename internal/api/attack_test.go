package api_test

// Attacks on the API (issue 16), each a reproduction that worked on the
// running system before it was closed. Add one here for every hole found:
// the request as the attacker sent it, and what must happen instead.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// An attack (issue 16, item 2) sent "version": -1 to skip the lost-update
// check. Over HTTP, a version no case can have is refused with 422 naming
// "version", and nothing is written.
func TestAttackVersionMinusOneOverHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		c := h.f.Allocated(t)
		c = wfMust(
			t,
		)(
			h.f.Svc.RaiseAction(
				ctx,
				h.f.Investigator,
				c.ID,
				service.NewAction{Version: c.Version, Title: "Visit the school"},
			),
		)
		path := "/api/v1/cases/" + request.PathRef(c.Ref)
		for _, v := range []int64{-1, 0, -7} {
			for _, cmd := range []struct{ path, body string }{
				{"/notes", `{"version":%d,"text":"written blind"}`},
				{"/plan", `{"version":%d,"plan":"rewritten blind"}`},
				{"/actions/" + c.Actions[0].ID + "/allocate", `{"version":%d,"to":"` + h.f.Investigator2.ID() + `"}`},
			} {
				before, _ := testdb.RecordEvents(ctx, db)
				method := "POST"
				if cmd.path == "/plan" {
					method = "PUT"
				}
				res := h.do(h.f.Investigator, method, path+cmd.path, fmt.Sprintf(cmd.body, v))
				if res.status != 422 {
					t.Fatalf("%s with version %d: status %d, want 422: %s", cmd.path, v, res.status, res.body)
				}
				found := false
				for _, e := range res.problem(t).Errors {
					found = found || e.Field == "version"
				}
				if !found {
					t.Errorf("%s with version %d: no error names the version: %s", cmd.path, v, res.body)
				}
				if after, _ := testdb.RecordEvents(ctx, db); after != before {
					t.Fatalf("%s with version %d appended %d events", cmd.path, v, after-before)
				}
			}
		}
	})
}

// Item 7: JSON keys matched case-insensitively, a duplicated key's last
// value won, invalid UTF-8 was replaced, and no field had a length limit.
// Each is refused with a problem naming the field, and nothing is written.
func TestAttackLenientInput(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		c := h.f.Allocated(t)
		notes := "/api/v1/cases/" + request.PathRef(c.Ref) + "/notes"
		v := c.Version
		for _, tc := range []struct {
			name, body, field, rule string
			status                  int
		}{
			{"a key in another case", fmt.Sprintf(`{"VERSION":%d,"text":"x"}`, v), "VERSION", "key_case", 400},
			{"a key twice: which text is the note?", fmt.Sprintf(`{"version":%d,"text":"harmless","text":"other"}`, v),
				"text", "duplicate_key", 400},
			{"invalid UTF-8", fmt.Sprintf("{\"version\":%d,\"text\":\"caf\xe9\"}", v), "", "invalid_text", 400},
			{"a note over the prose limit", fmt.Sprintf(`{"version":%d,"text":"%s"}`, v,
				strings.Repeat("a", domain.ProseText+1)), "text", "too_long", 400},
			{"a control character", fmt.Sprintf(`{"version":%d,"text":"a\u001bb"}`, v), "text", "control_character", 400},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before, _ := testdb.RecordEvents(ctx, db)
				res := h.do(h.f.Investigator, "POST", notes, tc.body)
				if res.status != tc.status {
					t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
				}
				p := res.problem(t)
				found := false
				for _, e := range p.Errors {
					found = found || (e.Field == tc.field && e.Rule == tc.rule)
				}
				if !found || p.Detail == "" {
					t.Errorf("no problem %s:%s: %s", tc.field, tc.rule, res.body)
				}
				if after, _ := testdb.RecordEvents(ctx, db); after != before {
					t.Fatalf("refused input appended %d events", after-before)
				}
			})
		}
	})
}

// Item 7: a date of birth of 0001-01-01 and a reported_at in year 1 were
// accepted. A date of birth is from 1900 and not in the future; a date that
// records the past is from 1900 and not in the future.
func TestAttackImpossibleDates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		c := h.f.Allocated(t)
		path := "/api/v1/cases/" + request.PathRef(c.Ref)
		future := h.f.Svc.Now().AddDate(0, 0, 2)
		for _, tc := range []struct {
			name, path, body, field string
		}{
			{"a victim born in year 1", path + "/victims",
				fmt.Sprintf(`{"version":%d,"name":"A","dob":"0001-01-01"}`, c.Version), "dob"},
			{"a victim born in 1899", path + "/victims",
				fmt.Sprintf(`{"version":%d,"name":"A","dob":"1899-12-31"}`, c.Version), "dob"},
			{"a suspect born in year 1", path + "/suspects",
				fmt.Sprintf(`{"version":%d,"name":"B","dob":"0001-01-01"}`, c.Version), "dob"},
			{"a referral reported in year 1", "/api/v1/cases", fmt.Sprintf(`{"team_id":%q,"summary":"s",`+
				`"offence_types":["child_sexual_exploitation"],"source":"school","reported_at":"0001-06-01T00:00:00Z"}`,
				h.f.TeamA), "reported_at"},
			{"a referral reported the day after tomorrow", "/api/v1/cases", fmt.Sprintf(`{"team_id":%q,"summary":"s",`+
				`"offence_types":["child_sexual_exploitation"],"source":"school","reported_at":%q}`,
				h.f.TeamA, future.Format("2006-01-02T15:04:05Z07:00")), "reported_at"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before, _ := testdb.RecordEvents(ctx, db)
				res := h.do(h.f.Investigator, "POST", tc.path, tc.body)
				if res.status != 422 {
					t.Fatalf("status %d, want 422: %s", res.status, res.body)
				}
				found := false
				for _, e := range res.problem(t).Errors {
					found = found || e.Field == tc.field
				}
				if !found {
					t.Errorf("no problem names %s: %s", tc.field, res.body)
				}
				if after, _ := testdb.RecordEvents(ctx, db); after != before {
					t.Fatalf("refused input appended %d events", after-before)
				}
			})
		}
		// The bounds themselves are accepted.
		res := h.do(h.f.Investigator, "POST", path+"/victims",
			fmt.Sprintf(`{"version":%d,"name":"A","dob":"1900-01-01"}`, c.Version))
		if res.status != 201 {
			t.Errorf("a victim born on 1 January 1900: %d, want 201: %s", res.status, res.body)
		}
	})
}

// TestAttackVRRDecidedByReadOnlyInspector (issue 16, item 1): a read-only
// inspector of rank chief inspector POSTed vrr/decide on a request nobody
// had acknowledged and got 200; the case's record must not change.
func TestAttackVRRDecidedByReadOnlyInspector(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		f := h.f
		u, err := f.CreateApproved(ctx, service.NewUser{Username: "hmic", Name: "HMIC Chief", Collar: "X0009",
			Rank: domain.RankChiefInspector, UnitID: f.ForceID, Roles: []domain.Role{domain.RoleInspector},
			Password: fixture.Password})
		if err != nil {
			t.Fatal(err)
		}
		chief := &service.Actor{User: *u}
		if h.tokens[chief], err = f.Svc.CreateToken(ctx, chief, "attack"); err != nil {
			t.Fatal(err)
		}
		c := wfVRRRequested(h, t, f.Allocated(t))
		path := "/api/v1/cases/" + request.PathRef(c.Ref) + "/vrr/decide"
		for _, d := range []string{"upheld", "not_upheld"} {
			res := h.do(chief, "POST", path, map[string]any{"version": c.Version, "decision": d,
				"reasons": "The decision was sound"})
			if res.status < 400 || res.status == http.StatusInternalServerError {
				t.Fatalf("a read-only inspector decided %s: %d %s", d, res.status, res.body)
			}
		}
		after, err := f.Svc.ViewCase(ctx, f.Manager, c.Ref, "test")
		if err != nil {
			t.Fatal(err)
		}
		if after.Version != c.Version || after.PendingVRR() == nil || after.PendingVRR().Decision != "" {
			t.Fatalf("the refused decisions changed the case: version %d → %d", c.Version, after.Version)
		}
	})
}
