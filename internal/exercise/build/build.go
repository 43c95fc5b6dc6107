package build

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/exercise"
	"github.com/holdfast/holdfast/internal/service"
)

// DefaultCases is the size of an exercise's caseload: enough for the demo
// to plant every kind of error at least once, small enough to generate in
// seconds.
const DefaultCases = 24

// history is how far back the exercise force's record runs: the oldest
// planted error lies some five months back.
const history = 8

// Options shape an exercise. The same seed and Now give the same exercise.
type Options struct {
	Seed     uint64
	Trainees []string  // usernames of the trainees' accounts
	Cases    int       // default DefaultCases
	Now      time.Time // when the exercise begins (default time.Now)
}

// Store is what an exercise is set up on: a database that holds no force.
type Store interface {
	demo.Record
	Org(ctx context.Context) (*domain.OrgState, error)
	LatestSeq(ctx context.Context) (int64, error)
	SaveExercise(ctx context.Context, seed uint64, plan []byte) error
}

// Account is a trainee's account, with the cases given to them.
type Account struct {
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Password string   `json:"password"`
	Cases    []string `json:"cases"`
}

// Result is the exercise New set up.
type Result struct {
	Plan     *exercise.Plan
	Accounts []Account
	Demo     *demo.Result
	// Absent are the errors the demo planted that its history had already
	// moved past when it ended: not part of the exercise.
	Absent []demo.Planted
}

var traineeRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,31}$`)

// Check lists every problem with opts, by field.
func (o *Options) Check() domain.Problems {
	var p domain.Problems
	if len(o.Trainees) == 0 {
		p.Add("trainees", "required", "name at least one trainee (--trainees alice,bob)")
	}
	if len(o.Trainees) > 20 {
		p.Add("trainees", "too_many", "an exercise takes at most 20 trainees")
	}
	seen := map[string]bool{}
	for _, t := range o.Trainees {
		switch {
		case !traineeRE.MatchString(t):
			p.Add("trainees", "format", fmt.Sprintf("%q: a trainee's username is 2 to 32 lower-case letters, digits, dashes or underscores, starting with a letter", t))
		case t == "admin" || t == "admin2":
			p.Add("trainees", "reserved", fmt.Sprintf("%q is the exercise force's administrator", t))
		case seen[t]:
			p.Add("trainees", "duplicate", fmt.Sprintf("%q is named twice", t))
		}
		seen[t] = true
	}
	if o.Cases != 0 && (o.Cases < 20 || o.Cases > 2000) {
		p.Add("cases", "range", "an exercise's caseload is 20 to 2000 cases")
	}
	return p
}

// New generates the demo force on svc's empty store as of opts.Now, adds
// the trainees' accounts and deals them the errors the demo planted, then
// records the plan: the database is an exercise from then on. It writes
// the record only through svc, moving clk (the clock svc was built with).
func New(ctx context.Context, svc *service.Service, st Store, clk *clock.Manual, opts Options) (*Result, error) {
	if err := opts.Check().Err(); err != nil {
		return nil, err
	}
	if opts.Cases == 0 {
		opts.Cases = DefaultCases
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	now := opts.Now.UTC().Truncate(time.Minute)
	org, err := st.Org(ctx)
	if err != nil {
		return nil, err
	}
	if len(org.Users) > 0 || len(org.Units) > 0 {
		return nil, fmt.Errorf("exercise: the database already holds a force: an exercise is set up in a new, empty database, never a live one")
	}
	l := now.In(clock.London).AddDate(0, -history, 0)
	start := time.Date(l.Year(), l.Month(), l.Day(), 8, 30, 0, 0, clock.London)
	clk.Set(start)
	res, err := demo.Generate(ctx, svc, st, clk, demo.Options{Seed: opts.Seed, Cases: opts.Cases, Now: now, Start: start})
	if err != nil {
		return nil, err
	}
	clk.Set(now)
	if org, err = st.Org(ctx); err != nil {
		return nil, err
	}
	admin, admin2 := byUsername(org, "admin"), byUsername(org, "admin2")
	if admin == nil || admin2 == nil {
		return nil, fmt.Errorf("exercise: the generated force has no administrators")
	}
	plan := &exercise.Plan{Seed: opts.Seed, Started: now}
	out := &Result{Plan: plan, Demo: res}
	for i, name := range opts.Trainees {
		pw, err := password()
		if err != nil {
			return nil, err
		}
		full := "DI " + strings.ToUpper(name[:1]) + name[1:] + " (trainee)"
		// An inspector at force level, with an officer's, a supervisor's
		// and a liaison officer's roles: every planted error is within
		// what they may put right, wherever its case is.
		u, err := svc.CreateUser(ctx, &service.Actor{User: *admin}, service.NewUser{Username: name, Name: full,
			Collar: fmt.Sprintf("T%04d", i+1), Rank: domain.RankInspector, UnitID: admin.UnitID,
			Email:    name + "@exercise.invalid",
			Roles:    []domain.Role{domain.RoleInvestigator, domain.RoleSupervisor, domain.RoleVictimLiaison},
			Password: pw})
		if err != nil {
			return nil, fmt.Errorf("exercise: trainee %s: %w", name, err)
		}
		if err := approveGrants(ctx, svc, &service.Actor{User: *admin2}, u.ID); err != nil {
			return nil, fmt.Errorf("exercise: trainee %s: %w", name, err)
		}
		plan.Trainees = append(plan.Trainees, exercise.Trainee{UserID: u.ID, Username: name, Name: full})
		out.Accounts = append(out.Accounts, Account{Username: name, Name: full, Password: pw})
	}
	// Deal the errors kind by kind, so that each trainee meets a spread
	// of them.
	planted := append([]demo.Planted(nil), res.Planted...)
	sort.SliceStable(planted, func(i, j int) bool {
		if planted[i].Kind != planted[j].Kind {
			return planted[i].Kind < planted[j].Kind
		}
		return planted[i].Ref < planted[j].Ref
	})
	for _, p := range planted {
		c, err := st.CaseByRef(ctx, p.Ref)
		if err != nil {
			return nil, fmt.Errorf("exercise: planted case %s: %w", p.Ref, err)
		}
		x := exercise.Planted{Ref: p.Ref, CaseID: c.ID, Kind: p.Kind, Detail: p.Detail,
			Remedy: exercise.Remedy(p.Kind), Events: exercise.FixEvents(p.Kind)}
		if !present(c, org, &x, now) {
			out.Absent = append(out.Absent, p)
			continue
		}
		k := len(plan.Planted) % len(plan.Trainees)
		x.Trainee = plan.Trainees[k].UserID
		plan.Planted = append(plan.Planted, x)
		out.Accounts[k].Cases = append(out.Accounts[k].Cases, p.Ref)
	}
	if plan.StartSeq, err = st.LatestSeq(ctx); err != nil {
		return nil, err
	}
	b, err := plan.Marshal()
	if err != nil {
		return nil, err
	}
	if err := st.SaveExercise(ctx, opts.Seed, b); err != nil {
		return nil, err
	}
	return out, nil
}

// present reports whether the error planted in c is still there to find,
// filling in the duties that make it up: the demo plants its errors as
// history is written, and a case's story may have moved past one (a
// closure proposal not yet made when the record ends).
func present(c *domain.Case, org *domain.OrgState, x *exercise.Planted, now time.Time) bool {
	if !c.Status.IsOpen() {
		return false
	}
	switch x.Kind {
	case demo.PlantOrphaned:
		u := org.Users[c.OwnerID]
		return c.OwnerID != "" && (u == nil || !u.Active)
	case demo.PlantClosureUnapproved:
		return c.Closure.Open()
	}
	x.Duties = overdue(c, exercise.DutyKinds(x.Kind), now)
	return len(x.Duties) > 0
}

// overdue lists c's open duties of kinds that are past due at now, as
// kind/subject; when none is yet past due (a referral only just late),
// its open ones of those kinds.
func overdue(c *domain.Case, kinds []string, now time.Time) []string {
	var late, open []string
	for _, d := range c.Duties {
		if d.Status != domain.DutyOpen || !contains(kinds, d.Kind) {
			continue
		}
		k := d.Kind + "/" + d.Subject
		open = append(open, k)
		if d.Due.Before(now) {
			late = append(late, k)
		}
	}
	if len(late) > 0 {
		return late
	}
	return open
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func byUsername(org *domain.OrgState, name string) *domain.User {
	for _, u := range org.Users {
		if u.Username == name && u.Active {
			cp := *u
			return &cp
		}
	}
	return nil
}

// approveGrants has the second administrator approve the roles of userID
// that wait for a second person (the two-person rule).
func approveGrants(ctx context.Context, svc *service.Service, admin2 *service.Actor, userID string) error {
	gs, err := svc.Grants(ctx, admin2)
	if err != nil {
		return err
	}
	for _, g := range gs {
		if g.UserID == userID && g.Status == domain.GrantPending {
			if _, err := svc.DecideGrant(ctx, admin2, service.DecideGrant{Grant: g.ID, Approve: true}); err != nil {
				return err
			}
		}
	}
	return nil
}

// password is a fresh trainee password: four groups of five letters and
// digits, easy to read out and to type.
func password() (string, error) {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var s strings.Builder
	for i, c := range b {
		if i > 0 && i%5 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return s.String(), nil
}
