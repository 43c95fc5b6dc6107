package service_test

import (
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// suspectFile is two closed cases whose suspects share nothing but a
// phone number, written two ways, and a vehicle, spaced two ways.
const suspectFile = `{"type":"officer","ref":"P300","name":"DC Lee Legacy","collar":"P300","rank":"constable","unit":"CSE Team North"}
{"type":"case","ref":"LEG/2015/0001","team":"CSE Team North","opened":"2015-01-05T10:00:00Z","summary":"Girl, 14, seen with older men","offence_types":["child_sexual_exploitation","rape_of_a_child"],"owner":"P300","suspects":[{"ref":"S1","name":"Adam Smith","dob":"1980-01-02","added":"2015-01-06T10:00:00Z","phone":" 07700 900123 ","vehicle":"AB12 CDE","address":"12 High Street, Leeds LS1 4AB"}],"closure":{"outcome":"16","proposed":"2015-03-01T09:00:00Z","proposed_by":"P300","approved":"2015-03-02T09:00:00Z","approved_by":"P300"}}
{"type":"case","ref":"LEG/2016/0002","team":"CSE Team North","opened":"2016-02-05T10:00:00Z","summary":"Boy, 15, given gifts by an adult","offence_types":["grooming"],"owner":"P300","suspects":[{"ref":"S1","name":"Ahmed Smyth","added":"2016-02-06T10:00:00Z","phone":"+44 7700 900123","vehicle":"ab12cde"}],"closure":{"outcome":"16","proposed":"2016-04-01T09:00:00Z","proposed_by":"P300","approved":"2016-04-02T09:00:00Z","approved_by":"P300"}}
`

// TestImportKeepsSuspectIdentifiers: a suspect's phone, vehicle and
// address in the file are on the projected case; re-importing the file
// changes nothing; triage links the two cases by them.
func TestImportKeepsSuspectIdentifiers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		file, err := casefile.ReadJSONL(strings.NewReader(suspectFile))
		if err != nil {
			t.Fatal(err)
		}
		imp := service.SystemActor("import")
		rep, err := f.Svc.Import(ctx, imp, "legacy.jsonl", file, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Cases != 2 {
			t.Fatalf("report %+v: want 2 cases", rep)
		}
		c, err := db.CaseByRef(ctx, rep.Refs[0])
		if err != nil {
			t.Fatal(err)
		}
		s := c.Suspects[0]
		if s.Phone != "07700 900123" || s.Vehicle != "AB12 CDE" || s.Address != "12 High Street, Leeds LS1 4AB" {
			t.Fatalf("imported suspect %+v: phone, vehicle and address were not kept as recorded", s)
		}
		d, _ := db.CaseByRef(ctx, rep.Refs[1])
		if s := d.Suspects[0]; s.Phone != "+44 7700 900123" || s.Vehicle != "ab12cde" || s.Address != "" {
			t.Fatalf("second suspect %+v", s)
		}

		mid, _ := db.LatestSeq(ctx)
		again, err := f.Svc.Import(ctx, imp, "legacy.jsonl", file, false)
		if err != nil || again.Cases != 0 || again.Skipped != 2 || again.Officers != 0 {
			t.Fatalf("re-import: %+v %v", again, err)
		}
		if after, _ := db.LatestSeq(ctx); after != mid {
			t.Fatalf("re-importing the same file wrote %d events", after-mid)
		}
		if _, diff, err := replay.Compare(ctx, db); err != nil || diff != nil {
			t.Fatalf("rebuild after import: %v %v", err, diff)
		}

		res, err := f.Svc.Triage(
			ctx,
			f.Auditor,
			service.TriageRequest{Criteria: &domain.AuditCriteria{Name: "all closed"}},
		)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range res.Queue {
			if e.Ref != c.Ref {
				continue
			}
			for _, r := range e.Reasons {
				if r.Code == audit.ReasonSuspectShared {
					found = true
					for _, want := range []string{"phone 07700 900123 also on " + d.Ref, "vehicle AB12 CDE also on " + d.Ref} {
						if !strings.Contains(r.Detail, want) {
							t.Errorf("shared-suspect detail %q lacks %q", r.Detail, want)
						}
					}
				}
			}
		}
		if !found {
			t.Errorf("triage did not link the cases by phone and vehicle: %+v", res.Queue)
		}
	})
}

// TestAddSuspectIdentifiers: the record-suspect command keeps phone,
// vehicle and address, trimmed; a suspect without them projects as before.
func TestAddSuspectIdentifiers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		c, err := f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Adam Smith",
			Phone: " 07700 900123", Vehicle: "AB12 CDE ", Address: "12 High Street, Leeds LS1 4AB"})
		if err != nil {
			t.Fatal(err)
		}
		c, err = f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Description: "Driver of a silver saloon"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.CaseByRef(ctx, c.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if s := got.Suspects[0]; s.Phone != "07700 900123" || s.Vehicle != "AB12 CDE" ||
			s.Address != "12 High Street, Leeds LS1 4AB" {
			t.Fatalf("suspect %+v", s)
		}
		evs, _ := db.CaseEvents(ctx, c.ID)
		for _, e := range evs {
			if e.Type == domain.EvSuspectAdded && strings.Contains(string(e.Payload), "Driver") {
				for _, field := range []string{`"phone"`, `"vehicle"`, `"address"`} {
					if strings.Contains(string(e.Payload), field) {
						t.Errorf("a suspect without %s still records it: %s", field, e.Payload)
					}
				}
			}
		}
	})
}

// legacyUser adds a user with no collar number, as records migrated from
// an older system may hold, straight to the log (the service refuses one).
func legacyUser(t *testing.T, db *sqlstore.DB, unit string) string {
	t.Helper()
	id := "legacy-no-collar"
	err := db.Write(ctx, func(tx store.Tx) error {
		shared, err := tx.Org()
		if err != nil {
			return err
		}
		org := shared.Clone()
		e, err := domain.NewEvent(
			domain.EvUserCreated,
			"system:migration",
			"",
			fixture.Start,
			domain.UserCreated{ID: id, Username: "legacy", Name: "Legacy Record", Rank: domain.RankStaff, UnitID: unit},
		)
		if err != nil {
			return err
		}
		if _, err := org.ApplyOrg(e); err != nil {
			return err
		}
		if err := tx.Append(e); err != nil {
			return err
		}
		return tx.PutUser(org.Users[id])
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// blankOfficerFile names no officer where officers are optional: no
// owner, an action raised by nobody, a transfer accepted with no owner.
const blankOfficerFile = `{"type":"case","ref":"LEG/2017/0003","team":"CSE Team North","opened":"2017-01-05T10:00:00Z","summary":"Referral from school","offence_types":["grooming"],"owner":"","actions":[{"ref":"A1","title":"Trace the account","raised":"2017-01-06T10:00:00Z","raised_by":"","result":"Traced","resulted":"2017-01-07T10:00:00Z"}],"reviews":[{"at":"2017-01-08T10:00:00Z","by":"C` + "sam" + `","summary":"Progress"}],"transfers":[{"at":"2017-02-01T10:00:00Z","to":"CSE Team South","reason":"moved","by":"","accepted":"2017-02-02T10:00:00Z","owner":""}]}
`

// TestImportBlankOfficerMatchesNobody: an empty officer reference never
// resolves to a user whose collar number is empty. Where an officer is
// optional it means nobody; where one is required it is refused with its
// line and field.
func TestImportBlankOfficerMatchesNobody(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		legacy := legacyUser(t, db, f.TeamA)
		imp := service.SystemActor("import")

		file, err := casefile.ReadJSONL(strings.NewReader(blankOfficerFile))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := f.Svc.Import(ctx, imp, "blank.jsonl", file, false)
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.CaseByRef(ctx, rep.Refs[0])
		if err != nil {
			t.Fatal(err)
		}
		if c.OwnerID != "" || c.TeamID != f.TeamB {
			t.Errorf(
				"a transfer accepted with no owner left owner %q in team %q: want nobody in %s",
				c.OwnerID,
				c.TeamID,
				f.TeamB,
			)
		}
		if c.Actions[0].RaisedBy != "system:import" || c.Transfers[0].ProposedBy != "system:import" {
			t.Errorf(
				"blank raised_by/by resolved to %q/%q, want system:import",
				c.Actions[0].RaisedBy,
				c.Transfers[0].ProposedBy,
			)
		}
		rs, err := db.Reviews(ctx, c.ID) // the review log, out of the document
		if err != nil || len(rs) == 0 {
			t.Fatalf("the imported case's reviews: %v %v", rs, err)
		}
		if rs[0].By != f.Supervisor.ID() {
			t.Errorf("a collar number still resolves: review by %q", rs[0].By)
		}
		evs, _ := db.CaseEvents(ctx, c.ID)
		for _, e := range evs {
			if e.Actor == legacy || strings.Contains(string(e.Payload), legacy) {
				t.Errorf("event %s names the user with no collar number: %s", e.Type, e.Payload)
			}
		}

		// Where an officer is required, a blank one is refused with its
		// line and field, by the reader and by the import alike.
		bad := `{"type":"officer","ref":"P400","name":"DC Blank","collar":" ","rank":"constable","unit":"CSE Team North"}
{"type":"case","ref":"LEG/2017/0004","team":"CSE Team North","opened":"2017-01-05T10:00:00Z","summary":"Referral","offence_types":["grooming"],"reviews":[{"at":"2017-01-08T10:00:00Z","by":"","summary":"Progress"}],"closure":{"outcome":"16","proposed":"2017-03-01T09:00:00Z","proposed_by":" "}}
`
		_, err = casefile.ReadJSONL(strings.NewReader(bad))
		got := problems(t, err)
		for _, want := range []string{"line 1: collar: required", "line 2: reviews[0].by: required", "line 2: closure.proposed_by: required"} {
			if !strings.Contains(got, want) {
				t.Errorf("the reader's report lacks %q:\n%s", want, got)
			}
		}
		// A file built by other means than the reader is checked too.
		built := &casefile.File{
			Officers: []casefile.Line[casefile.Officer]{
				{
					N:      1,
					Record: casefile.Officer{Ref: "P400", Name: "DC Blank", Rank: "constable", Unit: "CSE Team North"},
				},
			},
		}
		before, _ := db.LatestSeq(ctx)
		_, err = f.Svc.Import(ctx, imp, "built", built, false)
		if got := problems(t, err); !strings.Contains(got, "line 1: collar: required") {
			t.Errorf("an officer with no collar number: %s", got)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("a refused import wrote %d events", after-before)
		}
	})
}
