package service_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// An attack (issue 16, item 2) sent "version": -1, the value that lets the
// watchdog act on whatever version is current, and so skipped the
// lost-update check. A person's command naming no version a case can have
// (-1, 0 or below) is refused with a problem on "version", and nothing is
// written; the system actors keep AnyVersion.
func TestAttackVersionMinusOneIsRefusedForPeople(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		act := ok(
			t,
		)(
			f.Svc.RaiseAction(
				ctx,
				f.Investigator,
				c.ID,
				service.NewAction{Version: c.Version, Title: "Visit the school"},
			),
		)
		before, err := db.LatestSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		commands := map[string]func(v int64) (*domain.Case, error){
			"add note": func(v int64) (*domain.Case, error) {
				return f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: v, Text: "written blind"})
			},
			"allocate action": func(v int64) (*domain.Case, error) {
				return f.Svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: v,
					Action: act.Actions[0].ID, To: f.Investigator2.ID()})
			},
			"assign owner": func(v int64) (*domain.Case, error) {
				return f.Svc.AssignOwner(
					ctx,
					f.Supervisor,
					c.ID,
					service.AssignOwner{Version: v, OwnerID: f.Investigator2.ID()},
				)
			},
			"update case": func(v int64) (*domain.Case, error) {
				summary := "rewritten without reading"
				return f.Svc.UpdateCase(ctx, f.Investigator, c.ID, service.CaseUpdate{Version: v, Summary: &summary})
			},
		}
		for name, run := range commands {
			for _, v := range []int64{service.AnyVersion, 0, -7} {
				_, err := run(v)
				ps, isProblem := domain.AsProblems(err)
				if !isProblem || len(ps) != 1 || ps[0].Field != "version" || ps[0].Rule != "required" {
					t.Errorf(
						"%s with version %d by a person: got %v, want one problem on version, rule required",
						name,
						v,
						err,
					)
				}
			}
		}
		after, err := db.LatestSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Errorf("refused commands appended %d events", after-before)
		}
		now, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Version != act.Version {
			t.Errorf("case at version %d after refused commands, want %d", now.Version, act.Version)
		}
		// The system actors still act on whatever version is current.
		sys := service.SystemActor("importer")
		if _, err := f.Svc.AddNote(ctx, sys, c.ID, service.NewNote{Version: service.AnyVersion, Text: "imported note"}); err != nil {
			t.Errorf("a system actor with AnyVersion was refused: %v", err)
		}
	})
}

// An administrator's real sweep dated in the future is refused and writes
// nothing (issue 16 item 7: POST /sweep with as_of in 2035 would have
// written 1,198 escalations for the future, permanently); a dry run may look
// ahead, and the watchdog itself sweeps at the time it is given.
func TestAttackSweepDatedInTheFuture(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		f.Allocated(t)
		before, err := db.LatestSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		future := f.Clock.Now().AddDate(9, 0, 0)
		_, err = f.Svc.Sweep(ctx, f.Admin, service.SweepOptions{AsOf: future})
		if p, ok := domain.AsProblems(err); !ok || len(p) != 1 || p[0].Field != "as_of" ||
			p[0].Rule != "date_in_future" {
			t.Fatalf("a real sweep dated %s: %v, want a refusal naming as_of", future.Format("2006"), err)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("the refused sweep wrote %d events", after-before)
		}
		rep, err := f.Svc.Sweep(ctx, f.Admin, service.SweepOptions{AsOf: future, DryRun: true})
		if err != nil || len(rep.Escalations) == 0 {
			t.Fatalf("a dry run may look ahead: %v, %d escalations", err, len(rep.Escalations))
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("the dry run wrote %d events", after-before)
		}
		if _, err := f.Svc.Sweep(ctx, f.Admin, service.SweepOptions{AsOf: f.Clock.Now().Add(time.Minute)}); err != nil {
			t.Fatalf("a sweep a minute ahead (clock skew) refused: %v", err)
		}
	})
}

// closedWithVictim closes a TeamA case with a child victim, its review by
// reviewer, approved by the inspector: as the attack found it.
func closedWithVictim(t *testing.T, f *fixture.Force, reviewer *service.Actor, rat domain.Rationale) *domain.Case {
	t.Helper()
	return closeWithVictim(t, f, f.Allocated(t), reviewer, rat)
}

// attackChiefInspector is the read-only inspector of rank chief inspector
// an administrator added in the attack.
func attackChiefInspector(t *testing.T, f *fixture.Force) *service.Actor {
	t.Helper()
	u, err := f.CreateApproved(context.Background(), service.NewUser{Username: "hmic", Name: "HMIC Chief",
		Collar: "X0009", Rank: domain.RankChiefInspector, UnitID: f.ForceID, Roles: []domain.Role{domain.RoleInspector},
		Password: fixture.Password})
	if err != nil {
		t.Fatal(err)
	}
	return &service.Actor{User: *u}
}

// TestAttackVRRDecidedBeforeReviewerNamed (issue 16, item 1): a read-only
// inspector of rank chief inspector decided a victim's right-to-review
// request before a reviewer was named. A decision now needs the request
// acknowledged with a named reviewer, and only that reviewer decides.
func TestAttackVRRDecidedBeforeReviewerNamed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		svc := f.Svc
		chief := attackChiefInspector(t, f)
		c := closedWithVictim(t, f, f.Supervisor, auditRationale)
		c = ok(
			t,
		)(
			svc.RequestVRR(ctx, f.Liaison, c.ID, service.RequestVRR{Version: c.Version, VictimID: c.Victims[0].ID}),
		)
		for name, a := range map[string]*service.Actor{"read-only chief inspector": chief, "manager": f.Manager} {
			for _, d := range []string{"upheld", "not_upheld"} {
				_, err := svc.DecideVRR(ctx, a, c.ID, service.DecideVRR{Version: c.Version, Decision: d,
					Reasons: "The decision was sound"})
				if err == nil {
					t.Fatalf("the %s decided %s a review request nobody had acknowledged", name, d)
				}
			}
		}
		// A read-only role is never named reviewer, however senior.
		_, err := svc.AcknowledgeVRR(ctx, f.Inspector, c.ID, service.AcknowledgeVRR{Version: c.Version,
			Reviewer: chief.ID()})
		if p, _ := domain.AsProblems(err); len(p) == 0 || p[0].Field != "reviewer" {
			t.Fatalf("a read-only inspector was named reviewer: %v", err)
		}
		c = ok(t)(svc.AcknowledgeVRR(ctx, f.Inspector, c.ID, service.AcknowledgeVRR{Version: c.Version,
			Reviewer: f.Manager.ID()}))
		_, err = svc.DecideVRR(ctx, chief, c.ID, service.DecideVRR{Version: c.Version, Decision: "upheld",
			Reasons: "The decision was unsound"})
		if !errors.Is(err, service.ErrForbidden) {
			t.Fatalf("someone other than the named reviewer decided: %v", err)
		}
		c = ok(t)(svc.DecideVRR(ctx, f.Manager, c.ID, service.DecideVRR{Version: c.Version, Decision: "not_upheld",
			Reasons: "The decision was sound"}))
		if v := c.VRRs; len(v) == 0 || v[len(v)-1].Decision != "not_upheld" {
			t.Fatalf("the named reviewer's decision was not recorded: %+v", v)
		}
	})
}

// TestAttackWorkGivenToWhoCannotSeeTheCase (issue 16, item 4): an action on
// a North team case was allocated to a South team constable and to the
// read-only inspector, who got a duty on a case they get 404 on. Every
// command that names someone to do work now refuses whoever could not do
// it, naming the field.
func TestAttackWorkGivenToWhoCannotSeeTheCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		svc := f.Svc
		south, err := svc.CreateUser(
			ctx,
			f.Admin,
			service.NewUser{Username: "sid", Name: "DC Sid South", Collar: "C0777",
				Rank: domain.RankConstable, UnitID: f.TeamB, Roles: []domain.Role{domain.RoleInvestigator},
				Password: fixture.Password},
		)
		if err != nil {
			t.Fatal(err)
		}
		refused := func(what, field string, err error) {
			t.Helper()
			p, _ := domain.AsProblems(err)
			if len(p) == 0 || p[0].Field != field {
				t.Fatalf("%s: want a problem with %s, got %v", what, field, err)
			}
		}
		c := f.Allocated(t)
		c = ok(t)(svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
			Title: "Download victim's phone"}))
		act := c.Actions[len(c.Actions)-1].ID
		for name, to := range map[string]string{"South team constable": south.ID, "read-only inspector": f.External.ID(),
			"analyst": f.Analyst.ID(), "MIT constable": f.OtherTeam.ID()} {
			_, err := svc.AllocateAction(
				ctx,
				f.Supervisor,
				c.ID,
				service.AllocateAction{Version: c.Version, Action: act,
					To: to},
			)
			refused("allocating to the "+name, "to", err)
		}
		// The receiving team's new owner must be able to do the work too.
		lia, err := svc.CreateUser(
			ctx,
			f.Admin,
			service.NewUser{Username: "mel", Name: "Mel MIT Liaison", Collar: "C0778",
				Rank: domain.RankStaff, UnitID: f.TeamC, Roles: []domain.Role{domain.RoleVictimLiaison},
				Password: fixture.Password},
		)
		if err != nil {
			t.Fatal(err)
		}
		c = ok(t)(svc.ProposeTransfer(ctx, f.Investigator, c.ID, service.ProposeTransfer{Version: c.Version,
			ToTeam: f.TeamC, Reason: "suspect is part of an MIT operation"}))
		_, err = svc.AcceptTransfer(ctx, f.OtherTeam, c.ID, service.AcceptTransfer{Version: c.Version, OwnerID: lia.ID})
		refused("a victim liaison officer as the new owner", "owner_id", err)
	})
}

// TestAttackFieldLimitsAtEveryDoor (issue 16, item 7, the rest): the field
// limits and strict checks ran only in the HTTP decoder, so the importer
// and `holdfast user add` stored what the API refused (a 9.5 MB note was
// the attack). They are now the service's: a command called directly and
// an import are refused in the same words, naming the field and its limit,
// with nothing written.
func TestAttackFieldLimitsAtEveryDoor(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		before, err := db.LatestSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		long := strings.Repeat("a", domain.ProseText+1)
		_, err = f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version, Text: long})
		if ps, _ := domain.AsProblems(err); len(ps) != 1 || ps[0].Field != "text" || ps[0].Rule != "too_long" ||
			!strings.Contains(ps[0].Message, "50,000 or fewer") {
			t.Errorf("a note over the limit, called directly: %v", err)
		}
		_, err = f.Svc.CreateUser(ctx, service.SystemActor("cli"), service.NewUser{Username: "longname",
			Name: strings.Repeat("N", domain.ShortText+1), Collar: "L1\x07", Rank: domain.RankConstable,
			UnitID: f.TeamA, Roles: []domain.Role{domain.RoleInvestigator}, Password: fixture.Password})
		rules := map[string]string{}
		ps, _ := domain.AsProblems(err)
		for _, p := range ps {
			rules[p.Field] = p.Rule
		}
		if rules["name"] != "too_long" || rules["collar"] != "control_character" {
			t.Errorf("a user added as the CLI does, with a long name and a control character: %v", err)
		}

		file := readFile(t, "../casefile/testdata/example.jsonl")
		file.Cases[0].Record.Summary = long
		if len(file.Cases[0].Record.Victims) == 0 {
			t.Fatal("the example file's first case has no victim")
		}
		file.Cases[0].Record.Victims[0].Name = "bad \xff name"
		_, err = f.Svc.Import(ctx, service.SystemActor("import"), "legacy.jsonl", file, false)
		got := problems(t, err)
		for _, want := range []string{"summary: This is 50,001 characters long: it must be 50,000 or fewer",
			"victims[0].name: This contains characters that are not text"} {
			if !strings.Contains(got, want) {
				t.Errorf("the import's refusal does not say %q:\n%s", want, got)
			}
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Errorf("refused commands wrote %d events", after-before)
		}
	})
}

// TestAttackImportLaxerThanTheAPI (issue 16): the import read invalid
// UTF-8, a lone \ud800, a key given twice and a key in another case, all of
// which the API refuses; now the reader refuses them too, every line named,
// so the import writes nothing.
func TestAttackImportLaxerThanTheAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		before, err := db.LatestSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile("../casefile/testdata/example.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		var in []string
		for _, l := range lines {
			if !strings.Contains(l, `"type":"case"`) {
				in = append(in, l)
				continue
			}
			for _, bad := range []string{"\"summary\":\"bad \xff utf8 ", `"summary":"\ud800 `,
				`"summary":"once","summary":"`, `"Summary":"`} {
				in = append(in, strings.Replace(l, `"summary":"`, bad, 1))
			}
		}
		file, err := casefile.ReadJSONL(strings.NewReader(strings.Join(in, "\n")))
		ps, ok := err.(casefile.Problems)
		if !ok || len(ps) < 4 {
			t.Fatalf("the import read a file the API would refuse: %v", err)
		}
		for _, want := range []string{"not valid UTF-8", `\u escape`, "given twice", `is spelt "summary"`} {
			if !strings.Contains(ps.Error(), want) {
				t.Errorf("the refusal does not say %q:\n%s", want, ps.Error())
			}
		}
		// As holdfast import does: the reader's problems, then the record's.
		_, err = f.Svc.ImportRead(ctx, service.SystemActor("import"), "legacy.jsonl", file, err, false)
		if got := problems(t, err); !strings.Contains(got, "given twice") {
			t.Errorf("the import's report lacks the reader's problems:\n%s", got)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Errorf("a refused file wrote %d events", after-before)
		}
	})
}
