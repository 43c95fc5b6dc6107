package web_test

import (
	"bytes"
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

// TestTrainingOverridePages: the action picker marks an officer who lacks
// the ABE accreditation; a manager records an override on its page; the
// history says so; the officer can then be given the interview.
func TestTrainingOverridePages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		src := f.Svc.Policy().Source()
		anchor := []byte("  override_max: 7 days\n")
		i := bytes.Index(src, anchor) + len(anchor)
		p, err := policy.Parse(append(append(bytes.Clone(src[:i]), `  requirements:
    action:
      - {id: abe_child, needs: abe, actions: [abe_interview], child_victim: true, why: "a child's interview follows Achieving Best Evidence"}
`...), src[i:]...))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Svc.SetPolicy(p); err != nil {
			t.Fatal(err)
		}
		c := f.Allocated(t)
		c = must(f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
			Standard: "abe_interview"}))
		act := c.Actions[0].ID
		path := "/cases/" + request.PathRef(c.Ref)

		sam := newClient(t, base, "sam")
		_, page := sam.get(path + "/do/allocate-action?action=" + act)
		if !strings.Contains(html.UnescapeString(page), "DC Ian Investigator — lacks Achieving Best Evidence interviewing") {
			t.Errorf("the allocation picker does not mark the unaccredited officer")
		}
		if _, page := sam.get(path + "/decisions"); strings.Contains(page, "Override a training requirement") {
			t.Errorf("a sergeant is offered the manager's override")
		}

		max := newClient(t, base, "max")
		if _, page := max.get(path + "/decisions"); !strings.Contains(page, "do/override-training") {
			t.Errorf("the manager is not offered the override")
		}
		status, page := max.get(path + "/do/override-training")
		if status != 200 {
			t.Fatalf("the override page: %d", status)
		}
		status, body := max.post(path+"/do/override-training", url.Values{"csrf": {max.csrf(page)},
			"version": {itoa(c.Version)}, "work": {"action"}, "action_id": {act}, "user_id": {f.Investigator2.ID()},
			"reason": {"The child is to be interviewed tonight; both ABE officers are on leave"}, "hours": {"6"}})
		if status != 200 || !strings.Contains(body, "Override recorded") {
			t.Fatalf("override: %d %s", status, errorSummary(body))
		}
		_, h := max.get(path + "/history")
		if !strings.Contains(html.UnescapeString(h), "overrode the training requirement for action A1") ||
			!strings.Contains(h, "both ABE officers are on leave") {
			t.Errorf("the history does not show the override and its reason")
		}
		c, _ = db.Case(ctx, c.ID)
		if _, err := f.Svc.AllocateAction(ctx, f.Supervisor, c.ID, service.AllocateAction{Version: c.Version,
			Action: act, To: f.Investigator2.ID()}); err != nil {
			t.Errorf("allocation under the override: %v", err)
		}
	})
}
