package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/exercise"
	"github.com/holdfast/holdfast/internal/exercise/build"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// navigate follows the navigation's link called label.
func (b *browser) navigate(label string) {
	b.t.Helper()
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(`//nav//a[normalize-space()='`+label+`']`))
	b.waitFresh()
}

// TestExerciseInTheBrowser (issue 21): a trainee signs in to an exercise,
// finds their cases on the exercise page, puts one planted error right (a
// supervisory review long overdue) 25 minutes into the exercise; the
// trainer's page then scores it found, with the time, and the rest
// missed. Both pages are axe-clean.
func TestExerciseInTheBrowser(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	start := time.Now().UTC().Truncate(time.Minute)
	clk := clock.NewManual(start)
	hf, err := app.New(db, app.Config{Clock: clk, Policy: policy.DemoDefault(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := build.New(context.Background(), hf.Svc, db, clk, build.Options{Seed: 2, Trainees: []string{"alice"},
		Now: start})
	if err != nil {
		t.Fatal(err)
	}
	var x exercise.Planted
	for _, p := range res.Plan.Planted {
		if p.Kind == exercise.PlantReviewOverdue {
			x = p
			break
		}
	}
	if x.Ref == "" {
		t.Fatalf("no overdue review planted: %+v", res.Plan.Planted)
	}
	srv := httptest.NewServer(server.New(hf.Svc, server.Config{Handler: hf.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)

	b.signInWith("alice", res.Accounts[0].Password)
	b.navigate("Exercise") // the navigation offers it in an exercise database
	if !b.has(`//ul[@id='exercise-cases']//a[normalize-space()='` + x.Ref + `']`) {
		t.Fatalf("alice's exercise page does not list %s: %s", x.Ref, b.main())
	}
	b.check("90-exercise-trainee")
	clk.Set(start.Add(25 * time.Minute))
	b.open("/cases/" + request.PathRef(x.Ref) + "/do/review")
	b.run(set("f-summary", "Reviewed the whole file: the victim's contact and the lines of enquiry are in order"))
	b.press("Record the review")
	if m := b.main(); !strings.Contains(m, "Supervisory review recorded") {
		t.Fatalf("the review was not recorded: %s", m)
	}
	b.signOut()

	b.signInWith("admin", demo.Password)
	b.navigate("Exercise")
	row := `//table[@id='trainee-alice']//tr[@data-ref='` + x.Ref + `']`
	if !b.has(row+`[@data-fixed='true']`) || !b.has(row+`/td[normalize-space()='25 minutes']`) {
		t.Fatalf("the trainer's page does not score %s found in 25 minutes: %s", x.Ref, b.main())
	}
	if m := b.main(); !strings.Contains(m, "put right 1 of ") || !strings.Contains(m, "DI Alice (trainee)") {
		t.Errorf("the trainer's page does not count one put right, by name: %s", m)
	}
	if !b.has(`//table[@id='trainee-alice']//tr[@data-fixed='false']/td[contains(., 'never opened the case')]`) {
		t.Errorf("the trainer's page does not say alice never opened the cases she missed: %s", b.main())
	}
	n := len(res.Plan.Planted) - 1
	if !b.has(`//table[@id='trainee-alice'][count(.//tr[@data-fixed='false'])=` + itoa(int64(n)) + `]`) {
		t.Errorf("the trainer's page does not show the other %d errors missed: %s", n, b.main())
	}
	b.check("91-exercise-score")
}

// TestNoExerciseInALiveDatabase: a live record's navigation has no
// Exercise, and the page is not found, even for its administrator.
func TestNoExerciseInALiveDatabase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		for _, who := range []string{"admin", "ivy"} {
			c := newClient(t, base, who)
			if code, body := c.get("/work"); code != http.StatusOK || strings.Contains(body, `href="/exercise"`) {
				t.Errorf("%s's navigation in a live database: %d, offers the exercise: %v", who, code,
					strings.Contains(body, `href="/exercise"`))
			}
			if code, _ := c.get("/exercise"); code != http.StatusNotFound {
				t.Errorf("%s asked a live database for /exercise: %d, want 404", who, code)
			}
		}
	})
}
