package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/service"
)

// Password is every demo account's password.
const Password = "holdfast demo password"

// ForceName is the demo force.
const ForceName = "Northshire Police"

// DefaultCases is how many investigations `holdfast demo` generates.
const DefaultCases = 2000

// DefaultStart is when the demo's history begins: the first working day of 2023.
var DefaultStart = time.Date(2023, 1, 3, 8, 30, 0, 0, clock.London)

// Options shape a generated force. The same Options give the same record.
type Options struct {
	Seed  uint64
	Cases int // investigations to open over the years (default DefaultCases)
	// Now is the present (default: time.Now). History runs up to the
	// start of its day in London, and the final sweep is as of then, so
	// that the record depends on the date of Now, never on its time of
	// day (see HistoryEnd).
	Now   time.Time
	Start time.Time // when history begins (default DefaultStart)
	// Workers run different cases' commands side by side within each
	// two-hour window of simulated time (default 8). The record does not
	// depend on it.
	Workers int
	// Progress, if set, is told how far generation has gone, about once
	// a simulated month.
	Progress func(Progress)
}

// Progress is how far generation has gone.
type Progress struct {
	At       time.Time // the simulated time reached
	Opened   int       // cases opened so far
	Total    int       // cases to open in all
	Commands int64     // service commands run so far
}

// Account is a demo user to sign in as.
type Account struct {
	Role     string      `json:"role"`
	Username string      `json:"username"`
	Name     string      `json:"name"`
	Rank     domain.Rank `json:"rank"`
	Unit     string      `json:"unit"`
	LookAt   string      `json:"look_at"`
}

// Planted is a human error deliberately left in the record as of now.
type Planted struct {
	Ref    string `json:"ref"`
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// Planted error kinds.
const (
	PlantReviewOverdue       = "review_overdue"        // the supervisor stopped reviewing
	PlantVictimNotUpdated    = "victim_not_updated"    // the victim heard nothing for months
	PlantVictimNotTold       = "victim_not_told"       // a decision about the suspect, not passed on
	PlantOrphaned            = "orphaned"              // the officer left; nobody took the case on
	PlantTransferNotAccepted = "transfer_not_accepted" // lost between departments
	PlantNoContactPlan       = "no_contact_plan"       // a victim added, no contact plan agreed
	PlantActionOverdue       = "action_overdue"        // a line of enquiry past its target, not followed
	PlantReferralUnallocated = "referral_unallocated"  // a referral nobody picked up
	PlantClosureUnapproved   = "closure_unapproved"    // a closure proposal sitting unapproved
)

// Result is what Generate built.
type Result struct {
	Force    string    `json:"force"`
	Password string    `json:"password"`
	Accounts []Account `json:"accounts"`
	Users    int       `json:"users"`
	Cases    int       `json:"cases"`
	Open     int       `json:"open"`
	Closed   int       `json:"closed"`
	// Reopened counts cases reopened at least once; Transferred, cases
	// accepted by another team.
	Reopened    int       `json:"reopened"`
	Transferred int       `json:"transferred"`
	Commands    int64     `json:"commands"`
	Planted     []Planted `json:"planted"`
	// Review is the national review of the imported historic closures,
	// in progress.
	Review *Review `json:"review"`
	// Sweep is the final watchdog run, as of HistoryEnd(Options.Now).
	Sweep   *service.SweepReport `json:"sweep"`
	Elapsed time.Duration        `json:"elapsed"`
}

// Record is how the generator looks at a case it is working, as an officer
// looks at the case page before acting: rec is the store svc was built on
// (app.App.Store), handed over for reading only. Not through the service,
// whose case views are logged as reads: the generated record holds what
// officers did, not a read event before every command.
type Record interface {
	Case(ctx context.Context, id string) (*domain.Case, error)
	CaseByRef(ctx context.Context, ref string) (*domain.Case, error)
}

// Generate builds the demo force on svc's empty store, moving clk (the
// clock svc was built with) from Options.Start to Options.Now. It writes
// only through svc, as officers would, and reads cases from rec.
func Generate(ctx context.Context, svc *service.Service, rec Record, clk *clock.Manual, opts Options) (*Result, error) {
	began := time.Now()
	if opts.Cases <= 0 {
		opts.Cases = DefaultCases
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Start.IsZero() {
		opts.Start = DefaultStart
	}
	opts.Now, opts.Start = opts.Now.UTC(), opts.Start.UTC()
	end := HistoryEnd(opts.Now)
	if opts.Cases < 20 {
		return nil, fmt.Errorf("demo: generate at least 20 cases (the deliberate errors alone take a dozen)")
	}
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if !opts.Start.Before(end.AddDate(0, -3, 0)) {
		return nil, fmt.Errorf(
			"demo: history must start at least three months before now (start %s, now %s)",
			opts.Start.Format(time.DateOnly),
			opts.Now.Format(time.DateOnly),
		)
	}
	org, err := svc.Org(ctx, service.SystemActor("demo"))
	if err != nil {
		return nil, err
	}
	if len(org.Users) > 0 || len(org.Units) > 0 {
		return nil, fmt.Errorf("demo: the database already holds a force: generate into an empty one")
	}
	g := newGen(ctx, svc, rec, clk, opts)
	if err := g.run(); err != nil {
		return nil, err
	}
	res, err := g.result()
	if err != nil {
		return nil, err
	}
	// The record ends at the start of today; the clock, at the present.
	clk.Set(opts.Now)
	res.Elapsed = time.Since(began)
	return res, nil
}

// HistoryEnd is when a demo generated at now ends its history: the start
// of now's day in London. Nothing in the record happens after it, so two
// demos of one seed generated on the same day, at whatever hour, are the
// same record; the generator has every duty falling due before the end of
// that day done by then (or left undone on purpose, as a planted error),
// so that nothing it did not mean becomes overdue while the demo is used
// that day. The server's own watchdog takes it on from the real clock.
func HistoryEnd(now time.Time) time.Time {
	l := now.In(clock.London)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, clock.London).UTC()
}

// Accounts lists the demo accounts of a generated force, found in the
// record itself so that a reused demo database prints them too.
func Accounts(ctx context.Context, svc *service.Service) ([]Account, error) {
	org, err := svc.Org(ctx, service.SystemActor("demo"))
	if err != nil {
		return nil, err
	}
	return accounts(org), nil
}

func accounts(org *domain.OrgState) []Account {
	unitID := func(name string) string {
		ids := make([]string, 0, 1)
		for id, u := range org.Units {
			if u.Name == name {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		if len(ids) == 0 {
			return ""
		}
		return ids[0]
	}
	users := make([]*domain.User, 0, len(org.Users))
	for _, u := range org.Users {
		if u.Active {
			users = append(users, u)
		}
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Collar < users[j].Collar })
	first := func(ok func(*domain.User) bool) *domain.User {
		for _, u := range users {
			if ok(u) {
				return u
			}
		}
		return nil
	}
	north, pp, mit := unitID(teamNames[0][1]), unitID(teamNames[0][0]), unitID(teamNames[2][1])
	var out []Account
	add := func(role string, u *domain.User, look string) {
		if u == nil {
			return
		}
		unit := ""
		if un, ok := org.Units[u.UnitID]; ok {
			unit = un.Name
		}
		out = append(
			out,
			Account{Role: role, Username: u.Username, Name: u.Name, Rank: u.Rank, Unit: unit, LookAt: look},
		)
	}
	byID := func(id string) *domain.User { return org.Users[id] }
	add("administrator", first(func(u *domain.User) bool { return u.Username == "admin" }),
		"users and units; leavers; run the watchdog sweep")
	add("administrator (second)", first(func(u *domain.User) bool { return u.Username == "admin2" }),
		"approve or reject a powerful role another administrator asked for (the two-person rule)")
	add("investigator", first(func(u *domain.User) bool {
		return u.UnitID == north && u.Rank == domain.RankConstable && u.HasRole(domain.RoleInvestigator)
	}), "my work: an action past its target, a victim not updated for months")
	add("supervisor", byID(duty.Supervisor(org, north)),
		"team board and inbox: overdue reviews, an unallocated referral, escalations")
	add("supervisor (receiving team)", byID(duty.Supervisor(org, mit)),
		"a transfer from another department waiting to be accepted")
	add("supervisor and manager (detective inspector)", first(func(u *domain.User) bool {
		return u.UnitID == pp && u.Rank == domain.RankInspector && u.HasRole(domain.RoleSupervisor) &&
			u.HasRole(domain.RoleManager)
	}), "sensitive closures (outcomes 14-16, 18, 21) need your approval; the department's escalations; the dashboard")
	add("manager", byID(duty.Manager(org, north, domain.RankInspector)),
		"escalations at the last step; Victims' Right to Review requests")
	add("manager (superintendent)", first(func(u *domain.User) bool {
		return u.Rank == domain.RankSuperintendent && u.HasRole(domain.RoleManager)
	}), "the whole force: every department's cases")
	// The force's auditor leads the national review; the review team's
	// accounts follow it.
	staffAuditor := func(u *domain.User) bool { return u.HasRole(domain.RoleAuditor) && u.Rank == domain.RankStaff }
	lead := first(staffAuditor)
	add(
		string(domain.RoleAuditor),
		lead,
		"Audits: the national review of imported 2012-2022 closures in progress — triage, sample, reviews, report; sign off a \"no concerns\" review",
	)
	add(
		"auditor (reviewer)",
		first(func(u *domain.User) bool { return staffAuditor(u) && u != lead }),
		"Audits: the cases assigned to you (one review sent back by the lead), and colleagues' \"no concerns\" reviews to sign off",
	)
	add(
		"auditor (seconded officer)",
		first(func(u *domain.User) bool { return u.HasRole(domain.RoleAuditor) && u.Rank != domain.RankStaff }),
		"Audits: worked on old CSE Team South cases, so the conflict-of-interest rules give those to others",
	)
	for _, r := range []struct {
		role domain.Role
		look string
	}{
		{domain.RoleAnalyst, "suspects shared between cases by phone, vehicle or address"},
		{domain.RoleVictimLiaison, "victims awaiting contact, contact plans, review requests"},
		{domain.RoleInspector, "read-only: the force's record as an inspectorate sees it"},
	} {
		add(string(r.role), first(func(u *domain.User) bool { return u.HasRole(r.role) }), r.look)
	}
	return out
}
