package demo

import (
	"container/heap"
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
)

// window is how much simulated time runs side by side: every command of a
// window is stamped with the window's start.
const window = 2 * time.Hour

type gen struct {
	ctx  context.Context
	svc  *service.Service
	rec  Record
	clk  *clock.Manual
	opts Options
	// now is where history ends (HistoryEnd of opts.Now), and dayEnd
	// the end of that day: duties due before it are done before now.
	now    time.Time
	dayEnd time.Time
	rng    *rand.Rand
	pol    *policy.Policy
	cal    *calendar.Calendar

	admin    *service.Actor
	admin2   *service.Actor // a second administrator: approves grants of powerful roles
	watchdog *service.Actor
	forceID  string
	depts    []*dept
	teams    []*team
	teamByID map[string]*team
	officers map[string]*officer
	staff    map[domain.Role]*officer
	supt     *officer
	chsupt   *officer

	usernames map[string]bool
	commands  atomic.Int64

	plans    []*casePlan
	cases    []*simCase
	q        taskq
	seq      uint64
	opened   int
	networks []*network
	phones   []string
	nextTel  int

	featured              *officer // the investigator demo account
	goodLeaver, badLeaver *officer
	goodLeaveAt           time.Time
	badLeaveAt            time.Time
	actionTitles          []string
	actionKey             map[string]string

	// review is the national review of imported historic closures;
	// reopenedLegacy, the historic cases it reopened, worked from then on
	// like the generator's own (but not counted among them).
	review         *nationalReview
	reopenedLegacy []*simCase
}

func newGen(ctx context.Context, svc *service.Service, rec Record, clk *clock.Manual, opts Options) *gen {
	// Links between cases are raised once the history is written (links.go).
	// Every account has the one published Password: hashed once, not once
	// per account (service.ShareDemoPasswordHash says why only here).
	g := &gen{ctx: service.ShareDemoPasswordHash(service.DeferLinks(ctx)), svc: svc, rec: rec, clk: clk, opts: opts, now: HistoryEnd(opts.Now),
		rng: rand.New(rand.NewPCG(opts.Seed, 0x5eed0f401d)), pol: svc.Policy(), cal: svc.Calendar(),
		watchdog: service.SystemActor("watchdog"), teamByID: map[string]*team{}, officers: map[string]*officer{},
		staff: map[domain.Role]*officer{}, usernames: map[string]bool{"admin": true}, actionKey: map[string]string{}}
	l := g.now.In(clock.London)
	g.dayEnd = time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, clock.London).UTC()
	for _, a := range g.pol.StandardActions {
		g.actionTitles = append(g.actionTitles, a.Title)
		g.actionKey[a.Title] = a.Key
	}
	return g
}

func (g *gen) cmd() { g.commands.Add(1) }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// between is a uniformly random time in [a, b).
func between(r *rand.Rand, a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(r.Int64N(int64(b.Sub(a)))))
}

func days(n float64) time.Duration { return time.Duration(n * float64(24*time.Hour)) }

// officeHours moves t into the working day (08:00–18:30, London) it falls
// on, keeping the date.
func officeHours(r *rand.Rand, t time.Time) time.Time {
	l := t.In(clock.London)
	switch h := l.Hour(); {
	case h < 8:
		return time.Date(l.Year(), l.Month(), l.Day(), 8, r.IntN(90), r.IntN(60), 0, clock.London).UTC()
	case h >= 19:
		return time.Date(l.Year(), l.Month(), l.Day(), 16, r.IntN(150), r.IntN(60), 0, clock.London).UTC()
	}
	return t.UTC()
}

// weekdayAt is a working time on t's date, or the next weekday's.
func weekdayAt(r *rand.Rand, t time.Time) time.Time {
	l := t.In(clock.London)
	for l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
		l = l.AddDate(0, 0, 1)
	}
	return time.Date(l.Year(), l.Month(), l.Day(), 8, 30+r.IntN(540), r.IntN(60), 0, clock.London).UTC()
}

// run builds the force, plans the cases, then walks the clock to now.
func (g *gen) run() error {
	g.clk.Set(g.opts.Start)
	if err := g.buildForce(); err != nil {
		return err
	}
	for _, t := range g.teams {
		g.teamByID[t.id] = t
	}
	g.featured = g.teams[0].members[0]
	g.buildNetworks()
	g.plan()
	for i, p := range g.plans {
		sc := newSimCase(g, i, p)
		g.cases = append(g.cases, sc)
		g.schedule(p.at, func() error { return g.open(sc) })
	}
	g.scheduleStaffing()
	g.review = newNationalReview(g)
	g.review.start()
	for t := weekdayAt(g.rng, g.opts.Start.AddDate(0, 0, 7)); t.Before(g.now); t = t.AddDate(0, 0, 7) {
		at := t
		g.schedule(at, func() error { return g.sweep(at) })
	}
	if err := g.loop(); err != nil {
		return err
	}
	g.clk.Set(g.now)
	// A store that kept its derived tables back while the history was
	// written (cmd/holdfast's .partial file: sqlstore.DB.DeferDerived)
	// builds them now, before anything reads them.
	if d, ok := g.rec.(deferredBuilder); ok {
		if err := d.BuildDeferred(g.ctx); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	return g.raiseLinks() // links.go
}

// deferredBuilder is a store that builds at the end what it did not keep
// with each write (sqlstore.DB.BuildDeferred).
type deferredBuilder interface {
	BuildDeferred(ctx context.Context) error
}

// sweep is the weekly watchdog run due at at. It sweeps as of the
// window's start, which the clock holds, not as of at: its escalations are
// stamped as of the sweep, and the cases' work in the window that follows
// is stamped at the clock, so a sweep as of at put earlier times after its
// own in the log.
func (g *gen) sweep(time.Time) error {
	_, err := g.sweepAt(g.clk.Now())
	return err
}

// sweepAt runs the watchdog as of at. The sweep lock is held process-wide
// on SQLite, so a sweep of another database in this process (a test, a
// server) makes it wait its turn rather than skip.
func (g *gen) sweepAt(at time.Time) (*service.SweepReport, error) {
	for {
		rep, err := g.svc.Sweep(g.ctx, g.watchdog, service.SweepOptions{AsOf: at})
		if err != nil {
			return nil, fmt.Errorf("demo: sweep as of %s: %w", at.Format(time.DateOnly), err)
		}
		if rep.Ran {
			g.cmd()
			return rep, nil
		}
		select {
		case <-g.ctx.Done():
			return nil, g.ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// --- the schedule -----------------------------------------------------------

type task struct {
	at  time.Time
	seq uint64
	sc  *simCase // a case's wake-up, or nil for a force-wide task
	tok uint64
	fn  func() error
}

type taskq []*task

func (q taskq) Len() int { return len(q) }
func (q taskq) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q taskq) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *taskq) Push(x any)   { *q = append(*q, x.(*task)) }
func (q *taskq) Pop() any {
	old := *q
	t := old[len(old)-1]
	*q = old[:len(old)-1]
	return t
}

func (g *gen) schedule(at time.Time, fn func() error) {
	g.seq++
	heap.Push(&g.q, &task{at: at, seq: g.seq, fn: fn})
}

// rewake schedules the case's next wake-up; earlier ones lapse.
func (g *gen) rewake(sc *simCase) {
	next := sc.next()
	sc.tok++
	if next.IsZero() || next.After(g.now) {
		return
	}
	g.seq++
	heap.Push(&g.q, &task{at: next, seq: g.seq, sc: sc, tok: sc.tok})
}

// loop runs the schedule up to now, one window at a time: force-wide work
// first, in order, then each woken case's work, cases side by side.
func (g *gen) loop() error {
	month := g.opts.Start.In(clock.London).Month()
	for g.q.Len() > 0 {
		if err := g.ctx.Err(); err != nil {
			return err
		}
		t := g.q[0].at
		if t.After(g.now) {
			break
		}
		// Records carry whole minutes, and time never runs backwards.
		t = t.Truncate(time.Minute)
		if c := g.clk.Now(); t.Before(c) {
			t = c
		}
		g.clk.Set(t)
		end := t.Add(window)
		if lim := g.now.Add(time.Nanosecond); end.After(lim) {
			end = lim
		}
		var globals []*task
		var woken []*simCase
		for g.q.Len() > 0 && g.q[0].at.Before(end) {
			tk := heap.Pop(&g.q).(*task)
			switch {
			case tk.sc == nil:
				globals = append(globals, tk)
			case tk.tok == tk.sc.tok && !tk.sc.woken:
				tk.sc.woken = true
				woken = append(woken, tk.sc)
			}
		}
		for _, tk := range globals {
			if err := tk.fn(); err != nil {
				return err
			}
		}
		if err := g.runCases(woken, end); err != nil {
			return err
		}
		for _, sc := range woken {
			sc.woken = false
			g.rewake(sc)
		}
		if m := t.In(clock.London).Month(); m != month && g.opts.Progress != nil {
			month = m
			g.opts.Progress(Progress{At: t, Opened: g.opened, Total: len(g.plans), Commands: g.commands.Load()})
		}
	}
	return nil
}

func (g *gen) runCases(cases []*simCase, end time.Time) error {
	if g.opts.Workers == 1 || len(cases) < 2 {
		for _, sc := range cases {
			if err := sc.step(end); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, len(cases))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(g.opts.Workers, len(cases)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(cases) {
					return
				}
				errs[i] = cases[i].step(end)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// --- the plan ---------------------------------------------------------------

// casePlan is what is decided about a case before history runs: enough to
// place the deliberate errors.
type casePlan struct {
	at         time.Time
	team       *team
	owner      *officer // nil: whoever is free at allocation
	end        time.Time
	horizon    time.Time // how far an ongoing case's story is written
	transferAt time.Time
	transferTo *team
	plant      string
	from       time.Time // when the planted error begins
	network    *network
	phone      string // a lone suspect's mobile, if known
	seed       uint64
}

func (g *gen) plan() {
	// Referrals arrive up to a few days ago (the unallocated one is placed
	// by plant).
	span := g.now.Add(-days(4)).Sub(g.opts.Start)
	weights := 0
	for _, w := range teamWeight {
		weights += w
	}
	for i := 0; i < g.opts.Cases; i++ {
		p := &casePlan{seed: g.rng.Uint64()}
		p.at = weekdayAt(g.rng, g.opts.Start.Add(time.Duration(g.rng.Int64N(int64(span)))))
		n := g.rng.IntN(weights)
		for ti, w := range teamWeight {
			if n < w {
				p.team = g.teams[ti]
				break
			}
			n -= w
		}
		var life time.Duration
		switch r := g.rng.Float64(); {
		case r < 0.70:
			life = days(14 + 42*g.rng.Float64())
		case r < 0.95:
			life = days(56 + 94*g.rng.Float64())
		default: // the long network investigations
			life = days(150 + 215*g.rng.Float64())
		}
		g.setEnd(p, p.at.Add(life))
		if life > days(42) && g.rng.Float64() < 0.06 {
			p.transferAt = officeHours(g.rng, p.at.Add(time.Duration(float64(life)*(0.2+0.3*g.rng.Float64()))))
			for p.transferTo == nil || p.transferTo == p.team {
				p.transferTo = pick(g.rng, g.teams)
			}
		}
		if g.rng.Float64() < 0.3 && len(g.networks) > 0 {
			p.network = g.networks[g.rng.IntN(len(g.networks))]
		} else if g.rng.Float64() < 0.5 {
			p.phone = g.phone()
		}
		g.plans = append(g.plans, p)
	}
	g.plant()
	sort.SliceStable(g.plans, func(i, j int) bool { return g.plans[i].at.Before(g.plans[j].at) })
}

// setEnd plans the case to close at end, or to run on past now.
func (g *gen) setEnd(p *casePlan, end time.Time) {
	p.end, p.horizon = end, end
	if !end.Before(g.now.Add(-days(2))) {
		p.end = time.Time{}
		p.horizon = p.at.Add(days(150 + 200*g.rng.Float64()))
	}
}

// plant places the deliberate errors, taking cases open at the right
// time (or moving a case's opening so that one is).
func (g *gen) plant() {
	n := g.opts.Cases
	north, south := g.teams[0], g.teams[1]
	g.badLeaver = south.members[len(south.members)-1]
	g.badLeaveAt = weekdayAt(g.rng, g.now.Add(-days(15+20*g.rng.Float64())))
	g.badLeaver.until = g.badLeaveAt.Add(-days(45))
	g.goodLeaver = g.teams[2].members[0]
	g.goodLeaveAt = weekdayAt(
		g.rng,
		g.opts.Start.Add(time.Duration(float64(g.now.Sub(g.opts.Start))*(0.4+0.15*g.rng.Float64()))),
	)
	g.goodLeaver.until = g.goodLeaveAt.Add(-days(14))

	taken := map[*casePlan]bool{}
	// take plants a case open from before `lead` ahead of from until now.
	take := func(kind string, from time.Time, lead time.Duration, t *team, owner *officer) *casePlan {
		latest := from.Add(-lead)
		var cands []*casePlan
		for _, p := range g.plans {
			if !taken[p] && p.at.Before(latest) && p.at.After(latest.Add(-days(300))) && p.transferTo == nil {
				cands = append(cands, p)
			}
		}
		var p *casePlan
		if len(cands) > 0 {
			p = cands[g.rng.IntN(len(cands))]
		} else {
			for p == nil || taken[p] {
				p = g.plans[g.rng.IntN(len(g.plans))]
			}
			p.at = weekdayAt(g.rng, latest.Add(-days(10+60*g.rng.Float64())))
			p.transferAt, p.transferTo = time.Time{}, nil
		}
		taken[p] = true
		p.plant, p.from = kind, from
		if t != nil {
			p.team = t
		}
		p.owner = owner
		p.end = time.Time{}
		p.horizon = p.at.Add(days(150 + 200*g.rng.Float64()))
		return p
	}
	ago := func(lo, hi float64) time.Time { return weekdayAt(g.rng, g.now.Add(-days(lo+(hi-lo)*g.rng.Float64()))) }
	teamOr := func(t *team) *team {
		if g.rng.IntN(2) == 0 {
			return t
		}
		return pick(g.rng, g.teams)
	}
	for i := 0; i < max(2, n/250); i++ {
		t := teamOr(north)
		if i == 0 {
			t = north
		}
		take(PlantReviewOverdue, ago(35, 75), days(40), t, nil)
	}
	for i := 0; i < max(1, n/400); i++ {
		var owner *officer
		t := pick(g.rng, g.teams)
		if i == 0 {
			t, owner = north, g.featured
		}
		take(PlantVictimNotUpdated, ago(60, 110), days(30), t, owner)
	}
	for i := 0; i < max(1, n/700); i++ {
		take(PlantVictimNotTold, ago(8, 25), days(40), nil, nil)
	}
	for i := 0; i < max(2, n/600); i++ {
		take(PlantOrphaned, g.badLeaveAt, days(30), south, g.badLeaver)
	}
	for i := 0; i < max(1, n/1000); i++ {
		p := take(PlantTransferNotAccepted, ago(8, 25), days(30), teamOr(south), nil)
		p.transferAt, p.transferTo = p.from, g.teams[4]
		if p.team == p.transferTo {
			p.team = south
		}
	}
	for i := 0; i < max(1, n/700); i++ {
		take(PlantNoContactPlan, ago(12, 40), days(20), nil, nil)
	}
	for i := 0; i < max(1, n/400); i++ {
		var owner *officer
		t := pick(g.rng, g.teams)
		if i == 0 {
			t, owner = north, g.featured
		}
		take(PlantActionOverdue, ago(40, 80), days(20), t, owner)
	}
	for i := 0; i < max(1, n/1000); i++ {
		p := take(PlantReferralUnallocated, g.now, 0, north, nil)
		// Opened three or four working days ago: allocation is overdue
		// but the victim's contact-plan grace has not run out.
		at := g.now.Add(-days(7))
		for !g.cal.IsWorkingDay(at) || g.cal.WorkingDaysBetween(at, g.now) > 4 {
			at = at.Add(days(1))
		}
		p.at = weekdayAt(g.rng, at)
		p.from = p.at
	}
	for i := 0; i < max(1, n/1000); i++ {
		take(PlantClosureUnapproved, ago(20, 35), days(40), nil, nil)
	}
	// The investigator demo account works a handful of healthy cases too.
	k := 0
	for i := len(g.plans) - 1; i >= 0 && k < 4; i-- {
		p := g.plans[i]
		if !taken[p] && p.end.IsZero() && p.transferTo == nil && p.at.Before(g.now.Add(-days(10))) {
			p.team, p.owner = north, g.featured
			k++
		}
	}
}

// scheduleStaffing plans the leavers and the joiner.
func (g *gen) scheduleStaffing() {
	g.schedule(g.goodLeaveAt, g.goodLeave)
	joinAt := weekdayAt(g.rng, g.goodLeaveAt.Add(days(10)))
	g.schedule(joinAt, func() error {
		t := g.goodLeaver.team
		o, err := g.person(
			domain.RankConstable,
			t.id,
			t,
			fmt.Sprintf("2%d%02d", t.idx+1, len(t.members)+1),
			domain.RoleInvestigator,
		)
		if err != nil {
			return err
		}
		o.from = g.clk.Now()
		t.members = append(t.members, o)
		return nil
	})
	// The other leaver's supervisor hands over most of the work, but
	// misses the cases planted as orphaned.
	g.schedule(g.badLeaveAt, func() error {
		return g.leave(
			g.badLeaver,
			"Transferred to another force",
			func(sc *simCase) bool { return sc.p.plant != PlantOrphaned },
		)
	})
}

// goodLeave is a leaver done properly: every case and line of enquiry the
// officer held is handed over before they go.
func (g *gen) goodLeave() error {
	return g.leave(g.goodLeaver, "Retired", func(*simCase) bool { return true })
}

// leave hands over the open cases and lines of enquiry an officer holds,
// where handover says so, then records that they left.
func (g *gen) leave(o *officer, reason string, handover func(*simCase) bool) error {
	now := g.clk.Now()
	for _, sc := range append(g.cases[:len(g.cases):len(g.cases)], g.reopenedLegacy...) {
		if sc.c == nil || !sc.c.Status.IsOpen() || !handover(sc) {
			continue
		}
		changed := false
		t := g.teamByID[sc.c.TeamID]
		if sc.c.OwnerID == o.id {
			to := sc.choose(t.available(now, false), o)
			if err := sc.do("hand over", func(v int64) (*domain.Case, error) {
				return g.svc.AssignOwner(g.ctx, t.lead.actor, sc.c.ID, service.AssignOwner{Version: v, OwnerID: to.id,
					Reason: fmt.Sprintf("%s is leaving the force: case handed over to %s", o.name, to.name)})
			}); err != nil {
				return err
			}
			changed = true
		}
		for _, a := range sc.c.Actions {
			if a.AllocatedTo != o.id ||
				(a.State != domain.ActionStateAllocated && a.State != domain.ActionStateReferred) ||
				sc.p.plant != "" {
				continue
			}
			owner := sc.ownerActor()
			target := a.Target
			if target.Before(now.Add(days(2))) {
				target = now.Add(days(10))
			}
			id := a.ID
			if err := sc.do("reallocate action", func(v int64) (*domain.Case, error) {
				return g.svc.AllocateAction(g.ctx, owner, sc.c.ID, service.AllocateAction{Version: v, Action: id, To: sc.c.OwnerID,
					Target: target.In(clock.London).Format(time.DateOnly)})
			}); err != nil {
				return err
			}
			changed = true
		}
		if changed {
			sc.replanAll()
			g.rewake(sc)
		}
	}
	if err := g.svc.UserLeaves(g.ctx, g.admin, service.UserLeaves{User: o.id, Reason: reason}); err != nil {
		return fmt.Errorf("demo: leaver: %w", err)
	}
	g.cmd()
	o.active = false
	return nil
}

// --- suspects shared between cases ------------------------------------------

// nominal is a person suspected in one or more cases.
type nominal struct {
	first, last, dob, nick string
	phone, car, vrm, addr  string
}

// network is a group of suspects sharing phones, cars and addresses.
type network struct {
	members []*nominal
	burner  string // a phone several members use
	place   string
}

func (g *gen) phone() string {
	if g.phones == nil {
		for _, i := range g.rng.Perm(1000) {
			g.phones = append(g.phones, fmt.Sprintf("07700 900%03d", i))
		}
	}
	if g.nextTel >= len(g.phones) {
		return ""
	}
	g.nextTel++
	return g.phones[g.nextTel-1]
}

func vrm(r *rand.Rand) string {
	l := func() byte { return "ABCDEFGHJKLMNOPRSTUVWXY"[r.IntN(23)] }
	year := []int{15, 16, 17, 18, 19, 20, 21, 65, 66, 67, 68, 69, 70, 71}
	return fmt.Sprintf("%c%c%02d %c%c%c", l(), l(), pick(r, year), l(), l(), l())
}

// withPostcode adds a Northshire postcode to an address, derived from the
// address itself rather than drawn from the generator, so that adding it
// left every other draw of a seed's demo as it was. Only an address with a
// postcode links cases (audit.NormaliseAddress).
func withPostcode(addr string) string {
	h := fnv.New32a()
	h.Write([]byte(addr))
	v := h.Sum32()
	const letters = "ABDEFGHJLNPQRSTUWXYZ"
	return fmt.Sprintf("%s NS%d %d%c%c", addr, 1+v%9, (v/9)%10, letters[(v/90)%20], letters[(v/1800)%20])
}

func (g *gen) newNominal(r *rand.Rand) *nominal {
	born := time.Date(1975+r.IntN(30), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	n := &nominal{first: pick(r, adultFirst), last: pick(r, surnames), dob: born.Format(time.DateOnly)}
	if r.IntN(3) == 0 {
		n.nick = pick(r, nicknames)
	}
	if r.IntN(2) == 0 {
		n.car, n.vrm = pick(r, cars), vrm(r)
	}
	n.addr = withPostcode(fmt.Sprintf("%d %s, %s", 1+r.IntN(120), pick(r, streets), pick(r, towns)))
	return n
}

func (g *gen) buildNetworks() {
	for i := 0; i < max(2, g.opts.Cases/150); i++ {
		nw := &network{burner: g.phone(), place: pick(g.rng, premises)}
		car, reg := pick(g.rng, cars), vrm(g.rng)
		addr := withPostcode(fmt.Sprintf("%d %s, %s", 1+g.rng.IntN(120), pick(g.rng, streets), pick(g.rng, towns)))
		for j := 0; j < 3+g.rng.IntN(4); j++ {
			m := g.newNominal(g.rng)
			m.phone = g.phone()
			if j < 2 || g.rng.IntN(2) == 0 {
				m.car, m.vrm = car, reg
			}
			if j == 0 || g.rng.IntN(3) == 0 {
				m.addr = addr
			}
			nw.members = append(nw.members, m)
		}
		g.networks = append(g.networks, nw)
	}
}

// describe writes a suspect's identifiers the way officers do: not always
// in the same format.
func describe(r *rand.Rand, n *nominal, extra string) string {
	d, _ := describeWith(r, n, extra)
	return d
}

// international writes a UK number as +44 without the trunk 0.
func international(p string) string { return "+44 " + strings.TrimPrefix(p, "0") }

// identifiers are a suspect's phone, vehicle and address as the officer
// wrote them, for the suspect's own fields.
type identifiers struct{ phone, vehicle, address string }

// describeWith is describe, also returning the identifiers in the form it
// wrote them: the fields hold what the officer typed, and linking must see
// through the formats.
func describeWith(r *rand.Rand, n *nominal, extra string) (string, identifiers) {
	var parts []string
	var id identifiers
	if n.nick != "" {
		parts = append(parts, fmt.Sprintf("Known as '%s'.", n.nick))
	}
	if n.phone != "" {
		p := n.phone
		switch r.IntN(3) {
		case 1:
			p = strings.ReplaceAll(p, " ", "")
		case 2:
			p = international(p)
		}
		parts = append(parts, "Mobile "+p+".")
		id.phone = p
	}
	if n.vrm != "" {
		reg := n.vrm
		if r.IntN(2) == 0 {
			reg = strings.ReplaceAll(reg, " ", "")
		}
		parts = append(parts, fmt.Sprintf("Drives a %s, VRM %s.", n.car, reg))
		id.vehicle = reg
	}
	if n.addr != "" {
		parts = append(parts, "Address "+n.addr+".")
		id.address = n.addr
	}
	if extra != "" {
		parts = append(parts, extra)
	}
	return strings.Join(parts, " "), id
}

// --- the result -------------------------------------------------------------

func (g *gen) result() (*Result, error) {
	rep, err := g.sweepAt(g.now)
	if err != nil {
		return nil, err
	}
	org, err := g.svc.Org(g.ctx, g.watchdog)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Force:    ForceName,
		Password: Password,
		Accounts: accounts(org),
		Users:    len(org.Users),
		Cases:    len(g.cases),
		Sweep:    rep,
	}
	for _, sc := range g.cases {
		c := sc.c
		if c == nil {
			continue
		}
		if c.Status.IsOpen() {
			res.Open++
		} else {
			res.Closed++
		}
		if c.Reopened > 0 {
			res.Reopened++
		}
		if len(c.Transfers) > 0 && c.Transfers[0].Outcome == "accepted" {
			res.Transferred++
		}
		if sc.p.plant != "" && sc.plantHolds() {
			res.Planted = append(res.Planted, Planted{Ref: c.Ref, Kind: sc.p.plant, Detail: sc.plantDetail()})
		}
	}
	sort.Slice(res.Planted, func(i, j int) bool { return res.Planted[i].Ref < res.Planted[j].Ref })
	if res.Review, err = g.review.result(rep); err != nil {
		return nil, err
	}
	res.Commands = g.commands.Load()
	return res, nil
}
