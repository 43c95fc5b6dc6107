package service

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/persons"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store"
)

// Links raised from the POLE index (domain/links.go): when a person is
// recorded on a case, the index is searched for them; a likely match (at
// least the policy's links.alert_at, or links.shared_alert_at with a shared
// phone or vehicle: raisable) on a case of another team, or linking an
// open case to a closed one, is recorded on both cases with an alert to
// each case's owner and supervisor (once a person while a link of theirs
// awaits review; not for a shared identifier with an unnamed person,
// unless links.alert_unnamed) and a duty on each open case to review it.
// Reviewed once, by either side, for both.

// indexActor raises links: the force's own index, not the officer who
// recorded the person (they may not see the other case).
var indexActor = SystemActor("index")

// linkWorthy reports whether a match between cases a and b is put to
// their owners: cases of different teams, or an open case and a closed one.
// Within a team the owners already share a supervisor and a list.
func linkWorthy(a, b store.CaseRow) bool {
	return a.TeamID != b.TeamID || a.Status.IsOpen() != b.Status.IsOpen()
}

// recorded runs after a command that recorded person id on c committed:
// it matches them against the index and raises the links found, and
// answers the case as it now stands. The command has been acknowledged,
// so a failure here is logged, not returned.
func (s *Service) recorded(ctx context.Context, c *domain.Case, err error, id func(*domain.Case) string) *domain.Case {
	if err != nil || c == nil || isDryRun(ctx) || deferred(ctx) {
		return c
	}
	n, lerr := s.RaiseLinks(ctx, c.ID, id(c))
	if lerr != nil {
		// Still queued (index_queue.go): the watchdog tries again.
		s.log.Error("raising links from the index", "case", c.Ref, "error", lerr)
		s.matchFailed(ctx, c.ID, id(c), 0, lerr)
	}
	if n == 0 {
		return c
	}
	if now, err := s.st.Case(ctx, c.ID); err == nil {
		return now // with the links and alerts just raised
	}
	return c
}

type deferKey struct{}

// DeferLinks marks ctx so that recording a person does not match them
// against the index: for a bulk writer (the demo generator) that calls
// RaiseLinks for its people itself once the record is written, so that a
// link's alerts and review duty start when the links are looked for.
func DeferLinks(ctx context.Context) context.Context { return context.WithValue(ctx, deferKey{}, true) }

func deferred(ctx context.Context) bool { v, _ := ctx.Value(deferKey{}).(bool); return v }

// MaxLinksRaised is the most links one person's recording raises, the
// strongest first: a man on forty cases is one alert pointing at the
// strongest few, and the network view shows the rest.
const MaxLinksRaised = 3

// RaiseLinks matches person id of case caseID against the index and
// raises each link worth review that was never raised before. It answers
// how many it raised.
func (s *Service) RaiseLinks(ctx context.Context, caseID, id string) (int, error) {
	c, err := s.st.Case(ctx, caseID)
	if err != nil {
		return 0, err
	}
	return s.raiseMatched(ctx, c, id, s.matchPerson(ctx, c, id))
}

// PersonOn names a person recorded on a case.
type PersonOn struct{ Case, Person string }

// RaiseLinksAll is RaiseLinks for each of ps in the order given, with the
// same outcome, for a writer that deferred links (DeferLinks) and raises
// them in bulk: the demo generator, whose thousands of people were matched
// one after another on one core while the writer waited (issue 20). The
// matching only reads the index, and raising a link changes nobody's
// entry in it (the index holds people, not their links), so it runs ahead
// on every core; the links are still raised one person at a time, in
// order, each from their case as it then stands.
func (s *Service) RaiseLinksAll(ctx context.Context, ps []PersonOn) (int, error) {
	type slot struct {
		pm   personMatches
		done chan struct{}
	}
	slots := make([]slot, len(ps))
	for i := range slots {
		slots[i].done = make(chan struct{})
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	var next atomic.Int64
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ps) || ctx.Err() != nil {
					return
				}
				c, err := s.st.Case(ctx, ps[i].Case)
				if err != nil {
					slots[i].pm = personMatches{err: err}
				} else {
					slots[i].pm = s.matchPerson(ctx, c, ps[i].Person)
				}
				close(slots[i].done)
			}
		}()
	}
	total := 0
	var c *domain.Case
	for i, p := range ps {
		select {
		case <-slots[i].done:
		case <-ctx.Done():
			return total, ctx.Err()
		}
		// The case as it now stands: read afresh for each case, and again
		// after a link was raised on it (nothing else writes meanwhile).
		if c == nil || c.ID != p.Case {
			var err error
			if c, err = s.st.Case(ctx, p.Case); err != nil {
				return total, err
			}
		}
		n, err := s.raiseMatched(ctx, c, p.Person, slots[i].pm)
		total += n
		if err != nil {
			return total, err
		}
		if n > 0 {
			c = nil
		}
	}
	return total, nil
}

// personMatches is what the index holds for a person on a case.
type personMatches struct {
	ms     []indexMatch
	absent bool // the person is no longer on the case
	err    error
}

// matchPerson matches person id of c against the index; it only reads.
func (s *Service) matchPerson(ctx context.Context, c *domain.Case, id string) personMatches {
	ix, err := s.indexer()
	if err != nil {
		return personMatches{err: err}
	}
	p, keys, ok := personEntry(c, id)
	if !ok {
		return personMatches{absent: true}
	}
	ms, err := matchIndex(ctx, ix, p, keys, s.Policy().Links.AlertAt)
	return personMatches{ms: ms, err: err}
}

// raiseMatched raises the links worth review among pm, the matches of
// person id on c, that were never raised before, and marks the person
// matched as of c's version.
func (s *Service) raiseMatched(ctx context.Context, c *domain.Case, id string, pm personMatches) (int, error) {
	if pm.err != nil {
		return 0, pm.err
	}
	q := s.matchQueue()
	if pm.absent {
		if q != nil { // removed since queued: nothing left to match
			if err := q.Matched(ctx, c.ID, id, c.Version); err != nil {
				return 0, err
			}
		}
		return 0, fmt.Errorf("no person %s on %s", id, c.Ref)
	}
	row := store.CaseRow{ID: c.ID, TeamID: c.TeamID, Status: c.Status}
	raised := 0
	for _, m := range pm.ms {
		if raised == MaxLinksRaised {
			break
		}
		if !linkWorthy(row, m.Case) || c.LinkBetween(id, m.CaseID, m.PersonID) != nil {
			continue
		}
		raise, alert := raisable(s.Policy().Links, m)
		if !raise {
			continue // listed on the matches pages, not alerted
		}
		ok, err := s.raiseLink(ctx, c.ID, id, m, alert)
		if err != nil {
			return raised, err
		}
		if ok {
			raised++
		}
	}
	if q != nil {
		// Matched as of the version read: a change written since stays queued.
		if err := q.Matched(ctx, c.ID, id, c.Version); err != nil {
			return raised, err
		}
	}
	return raised, nil
}

// raisable reports whether match m is put to the cases' owners as a link
// to review, with a duty, by the policy's thresholds, and whether the
// link is alerted: at least AlertAt likely and resting on more than the
// names (a name alone links nothing, docs/links.md); or at least
// SharedAlertAt when the two also bear the same phone or vehicle, an
// exact identifier; or whatever the probability when either is unnamed
// (nothing to weigh), alerted only if the policy's AlertUnnamed says so
// (policy.Links says why not by default). A family phone or pool car
// under two different names ("1% likely") is listed on the matches pages
// but raises nothing: such alerts flooded the inbox.
func raisable(pol policy.Links, m indexMatch) (raise, alert bool) {
	if m.Probability >= pol.AlertAt && (len(m.Shared) > 0 || corroborated(m.Terms)) {
		return true, true
	}
	if !sharesIdentifier(m.Shared) {
		return false, false
	}
	// Unnamed on either side ("a man in a van"), nothing contradicts the
	// phone or vehicle: the identifier is all there is to go on.
	if len(m.Terms) == 0 {
		return true, pol.AlertUnnamed
	}
	return m.Probability >= pol.SharedAlertAt, m.Probability >= pol.SharedAlertAt
}

// sharesIdentifier reports whether shared holds an exact identifier: a
// phone or a vehicle. An address is a household's, not a person's.
func sharesIdentifier(shared []string) bool {
	for _, o := range shared {
		if o == store.ObjectPhone || o == store.ObjectVehicle {
			return true
		}
	}
	return false
}

// corroborated reports whether a match rests on more than the names: a
// date of birth, postcode, address or phone compared (agreeing or not).
// Two social workers called Claire Smith on two cases are not news.
func corroborated(terms []persons.Term) bool {
	for _, t := range terms {
		switch t.Comparison {
		case "prior", "given name", "family name":
		default:
			if t.Level != "" && t.Level != "missing" {
				return true
			}
		}
	}
	return false
}

// raiseLink records one link on both cases, with the alerts if alert, in
// one transaction; false if either case already has it.
func (s *Service) raiseLink(ctx context.Context, caseID, person string, m indexMatch, alert bool) (bool, error) {
	raised := false
	err := s.st.Write(ctx, func(tx store.Tx) error {
		a, err := tx.Case(caseID)
		if err != nil {
			return err
		}
		b, err := tx.Case(m.CaseID)
		if err != nil {
			return err
		}
		if a.LinkBetween(person, b.ID, m.PersonID) != nil || b.LinkBetween(m.PersonID, a.ID, person) != nil {
			return nil
		}
		org, err := tx.Org()
		if err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		id := s.newID()
		sides := []struct {
			c, other        *domain.Case
			person, otherPn string
		}{{a, b, person, m.PersonID}, {b, a, m.PersonID, person}}
		for _, sd := range sides {
			// Told once a person: while a link of theirs on this case awaits
			// review, the owner is already going to the links page, which
			// lists every link of theirs ("2 of 3"); a network member on
			// thirty cases otherwise alerted each side of every pair
			// (1,728 link alerts to one sergeant on a demo of 2,000 cases).
			// A closed case's side owes no review duty (duty.go), so the
			// alert is all its owner and supervisor get: it is always sent,
			// whatever the policy holds back, and never held back as told
			// (the open side may close without reviewing the first link).
			open := sd.c.Status.IsOpen()
			tell := !open || (alert && !toldOfPending(s.Policy().Links, sd.c, sd.person))
			l := domain.CaseLink{ID: id, Person: sd.person, OtherCase: sd.other.ID, OtherPerson: sd.otherPn,
				Probability: m.Probability, Shared: m.Shared}
			evs := []*event.Event{}
			e, err := domain.NewEvent(domain.EvLinkRaised, indexActor.ID(), sd.c.ID, now, domain.LinkRaised{CaseLink: l})
			if err != nil {
				return err
			}
			evs = append(evs, e)
			for _, to := range linkAlerted(org, sd.c, tell) {
				e, err := domain.NewEvent(domain.EvAlertSent, indexActor.ID(), sd.c.ID, now, domain.AlertSent{To: to,
					Kind: domain.AlertLink, Text: linkAlertText(org, to, sd.c, sd.other, sd.person, sd.otherPn, l),
					ID: l.ID})
				if err != nil {
					return err
				}
				evs = append(evs, e)
			}
			if _, err := s.commit(tx, sd.c, org, evs, now); err != nil {
				return err
			}
		}
		raised = true
		return nil
	})
	return raised, err
}

// toldOfPending reports whether person of c has a link awaiting review
// that its owner was told of: one not scored (an unnamed person's shared
// identifier, probability 0: linkWhy) was told only if pol.AlertUnnamed,
// so a strong match after it is still news.
func toldOfPending(pol policy.Links, c *domain.Case, person string) bool {
	for _, l := range c.Links {
		if l.Person == person && l.Outcome == domain.LinkPending && (l.Probability > 0 || pol.AlertUnnamed) {
			return true
		}
	}
	return false
}

// linkAlerted are those told of a link on c: its owner and its team's
// supervisor (the same person told once); no one unless alert.
func linkAlerted(org *domain.OrgState, c *domain.Case, alert bool) []string {
	var out []string
	if !alert {
		return nil
	}
	for _, id := range []string{c.OwnerID, duty.Supervisor(org, c.TeamID)} {
		if id != "" && (len(out) == 0 || out[0] != id) {
			out = append(out, id)
		}
	}
	return out
}

// personLabel names a person of c for a sentence: role and name.
func personLabel(c *domain.Case, id string) string {
	for _, v := range c.Victims {
		if v.ID == id {
			return "the victim " + v.Name
		}
	}
	for _, s := range c.Suspects {
		if s.ID == id {
			return "the suspect " + s.Label(60)
		}
	}
	for _, p := range c.People {
		if p.ID == id {
			return strings.ToLower(domain.PersonRoleLabel(p.Role)) + " " + p.Name
		}
	}
	return "a person"
}

// Likelihood says how likely a match probability p is, in the one form
// every page and alert uses: whole percentages, "under 1%" and "over 99%"
// at the ends rather than a rounded "0%" or "100%" that claims certainty.
// An alert said "1% likely" while the matches page said "0.6%" for the
// same pair: one formatter, one figure.
func Likelihood(p float64) string {
	pc := math.Round(100 * p)
	switch {
	case pc < 1: // 0 too: names not compared are not "0% likely"
		return "under 1%"
	case p >= 1:
		return "100%"
	case pc > 99:
		return "over 99%"
	}
	return fmt.Sprintf("%.0f%%", pc)
}

// linkWhy says what links two people: the matcher's probability
// (Likelihood) and the objects both bear. A link on a shared phone or
// vehicle where one of the two has no name was never scored (probability
// 0, matchIndex compares names only when both have one): it says so,
// rather than "under 1% likely", which read as a weak match to be ignored
// (the re-walk of 7 December 2026 found such alerts on a named suspect
// and a man known by description sharing a van).
func linkWhy(l domain.CaseLink) string {
	var why []string
	if l.Probability == 0 && len(l.Shared) > 0 {
		why = []string{"no name to compare on one of them"}
	} else {
		why = []string{Likelihood(l.Probability) + " likely the same person"}
	}
	for _, s := range l.Shared {
		why = append(why, "the same "+s)
	}
	return strings.Join(why, "; ")
}

// linkAlertText is the alert to user to about link l on c: the other case
// named only when they may see it; otherwise "a case in another team" and
// whom to ask.
func linkAlertText(org *domain.OrgState, to string, c, other *domain.Case, person, otherPerson string,
	l domain.CaseLink) string {
	u := org.Users[to]
	head := fmt.Sprintf("%s: %s may be ", c.Ref, personLabel(c, person))
	if u != nil && (&Actor{User: *u}).CanSee(org, other) {
		return head + fmt.Sprintf("%s on %s (%s, %s): %s. Review the link.", personLabel(other, otherPerson),
			other.Ref, teamName(org, other.TeamID), domain.StatusLabel(other.Status), linkWhy(l))
	}
	ask := domain.PersonName(org.Users[duty.Supervisor(org, other.TeamID)])
	return head + fmt.Sprintf("a person on a case in another team: %s. Ask %s, who supervises it, and review the link.",
		linkWhy(l), ask)
}

// ReviewLink is the input of Service.ReviewLink.
type ReviewLink struct {
	Version int64  `json:"version"`        // the case version the officer saw
	Link    string `json:"-" path:"link"`  // the link's id: in the URL path (API) or a form field (pages)
	Outcome string `json:"outcome"`        // confirmed | not_same
	Note    string `json:"note,omitempty"` // why; required for not_same
}

// LinkOutcomes are a review's outcomes.
var LinkOutcomes = []string{domain.LinkConfirmed, domain.LinkNotSame}

// mayReviewLink is the rule for who decides link l of case c, whose other
// side is other (nil when unknown): those who may change c (caseWriters in
// its chain of command), whether or not they may see the other case; and
// analysts, whose judgement is what decides a link, when they may see both
// cases (by their role, not an emergency access: that is read-only). The
// command (ReviewLink) and the pages (LinkView.CanReview) both ask it.
func (a *Actor) mayReviewLink(org *domain.OrgState, c, other *domain.Case) error {
	err := a.mayDo(org, c, "review links to other cases", caseWriters...)
	if err == nil || a.System || !a.has(domain.RoleAnalyst) {
		return err
	}
	if !a.CanSee(org, c) || other == nil || !a.CanSee(org, other) {
		return &Forbidden{Rule: "link_other_case", Message: "You may not see both cases of this link: " +
			"only an analyst who may see both, or those who may change the case, can decide it."}
	}
	return nil
}

// analystDecided reports whether a link's decision by a is an analyst's
// rather than that of someone who may change case c: the owners of both
// cases are then told (linkDecidedAlerts).
func (a *Actor) analystDecided(org *domain.OrgState, c *domain.Case) bool {
	return !a.System && a.has(domain.RoleAnalyst) && a.mayDo(org, c, "", caseWriters...) != nil
}

// ReviewLink records the review of a link on the case and on the other
// case: confirmed, the two people are one and the link stays on both;
// "not the same person", and the pair is never raised again. Those who
// may change the case review it, whether or not they may see the other;
// an analyst who may see both cases decides it too, and the owners of both
// are told (mayReviewLink).
func (s *Service) ReviewLink(ctx context.Context, a *Actor, caseID string, in ReviewLink) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.caseCommand(ctx, a, caseID, in.Version, "reviewing a link",
		func(tx store.Tx, c *domain.Case, org *domain.OrgState, now time.Time) ([]*event.Event, error) {
			l := c.CaseLinkByID(in.Link)
			var other *domain.Case
			if l != nil {
				o, err := tx.Case(l.OtherCase)
				if err != nil {
					return nil, err
				}
				other = o
			}
			if err := a.mayReviewLink(org, c, other); err != nil {
				return nil, err
			}
			var p domain.Problems
			switch {
			case l == nil:
				p.Add("link", "unknown", "Choose a link of this case to review.")
			case l.Outcome != domain.LinkPending:
				p.Add("link", "reviewed", "This link has been reviewed already: "+
					strings.ToLower(domain.LinkOutcomeLabel(l.Outcome))+".")
			}
			if !contains(LinkOutcomes, in.Outcome) {
				p.Add("outcome", "one_of", "Choose whether the two are the same person or not.")
			}
			note := strings.TrimSpace(in.Note)
			if in.Outcome == domain.LinkNotSame && note == "" {
				p.Add("note", "required", "Say why the two are not the same person: it is kept, and the pair "+
					"never raised again.")
			}
			p = append(p, domain.CheckText("note", note)...)
			if err := p.Err(); err != nil {
				return nil, err
			}
			rev := domain.LinkReviewed{ID: l.ID, Outcome: in.Outcome, Note: note}
			told := a.analystDecided(org, c)
			if ol := other.CaseLinkByID(l.ID); ol != nil && ol.Outcome == domain.LinkPending {
				e, err := domain.NewEvent(domain.EvLinkReviewed, a.ID(), other.ID, now, rev)
				if err != nil {
					return nil, err
				}
				evs := []*event.Event{e}
				if told {
					if evs, err = linkDecidedAlerts(evs, org, a, other, c, *ol, rev, now); err != nil {
						return nil, err
					}
				}
				if _, err := s.commit(tx, other, org, evs, now); err != nil {
					return nil, err
				}
			}
			e, err := domain.NewEvent(domain.EvLinkReviewed, a.ID(), c.ID, now, rev)
			if err != nil {
				return nil, err
			}
			evs := []*event.Event{e}
			if told {
				return linkDecidedAlerts(evs, org, a, c, other, *l, rev, now)
			}
			return evs, nil
		})
}

// linkDecidedAlerts appends to evs the alert telling c's owner (or, with
// none, its team's supervisor: whoever owed the review) that analyst a
// decided link l to other. The case named only if they may see it.
func linkDecidedAlerts(evs []*event.Event, org *domain.OrgState, a *Actor, c, other *domain.Case,
	l domain.CaseLink, rev domain.LinkReviewed, now time.Time) ([]*event.Event, error) {
	to := c.OwnerID
	if to == "" {
		to = duty.Supervisor(org, c.TeamID)
	}
	if to == "" || to == a.ID() {
		return evs, nil
	}
	where := "a person on a case in another team"
	if u := org.Users[to]; u != nil && (&Actor{User: *u}).CanSee(org, other) {
		where = personLabel(other, l.OtherPerson) + " on " + other.Ref
	}
	what := "confirmed that " + personLabel(c, l.Person) + " is " + where + ": the cases are linked"
	if rev.Outcome == domain.LinkNotSame {
		what = "ruled out that " + personLabel(c, l.Person) + " is " + where + " (" + rev.Note +
			"): the pair will not be raised again"
	}
	e, err := domain.NewEvent(domain.EvAlertSent, a.ID(), c.ID, now, domain.AlertSent{To: to, ID: l.ID,
		Kind: domain.AlertLinkDecided, Text: fmt.Sprintf("%s: %s, analyst, %s.", c.Ref, domain.PersonName(&a.User),
			what)})
	if err != nil {
		return nil, err
	}
	return append(evs, e), nil
}

// LinkView is a link of a case as a reader sees it: the other case and
// person named only when the reader may see that case.
type LinkView struct {
	domain.CaseLink
	PersonLabel string `json:"person_label"`
	Visible     bool   `json:"visible"`
	OtherRef    string `json:"other_ref,omitempty"`
	OtherTeam   string `json:"other_team"`
	OtherLabel  string `json:"other_label,omitempty"`
	Why         string `json:"why"`
	Ask         string `json:"ask,omitempty"` // whom to ask about a case the reader may not see
	// AskOwner is the other case's officer in charge, by rank and name,
	// when the reader may not see it: a second person to ask, who can
	// tell one of several links to their team's cases from another.
	AskOwner string `json:"ask_owner,omitempty"`
	// Matched says what the two people share, as recorded on this case
	// (the reader's own): "phone 07700 900123", "vehicle AB12 CDE". Empty
	// when the link rests on the names and details compared alone.
	Matched []string `json:"matched,omitempty"`
	// Nth and Of number the links of one person of the case: "2 of 3".
	// Links to cases the reader may not see can otherwise read alike.
	Nth int `json:"nth"`
	Of  int `json:"of"`
	// CanReview says whether the reader may decide the link now: pending,
	// and allowed them by the rule ReviewLink applies (mayReviewLink).
	CanReview bool `json:"can_review"`
}

// CaseLinks lists the links of a case the actor may see, pending first.
func (s *Service) CaseLinks(ctx context.Context, a *Actor, c *domain.Case) ([]LinkView, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	if !s.canSee(a, org, c) {
		return nil, ErrNotFound
	}
	out := []LinkView{}
	glass := s.glass(a, org, c) // an emergency access decides nothing
	for _, pending := range []bool{true, false} {
		for _, l := range c.Links {
			if (l.Outcome == domain.LinkPending) != pending {
				continue
			}
			v := LinkView{CaseLink: l, PersonLabel: domain.Capitalise(strings.TrimPrefix(personLabel(c, l.Person),
				"the ")), Why: linkWhy(l)}
			other, err := s.st.Case(ctx, l.OtherCase)
			if err != nil {
				return nil, err
			}
			if s.canSee(a, org, other) {
				v.Visible, v.OtherRef, v.OtherTeam = true, other.Ref, teamName(org, other.TeamID)
				v.OtherLabel = personLabel(other, l.OtherPerson)
			} else {
				v.OtherTeam = "a case in another team"
				v.Ask = domain.PersonName(org.Users[duty.Supervisor(org, other.TeamID)])
				if u := org.Users[other.OwnerID]; u != nil && other.OwnerID != "" {
					v.AskOwner = domain.PersonName(u)
				}
			}
			v.Matched = linkMatched(c, l)
			v.CanReview = pending && !glass && a.mayReviewLink(org, c, other) == nil
			out = append(out, v)
		}
	}
	of := map[string]int{}
	for _, v := range out {
		of[v.Person]++
	}
	nth := map[string]int{}
	for i := range out {
		nth[out[i].Person]++
		out[i].Nth, out[i].Of = nth[out[i].Person], of[out[i].Person]
	}
	return out, nil
}

// linkMatched says what the person of c shares with the other person of
// link l, as recorded on c: the reader may see their own case's details,
// and needs them to tell one link from another.
func linkMatched(c *domain.Case, l domain.CaseLink) []string {
	p, keys, ok := personEntry(c, l.Person)
	if !ok {
		return nil
	}
	var out []string
	for _, kind := range l.Shared {
		want := map[string]string{store.ObjectPhone: p.Phone, store.ObjectVehicle: p.Vehicle}[kind]
		shown := ""
		for _, k := range keys {
			if k.Kind == kind && (want == "" || k.Key == want) {
				shown = k.Shown
				break
			}
		}
		if kind == store.ObjectVehicle {
			shown = VehicleMark(shown)
		}
		out = append(out, strings.TrimSpace(kind+" "+shown))
	}
	return out
}

// LinksOfCase lists the links of the case with reference ref, as
// CaseLinks does; a case the actor may not see is not found.
func (s *Service) LinksOfCase(ctx context.Context, a *Actor, ref string) ([]LinkView, error) {
	_, views, err := s.LinksOn(ctx, a, ref)
	return views, err
}

// LinksOn reads the case with reference ref and its links. Showing them is
// a read of the case and of each other case named, recorded as one event.
func (s *Service) LinksOn(ctx context.Context, a *Actor, ref string) (*domain.Case, []LinkView, error) {
	id, err := s.CaseID(ctx, a, ref)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.st.Case(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	views, err := s.CaseLinks(ctx, a, c)
	if err != nil {
		return nil, nil, err
	}
	read := []string{c.ID}
	for _, v := range views {
		if v.Visible {
			read = append(read, v.OtherCase)
		}
	}
	if err := s.RecordRead(ctx, a, ReadMatches, c.Ref+" links", read); err != nil {
		return nil, nil, err
	}
	return c, views, nil
}

// UK registration marks by shape, for VehicleMark: the current style
// (AB12 CDE), prefix (A123 BCD), suffix (ABC 123D), and dateless (ABC 123,
// 1234 AB, Northern Ireland's ABZ 1234).
var (
	markCurrent  = regexp.MustCompile(`^([A-Z]{2}[0-9]{2})([A-Z]{3})$`)
	markPrefix   = regexp.MustCompile(`^([A-Z][0-9]{1,3})([A-Z]{3})$`)
	markSuffix   = regexp.MustCompile(`^([A-Z]{3})([0-9]{1,3}[A-Z])$`)
	markDateless = regexp.MustCompile(`^([A-Z]{1,3})([0-9]{1,4})$|^([0-9]{1,4})([A-Z]{1,3})$`)
)

// VehicleMark is a vehicle registration mark as UK plates are written:
// upper case, spaced by its style ("ab12cde" and "AB 12 CDE" are both
// "AB12 CDE"). A mark of no UK style is upper-cased without spaces; a
// description with a mark in it ("silver Astra AB12 CDE") is given as
// typed, spaces tidied. Matching compares the marks without spaces
// (audit.NormaliseVehicle), so the spacing shown never hides a match.
func VehicleMark(v string) string {
	n := audit.NormaliseVehicle(v)
	alone := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '.' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, v)
	if n == "" || alone != n {
		return strings.Join(strings.Fields(v), " ")
	}
	for _, re := range []*regexp.Regexp{markCurrent, markPrefix, markSuffix, markDateless} {
		if m := re.FindStringSubmatch(n); m != nil {
			var parts []string
			for _, p := range m[1:] {
				if p != "" {
					parts = append(parts, p)
				}
			}
			return strings.Join(parts, " ")
		}
	}
	return n
}
