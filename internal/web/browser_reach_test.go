package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestNetworkReachedByClicking: an analyst reaches the network page by
// clicking, never typing its address: from the header's Links to the links
// index and on, and from a case's links page to that case's network.
func TestNetworkReachedByClicking(t *testing.T) {
	f, b := reachBrowser(t)
	c := f.Allocated(t)
	b.signIn("ana")
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(`//nav//a[normalize-space()='Links']`))
	b.waitFresh()
	b.follow("See the network around a case")
	if loc := b.location(); !strings.HasSuffix(loc, "/network") {
		t.Fatalf("the links index's network link went to %s", loc)
	}
	b.open("/cases/" + request.PathRef(c.Ref) + "/links")
	b.follow("See this case's network")
	if loc := b.location(); !strings.Contains(loc, "/network?case=") || b.value("f-case") != c.Ref {
		t.Fatalf("the case's network link went to %s, for case %q", loc, b.value("f-case"))
	}
}

// TestWorkDutyReachedByClicking: on My work the words of a duty are the
// link to the page where it is done, and the case reference still goes to
// the case's overview.
func TestWorkDutyReachedByClicking(t *testing.T) {
	f, b := reachBrowser(t)
	c := f.Referral(t)
	b.signIn("sam")
	if !b.has(`//main//a[@href="/cases/` + request.PathRef(c.Ref) + `"]`) {
		t.Fatalf("My work no longer links the case reference to the overview")
	}
	b.follow("Allocate the referral on " + c.Ref)
	if loc := b.location(); !strings.Contains(loc, "/cases/"+request.PathRef(c.Ref)+"/do/assign-owner") {
		t.Fatalf("the duty's link went to %s", loc)
	}
}

// reachBrowser is a browser on a fresh force's server.
func reachBrowser(t *testing.T) (*fixture.Force, *browser) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	return f, newBrowser(t, srv.URL)
}
