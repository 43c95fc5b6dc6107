package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// officer is a demo user as the generator knows them.
type officer struct {
	id, username, name string
	rank               domain.Rank
	team               *team // nil above team level
	actor              *service.Actor
	active             bool
	// from and until bound when new cases may be given to the officer.
	from, until time.Time
}

type team struct {
	idx     int
	id      string
	name    string
	dept    *dept
	lead    *officer   // the detective sergeant who supervises the team
	dsInv   *officer   // a detective sergeant working cases
	members []*officer // detective constables, in collar order
}

type dept struct {
	id, name string
	di, dci  *officer
	teams    []*team
}

func rankTitle(r domain.Rank) string {
	switch r {
	case domain.RankConstable:
		return "DC"
	case domain.RankSergeant:
		return "DS"
	case domain.RankInspector:
		return "DI"
	case domain.RankChiefInspector:
		return "DCI"
	case domain.RankSuperintendent:
		return "Det Supt"
	case domain.RankChiefSuperintendent:
		return "Det Ch Supt"
	}
	return ""
}

// buildForce creates the units and users at the start of history.
func (g *gen) buildForce() error {
	a, err := g.svc.Bootstrap(g.ctx, ForceName, service.NewUser{Username: "admin", Name: "Alex Morgan", Collar: "S0001",
		Rank: domain.RankStaff, Roles: []domain.Role{domain.RoleAdmin}, Password: Password, Email: "admin@northshire.police.invalid"})
	if err != nil {
		return fmt.Errorf("demo: bootstrap: %w", err)
	}
	g.admin = &service.Actor{User: *a}
	g.forceID = a.UnitID
	g.cmd()
	// A second administrator, added as `holdfast user add` would: under
	// the two-person rule a powerful role one administrator gives waits
	// for another's approval.
	a2, err := g.svc.CreateUser(g.ctx, service.SystemActor("cli"), service.NewUser{Username: "admin2",
		Name: "Sam Okafor", Collar: "S0005", Rank: domain.RankStaff, UnitID: g.forceID,
		Roles: []domain.Role{domain.RoleAdmin}, Password: Password, Email: "admin2@northshire.police.invalid"})
	if err != nil {
		return fmt.Errorf("demo: second administrator: %w", err)
	}
	g.admin2 = &service.Actor{User: *a2}
	g.usernames["admin2"] = true
	g.cmd()
	unit := func(name string, kind domain.UnitKind, parent string) (string, error) {
		u, err := g.svc.CreateUnit(g.ctx, g.admin, service.NewUnit{Name: name, Kind: kind, ParentID: parent})
		if err != nil {
			return "", fmt.Errorf("demo: create %s: %w", name, err)
		}
		g.cmd()
		return u.ID, nil
	}
	for _, names := range teamNames {
		id, err := unit(names[0], domain.UnitDepartment, g.forceID)
		if err != nil {
			return err
		}
		d := &dept{id: id, name: names[0]}
		g.depts = append(g.depts, d)
		for _, tn := range names[1:] {
			id, err := unit(tn, domain.UnitTeam, d.id)
			if err != nil {
				return err
			}
			t := &team{idx: len(g.teams), id: id, name: tn, dept: d}
			d.teams = append(d.teams, t)
			g.teams = append(g.teams, t)
		}
	}
	// Officers, most senior first; collar numbers rise within each rank.
	if g.chsupt, err = g.person(domain.RankChiefSuperintendent, g.forceID, nil, "1001", domain.RoleManager); err != nil {
		return err
	}
	if g.supt, err = g.person(domain.RankSuperintendent, g.forceID, nil, "1002", domain.RoleManager); err != nil {
		return err
	}
	for i, d := range g.depts {
		if d.dci, err = g.person(domain.RankChiefInspector, d.id, nil, fmt.Sprintf("11%02d", i+1), domain.RoleManager); err != nil {
			return err
		}
		// A detective inspector supervises the sergeants and acts as the
		// department's manager and SIO (role-journeys: DI, DCI and Supt),
		// as an imported inspector does (legacy.go's legacyRoles).
		if d.di, err = g.person(domain.RankInspector, d.id, nil, fmt.Sprintf("12%02d", i+1),
			domain.RoleSupervisor, domain.RoleManager); err != nil {
			return err
		}
	}
	for i, t := range g.teams {
		if t.lead, err = g.person(domain.RankSergeant, t.id, t, fmt.Sprintf("15%02d", 2*i+1), domain.RoleSupervisor); err != nil {
			return err
		}
		if t.dsInv, err = g.person(domain.RankSergeant, t.id, t, fmt.Sprintf("15%02d", 2*i+2), domain.RoleInvestigator); err != nil {
			return err
		}
		for j := 0; j < constables[i]; j++ {
			o, err := g.person(domain.RankConstable, t.id, t, fmt.Sprintf("2%d%02d", i+1, j+1), domain.RoleInvestigator)
			if err != nil {
				return err
			}
			t.members = append(t.members, o)
		}
	}
	for _, s := range []struct {
		role   domain.Role
		collar string
	}{
		{domain.RoleAuditor, "S0002"}, {domain.RoleAnalyst, "S0003"}, {domain.RoleVictimLiaison, "S0004"}, {domain.RoleInspector, "X0001"},
	} {
		o, err := g.person(domain.RankStaff, g.forceID, nil, s.collar, s.role)
		if err != nil {
			return err
		}
		g.staff[s.role] = o
	}
	return nil
}

// person creates a user with a fresh synthetic name.
func (g *gen) person(rank domain.Rank, unitID string, t *team, collar string, roles ...domain.Role) (*officer, error) {
	return g.personFrom(g.rng, rank, unitID, t, collar, roles...)
}

// personFrom is person with names drawn from r.
func (g *gen) personFrom(
	r *rand.Rand,
	rank domain.Rank,
	unitID string,
	t *team,
	collar string,
	roles ...domain.Role,
) (*officer, error) {
	var first, last, username string
	for {
		first, last = pick(r, officerFirst), pick(r, surnames)
		username = strings.ToLower(first + "." + last)
		if !g.usernames[username] {
			break
		}
	}
	g.usernames[username] = true
	name := first + " " + last
	if t := rankTitle(rank); t != "" {
		name = t + " " + name
	}
	email := username + "@northshire.police.invalid"
	if roles[0] == domain.RoleInspector {
		name = first + " " + last + " (HMICFRS)"
		email = username + "@inspectorate.invalid"
	}
	u, err := g.svc.CreateUser(
		g.ctx,
		g.admin,
		service.NewUser{Username: username, Name: name, Collar: collar, Email: email,
			Rank: rank, UnitID: unitID, Roles: roles, Password: Password},
	)
	if err != nil {
		return nil, fmt.Errorf("demo: add %s: %w", name, err)
	}
	g.cmd()
	if u, err = g.approveGrants(u); err != nil {
		return nil, fmt.Errorf("demo: add %s: %w", name, err)
	}
	o := &officer{
		id:       u.ID,
		username: username,
		name:     name,
		rank:     rank,
		team:     t,
		actor:    &service.Actor{User: *u},
		active:   true,
	}
	g.officers[u.ID] = o
	return o, nil
}

// available lists a team's constables (and its investigating sergeant)
// who may be given new work at t.
func (t *team) available(at time.Time, withSergeant bool) []*officer {
	var out []*officer
	for _, o := range t.members {
		if o.active && !at.Before(o.from) && (o.until.IsZero() || at.Before(o.until)) {
			out = append(out, o)
		}
	}
	if withSergeant && t.dsInv.active {
		out = append(out, t.dsInv)
	}
	return out
}

// approveGrants has the second administrator approve what waits for them
// of u's roles, and returns u as the record then holds them.
func (g *gen) approveGrants(u *domain.User) (*domain.User, error) {
	gs, err := g.svc.Grants(g.ctx, g.admin2)
	if err != nil {
		return nil, err
	}
	waited := false
	for _, gr := range gs {
		if gr.UserID == u.ID && gr.Status == domain.GrantPending {
			if _, err := g.svc.DecideGrant(g.ctx, g.admin2, service.DecideGrant{Grant: gr.ID, Approve: true}); err != nil {
				return nil, err
			}
			g.cmd()
			waited = true
		}
	}
	if !waited {
		return u, nil
	}
	org, err := g.svc.Org(g.ctx, g.admin)
	if err != nil {
		return nil, err
	}
	cp := *org.Users[u.ID]
	return &cp, nil
}
