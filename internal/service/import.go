package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// ImportReport says what an import did (or, dry, would do).
type ImportReport struct {
	System   string `json:"system"`
	DryRun   bool   `json:"dry_run"`
	Units    int    `json:"units_created"`
	Officers int    `json:"officers_created"`
	// Accreditations recorded on officers (new or matched).
	Accreditations int      `json:"accreditations_recorded"`
	Cases          int      `json:"cases_imported"`
	Skipped        int      `json:"cases_already_held"` // same source ref, same contents
	Events         int      `json:"events"`
	Refs           []string `json:"refs,omitempty"` // Holdfast refs given, in file order (first 100)
	// FirstSweep is what the watchdog's first sweep will raise on the
	// cases imported: their inherited backlog.
	FirstSweep *SweepForecast `json:"first_sweep,omitempty"`
}

// Import brings a case file into the record in one transaction: every
// reference is resolved and every rule checked first, and any problem
// refuses the whole file (casefile.Problems, each with line and field).
// Cases already imported with the same contents are skipped, so importing
// a file twice changes nothing. History becomes events at their historic
// times, marked with their source; closed cases are taken as they were
// decided (the audit issue examines them), open ones get today's duties.
func (s *Service) Import(
	ctx context.Context,
	a *Actor,
	system string,
	f *casefile.File,
	dryRun bool,
) (*ImportReport, error) {
	if err := a.need("import case files", domain.RoleAdmin); err != nil {
		return nil, err
	}
	var rep *ImportReport
	since, err := s.st.LatestSeq(ctx) // the cases imported come after it (queueImported)
	if err != nil {
		return nil, err
	}
	// A large file is minutes in one transaction, past the store's usual
	// limit on a write (docs/benchmarks.md).
	err = s.st.Write(store.LongWrite(ctx), func(tx store.Tx) error {
		// A fresh report each run: the write may run twice
		// (store.Store.Write), and a first run's counts must not stay.
		rep = &ImportReport{System: system, DryRun: dryRun}
		shared, err := tx.Org()
		if err != nil {
			return err
		}
		im := &importer{
			s:        s,
			a:        a,
			tx:       tx,
			org:      shared.Clone(),
			rep:      rep,
			now:      s.clock.Now().UTC(),
			source:   "import:" + system,
			units:    map[string]string{},
			officers: map[string]string{},
			numbers:  map[string]int{},
		}
		im.checkText(f)
		im.resolveOrg(f)
		im.readOffenceMaps(f) // import_offences.go
		im.seen, im.seenCollar = map[string]string{}, map[string]string{}
		plans, err := im.planCases(f)
		if err != nil {
			return err
		}
		if len(im.ps) > 0 {
			return im.ps
		}
		if err := im.writeOrg(); err != nil {
			return err
		}
		if err := im.writeCases(plans); err != nil {
			return err
		}
		rep.FirstSweep = im.forecastReport()
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return rep, nil
	}
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", system, err)
	}
	s.queueImported(ctx, since)
	return rep, nil
}

// ImportRead is Import for a file as a reader (casefile.ReadJSONL or
// ReadCSV) returned it: f and readErr are what the reader gave. When the
// reader found problems, whatever it could parse is still checked against
// the record as a dry run, so one report lists every problem in the file —
// the reader's and the record's, each once, in order of line then field —
// and nothing is written. Without reader problems it is Import itself.
func (s *Service) ImportRead(
	ctx context.Context,
	a *Actor,
	system string,
	f *casefile.File,
	readErr error,
	dryRun bool,
) (*ImportReport, error) {
	if readErr == nil {
		return s.Import(ctx, a, system, f, dryRun)
	}
	var read casefile.Problems
	if !errors.As(readErr, &read) {
		return nil, readErr
	}
	if err := a.need("import case files", domain.RoleAdmin); err != nil {
		return nil, err
	}
	if f == nil {
		return nil, sortProblems(read)
	}
	_, err := s.Import(ctx, a, system, f, true)
	var checked casefile.Problems
	if err != nil && !errors.As(err, &checked) {
		// The parsed part could not even be tried (a record the reader
		// already refused, say): the reader's problems are the report.
		return nil, sortProblems(read)
	}
	return nil, mergeProblems(read, checked)
}

// mergeProblems is the reader's problems with the record's: each problem
// once, and none of the record's on a line and field the reader already
// refused (a value the reader could not take cannot be looked up either).
func mergeProblems(read, checked casefile.Problems) casefile.Problems {
	type at struct {
		line  int
		field string
	}
	flagged := map[at]bool{}
	seen := map[casefile.Problem]bool{}
	var out casefile.Problems
	for _, p := range read {
		flagged[at{p.Line, p.Field}] = true
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, p := range checked {
		if !flagged[at{p.Line, p.Field}] && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return sortProblems(out)
}

// sortProblems orders problems by line, then field; problems on the same
// line and field keep the order they were found in.
func sortProblems(ps casefile.Problems) casefile.Problems {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return ps[i].Field < ps[j].Field
	})
	return ps
}

type importer struct {
	s      *Service
	a      *Actor
	tx     store.Tx
	org    *domain.OrgState
	rep    *ImportReport
	now    time.Time
	source string
	ps     casefile.Problems

	units    map[string]string // file ref -> unit id
	officers map[string]string // file ref -> user id
	orgEvs   []*event.Event
	numbers  map[string]int // ref prefix -> next number, within this transaction

	// events and cases are folded but not yet written: flush writes them
	// many rows to a statement, which is most of the speed of an import.
	events []*event.Event
	cases  []*domain.Case

	// seen and seenCollar remember what unit names and collar numbers
	// resolved to in the force: a file names the same teams and officers
	// in case after case, and searching every unit and user for each would
	// make a large import quadratic. Nil until the file's own units and
	// officers are added, which change the answers.
	seen, seenCollar map[string]string

	// fc is the first sweep's forecast (see forecast), fcOrder its keys
	// in the order first met.
	fc      map[[2]string]*ForecastGroup
	fcOrder [][2]string

	// offenceMap is the file's offence_map lines: Normal(text) -> code.
	offenceMap map[string]string
}

// importFlush is how many events are held before they are written: enough
// to fill the store's multi-row statements, few enough to hold in memory.
const importFlush = 4096

// importBatch is folded cases and their events, ready to be written: the
// cases' documents and index rows already made (store.PrepareNewCases).
type importBatch struct {
	events []*event.Event
	cases  *store.NewCases
}

// writeCases folds the planned cases and writes them, the two at once:
// one goroutine turns each case's history into events, folds them and
// encodes the cases' documents and index rows, while the transaction's
// goroutine writes the batches made before —
// on two cores an import takes about the time of its writes alone, not
// of its writes and its folding. Batches go in the order they were folded,
// so the log, its sequence numbers and chain hashes are those of writing
// them one by one; the first error from either side stops both and rolls
// the whole import back.
func (im *importer) writeCases(plans []casePlan) error {
	if err := im.reserveNumbers(plans); err != nil {
		return err
	}
	// Indexes the cases would fill in no order are built once at the end
	// instead, where the engine does better that way (sqlstore/bulk.go).
	build, err := im.tx.DeferIndexes(len(plans))
	if err != nil {
		return err
	}
	batches := make(chan importBatch, 2)
	stop := make(chan struct{})
	var foldErr error
	go func() {
		defer close(batches)
		defer func() {
			// The transaction's own goroutine turns a panic into an error
			// and rolls back; one here must not take the process down.
			if p := recover(); p != nil {
				foldErr = fmt.Errorf("import panicked: %v", p)
			}
		}()
		send := func() bool {
			cases, err := store.PrepareNewCases(im.cases)
			if err != nil {
				foldErr = err
				return false
			}
			b := importBatch{events: im.events, cases: cases}
			im.events, im.cases = nil, nil
			select {
			case batches <- b:
				return true
			case <-stop:
				return false
			}
		}
		for _, p := range plans {
			if err := im.writeCase(p); err != nil {
				foldErr = fmt.Errorf("line %d (case %s): %w", p.line.N, p.line.Record.Ref, err)
				return
			}
			if len(im.events) >= importFlush && !send() {
				return
			}
		}
		send()
	}()
	var writeErr error
	for b := range batches {
		if writeErr != nil {
			continue // drain: the folding goroutine stops at its next batch
		}
		if writeErr = im.flush(b); writeErr != nil {
			close(stop)
		}
	}
	// batches is closed: the folding goroutine is done with im.
	if writeErr != nil {
		return writeErr
	}
	if foldErr != nil {
		return foldErr
	}
	return build()
}

// reserveNumbers finds the next free case number of every year the plans
// open cases in, before the folding starts: it is the only thing folding
// asks of the transaction, which is busy writing meanwhile.
func (im *importer) reserveNumbers(plans []casePlan) error {
	for _, p := range plans {
		prefix := refPrefix(p.line.Record)
		if _, ok := im.numbers[prefix]; ok {
			continue
		}
		n, err := im.tx.NextCaseNumber(prefix)
		if err != nil {
			return err
		}
		im.numbers[prefix] = n
	}
	return nil
}

// refPrefix is the start of the Holdfast reference of a case opened when
// k was: its year in London.
func refPrefix(k casefile.Case) string {
	return fmt.Sprintf("CSE/%d/", k.Opened.In(clock.London).Year())
}

// apply folds evs into c as Service.apply does, and holds them for flush.
func (im *importer) apply(c *domain.Case, evs []*event.Event) (*domain.Case, error) {
	return fold(c, evs, func(e *event.Event) error {
		im.events = append(im.events, e)
		return nil
	})
}

// applyValue is apply for one event whose payload p is at hand: it is
// folded as it is, not decoded again from the JSON just made of it.
func (im *importer) applyValue(c *domain.Case, e *event.Event, p any) (*domain.Case, error) {
	c, err := domain.ApplyCaseValue(c, e, p)
	if err != nil {
		return nil, err
	}
	e.CaseID = c.ID
	e.CaseVersion = c.Version
	im.events = append(im.events, e)
	return c, nil
}

// flush appends a batch's events, in the order they were folded, then
// writes its cases' projections.
func (im *importer) flush(b importBatch) error {
	if err := im.tx.AppendBatch(b.events); err != nil {
		return err
	}
	return im.tx.PutPreparedCases(b.cases)
}

func (im *importer) problem(line int, field, format string, a ...any) {
	im.ps = append(im.ps, casefile.Problem{Line: line, Field: field, Message: fmt.Sprintf(format, a...)})
}

func (im *importer) unitByName(name string) *domain.Unit {
	for _, u := range im.org.Units {
		if strings.EqualFold(u.Name, name) {
			return u
		}
	}
	return nil
}

// unit resolves a unit named in the file: a ref defined there, or the name
// of a unit Holdfast holds.
func (im *importer) unit(ref string) string {
	if id, ok := im.units[ref]; ok {
		return id
	}
	if id, ok := im.seen[ref]; ok {
		return id
	}
	id := ""
	if u := im.unitByName(ref); u != nil {
		id = u.ID
	}
	if im.seen != nil {
		im.seen[ref] = id
	}
	return id
}

// officer resolves an officer named in the file: a ref defined there, or
// the collar number of a user Holdfast holds. A blank ref names nobody: it
// must never match a user whose collar number is blank.
func (im *importer) officer(ref string) string {
	if strings.TrimSpace(ref) == "" {
		return ""
	}
	if id, ok := im.officers[ref]; ok {
		return id
	}
	if id, ok := im.seenCollar[ref]; ok {
		return id
	}
	id := ""
	for _, u := range im.org.Users {
		if u.Collar == ref {
			id = u.ID
			break
		}
	}
	if im.seenCollar != nil {
		im.seenCollar[ref] = id
	}
	return id
}

// resolveOrg matches the file's units and officers to Holdfast's, and
// plans events for the ones it does not hold.
func (im *importer) resolveOrg(f *casefile.File) {
	for _, l := range f.Units {
		u := l.Record
		if have := im.unitByName(u.Name); have != nil {
			if string(have.Kind) != u.Kind {
				im.problem(
					l.N,
					"kind",
					"Holdfast already has a %s called %q; the file says it is a %s",
					have.Kind,
					u.Name,
					u.Kind,
				)
			}
			im.units[u.Ref] = have.ID
			continue
		}
		parent := ""
		if u.Parent != "" {
			if parent = im.unit(u.Parent); parent == "" {
				im.problem(
					l.N,
					"parent",
					"unit %q is neither defined earlier in the file nor held by Holdfast",
					u.Parent,
				)
				continue
			}
			if im.org.Units[parent].Kind == domain.UnitTeam {
				im.problem(l.N, "parent", "%q is a team: a team contains no other units", u.Parent)
				continue
			}
		}
		id := im.s.newID()
		im.units[u.Ref] = id
		im.addOrg(
			domain.EvUnitCreated,
			im.now,
			domain.UnitCreated{ID: id, Name: u.Name, Kind: domain.UnitKind(u.Kind), ParentID: parent},
		)
		im.rep.Units++
	}
	for _, l := range f.Officers {
		o := l.Record
		if strings.TrimSpace(o.Ref) == "" || strings.TrimSpace(o.Collar) == "" {
			// The reader refuses these too; a file built by other means
			// must not make a blank reference or collar resolvable.
			field := "ref"
			if strings.TrimSpace(o.Ref) != "" {
				field = "collar"
			}
			im.problem(l.N, field, "required")
			continue
		}
		before := len(im.ps)
		im.past(l.N, "left", o.Left)
		accs := im.checkAccreditations(l.N, o.Accreditations) // import_accreditations.go
		if id := im.officer(o.Collar); id != "" {
			im.officers[o.Ref] = id
			if len(im.ps) == before {
				im.award(id, accs)
			}
			continue
		}
		rank, err := domain.ParseRank(o.Rank)
		if err != nil {
			im.problem(l.N, "rank", "%v", err)
		}
		var roles []domain.Role
		for i, r := range o.Roles {
			role, err := domain.ParseRole(strings.TrimSpace(r))
			if err != nil {
				im.problem(l.N, fmt.Sprintf("roles[%d]", i), "%v", err)
			}
			roles = append(roles, role)
		}
		unit := im.unit(o.Unit)
		if unit == "" {
			im.problem(l.N, "unit", "unit %q is neither defined in the file nor held by Holdfast", o.Unit)
		}
		if len(im.ps) > before {
			continue
		}
		id := im.s.newID()
		im.officers[o.Ref] = id
		username := "import-" + strings.ToLower(strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, o.Collar))
		im.addOrg(domain.EvUserCreated, im.now, domain.UserCreated{ID: id, Username: username, Name: o.Name,
			Collar: o.Collar, Rank: rank, UnitID: unit, Roles: roles})
		if !o.Left.IsZero() {
			// Dated when the officer left, not when the record came across:
			// what they owned was orphaned from then.
			im.addOrg(
				domain.EvUserLeft,
				o.Left,
				domain.UserLeft{ID: id, Reason: "left before import (" + o.Left.Format(time.DateOnly) + ")"},
			)
		}
		im.award(id, accs)
		im.rep.Officers++
	}
}

func (im *importer) addOrg(typ string, at time.Time, p any) {
	e, err := domain.NewEvent(typ, im.a.ID(), "", at, p)
	if err != nil {
		panic(err) // payloads here always encode
	}
	e.Source = im.source
	if _, err := im.org.ApplyOrg(e); err != nil {
		im.ps = append(im.ps, casefile.Problem{Message: err.Error()})
		return
	}
	im.orgEvs = append(im.orgEvs, e)
}

func (im *importer) writeOrg() error {
	for _, e := range im.orgEvs {
		if err := im.tx.Append(e); err != nil {
			return err
		}
		switch e.Type {
		case domain.EvUnitCreated:
			var p domain.UnitCreated
			if err := decodeInto(e, &p); err != nil {
				return err
			}
			if err := im.tx.PutUnit(im.org.Units[p.ID]); err != nil {
				return err
			}
		case domain.EvUserCreated, domain.EvUserLeft:
			var p struct {
				ID string `json:"id"`
			}
			if err := decodeInto(e, &p); err != nil {
				return err
			}
			if err := im.tx.PutUser(im.org.Users[p.ID]); err != nil {
				return err
			}
		case domain.EvAccreditationAwarded: // import_accreditations.go
			var p domain.AccreditationAwarded
			if err := decodeInto(e, &p); err != nil {
				return err
			}
			if err := im.tx.PutUser(im.org.Users[p.UserID]); err != nil {
				return err
			}
		}
	}
	return nil
}

// casePlan is one case resolved and ready to write.
type casePlan struct {
	line     casefile.Line[casefile.Case]
	team     string
	offences []string // the case's offences as codes
}

func (im *importer) planCases(f *casefile.File) ([]casePlan, error) {
	refs := make([]string, len(f.Cases))
	for i, l := range f.Cases {
		refs[i] = l.Record.Ref
	}
	held, err := im.tx.ImportedCases(refs)
	if err != nil {
		return nil, err
	}
	var out []casePlan
	for _, l := range f.Cases {
		k := l.Record
		before := len(im.ps)
		if had, ok := held[k.Ref]; ok {
			id, hash := had.CaseID, had.Hash
			if hash != l.Hash {
				im.problem(
					l.N,
					"ref",
					"case %s was imported before (as case %s) with different contents: correct it in Holdfast rather than re-importing",
					k.Ref,
					id,
				)
			} else {
				im.rep.Skipped++
			}
			continue
		}
		team := im.unit(k.Team)
		if team == "" {
			im.problem(l.N, "team", "unit %q is neither defined in the file nor held by Holdfast", k.Team)
		} else if u := im.org.Units[team]; u.Kind != domain.UnitTeam {
			im.problem(l.N, "team", "%q is a %s: a case belongs to a team", k.Team, u.Kind)
		}
		who := func(field, ref string) {
			if ref != "" && im.officer(ref) == "" {
				im.problem(
					l.N,
					field,
					"officer %q is neither defined in the file nor held by Holdfast (give a ref from an officer line, or a collar number)",
					ref,
				)
			}
		}
		who("owner", k.Owner)
		for i, a := range k.Actions {
			who(fmt.Sprintf("actions[%d].raised_by", i), a.RaisedBy)
			who(fmt.Sprintf("actions[%d].allocated_to", i), a.AllocatedTo)
			who(fmt.Sprintf("actions[%d].filed_by", i), a.FiledBy)
			// An outcome is optional (a legacy result has none), but one
			// given is one the service's own result form offers.
			if a.Outcome != "" {
				if why := unknownOutcome(domain.ActionOutcome(a.Outcome)); why != "" {
					im.problem(l.N, fmt.Sprintf("actions[%d].outcome", i), "%s", why)
				}
			}
		}
		// An imported contact needs a known kind, as a recorded one does
		// (contactProblems), but not a method or a note: legacy systems
		// often kept only when and what kind of contact it was, in words
		// of their own ("ABE"), and refusing that would refuse the whole
		// history the import exists to carry. What it does say is kept.
		for i, c := range k.Contacts {
			who(fmt.Sprintf("contacts[%d].by", i), c.By)
			if !contains(domain.ContactKinds(), c.Kind) {
				im.problem(
					l.N,
					fmt.Sprintf("contacts[%d].kind", i),
					"%q is not a contact kind (one of %v)",
					c.Kind,
					domain.ContactKinds(),
				)
			}
		}
		for i, r := range k.Reviews {
			who(fmt.Sprintf("reviews[%d].by", i), r.By)
		}
		for i, v := range k.Victims {
			if p := v.ContactPlan; p != nil {
				who(fmt.Sprintf("victims[%d].contact_plan.by", i), p.By)
			}
			for j, nt := range v.Notifications {
				who(fmt.Sprintf("victims[%d].notifications[%d].by", i, j), nt.By)
			}
		}
		if k.Plan != nil {
			who("plan.by", k.Plan.By)
		}
		for i, t := range k.Transfers {
			who(fmt.Sprintf("transfers[%d].by", i), t.By)
			who(fmt.Sprintf("transfers[%d].owner", i), t.Owner)
			if to := im.unit(t.To); to == "" || im.org.Units[to].Kind != domain.UnitTeam {
				im.problem(l.N, fmt.Sprintf("transfers[%d].to", i), "%q is not a team in the file or in Holdfast", t.To)
			}
		}
		im.checkSuspectStatuses(l.N, k)                  // import_suspects.go
		offences := im.offenceCodes(l.N, k.OffenceTypes) // import_offences.go
		if cl := k.Closure; cl != nil {
			who("closure.proposed_by", cl.ProposedBy)
			who("closure.approved_by", cl.ApprovedBy)
			if o := im.s.Policy().Outcome(cl.Outcome); o == nil {
				im.problem(l.N, "closure.outcome", "%q is not a Home Office outcome code in the policy", cl.Outcome)
			} else if o.Since != "" {
				since, _ := time.Parse(time.DateOnly, o.Since)
				if cl.Proposed.Before(since) {
					im.problem(l.N, "closure.outcome", "outcome %s did not exist before %s; the closure is dated %s", cl.Outcome, o.Since, cl.Proposed.Format(time.DateOnly))
				}
			}
		}
		im.pastDates(l.N, k)
		im.checkHistory(l.N, k, who)
		if len(im.ps) == before {
			out = append(out, casePlan{line: l, team: team, offences: offences})
		}
	}
	return out, nil
}

// checkText refuses every text of the file that breaks the domain's
// limits, each by its line and path, in the words the API and the pages
// use (domain.CheckPaths): the importer is a door like any other.
func (im *importer) checkText(f *casefile.File) {
	for _, l := range f.Units {
		im.refuse(l.N, domain.CheckPaths(l.Record))
	}
	for _, l := range f.Officers {
		im.refuse(l.N, domain.CheckPaths(l.Record))
	}
	for _, l := range f.Cases {
		im.refuse(l.N, domain.CheckPaths(l.Record))
	}
}

// past refuses t, a time recording the past, if it is in the future (or
// before 1900), as every door refuses it (domain.CheckPast). It reports
// whether it refused.
func (im *importer) past(line int, field string, t time.Time) bool {
	if t.IsZero() {
		return false
	}
	return im.refuse(line, domain.CheckPast(field, t, im.now))
}

func (im *importer) refuse(line int, ps domain.Problems) bool {
	for _, p := range ps {
		im.problem(line, p.Field, "%s", p.Message)
	}
	return len(ps) > 0
}

// pastDates refuses every date in k that records the past and is in the
// future, each with its field; a target date may lie ahead.
func (im *importer) pastDates(line int, k casefile.Case) {
	at := func(field string, t time.Time) { im.past(line, field, t) }
	day := func(field, d string, born bool) {
		t, err := time.Parse(time.DateOnly, d)
		switch {
		case d == "" || err != nil: // the reader reports a malformed date
		case born:
			im.refuse(line, domain.CheckBirthDate(field, t, im.now))
		default:
			at(field, t)
		}
	}
	at("opened", k.Opened)
	for i, v := range k.Victims {
		f := fmt.Sprintf("victims[%d]", i)
		day(f+".dob", v.DOB, true)
		at(f+".added", v.Added)
		at(f+".support_referral", v.SupportReferral)
		at(f+".needs_assessment", v.NeedsAssessment)
		if v.ContactPlan != nil {
			at(f+".contact_plan.agreed", v.ContactPlan.Agreed)
		}
		for j, nt := range v.Notifications {
			at(fmt.Sprintf("%s.notifications[%d].at", f, j), nt.At)
		}
	}
	for i, s := range k.Suspects {
		f := fmt.Sprintf("suspects[%d]", i)
		day(f+".dob", s.DOB, true)
		at(f+".added", s.Added)
		day(f+".status_on", s.StatusOn, false)
		for j, st := range s.Statuses {
			day(fmt.Sprintf("%s.statuses[%d].on", f, j), st.On, false)
		}
	}
	for i, a := range k.Actions {
		f := fmt.Sprintf("actions[%d]", i)
		at(f+".raised", a.Raised)
		at(f+".resulted", a.Resulted)
		at(f+".filed", a.Filed)
	}
	for i, c := range k.Contacts {
		at(fmt.Sprintf("contacts[%d].at", i), c.At)
	}
	for i, r := range k.Reviews {
		at(fmt.Sprintf("reviews[%d].at", i), r.At)
	}
	for i, t := range k.Transfers {
		at(fmt.Sprintf("transfers[%d].at", i), t.At)
		at(fmt.Sprintf("transfers[%d].accepted", i), t.Accepted)
	}
	if k.Plan != nil {
		at("plan.at", k.Plan.At)
	}
	if cl := k.Closure; cl != nil {
		at("closure.proposed", cl.Proposed)
		at("closure.approved", cl.Approved)
		at("closure.closed", cl.Closed)
	}
}

// writeCase turns one case's history into events, in time order.
func (im *importer) writeCase(p casePlan) error {
	k := p.line.Record
	id := im.s.newID()
	prefix := refPrefix(k)
	n, ok := im.numbers[prefix]
	if !ok {
		return fmt.Errorf("no case number reserved for %s", prefix) // reserveNumbers asks for every year
	}
	im.numbers[prefix] = n + 1
	type step struct {
		at    time.Time
		actor string
		typ   string
		p     any
	}
	var steps []step
	by := func(ref string) string {
		if id := im.officer(ref); id != "" {
			return id
		}
		return "system:import"
	}
	add := func(at time.Time, actor, typ string, p any) { steps = append(steps, step{at, actor, typ, p}) }
	add(k.Opened, by(k.Owner), domain.EvCaseOpened, domain.CaseOpened{ID: id, Ref: fmt.Sprintf("%s%06d", prefix, n),
		ForceID: domain.Org{Units: im.org.Units}.ForceOf(p.team), TeamID: p.team, OffenceTypes: p.offences,
		Summary: k.Summary, Marking: orDefault(k.Marking, "OFFICIAL-SENSITIVE"), Source: im.source})
	if k.Owner != "" {
		add(
			k.Opened,
			by(k.Owner),
			domain.EvOwnerAssigned,
			domain.OwnerAssigned{OwnerID: im.officer(k.Owner), Reason: ImportedOwnerReason(im.rep.System)},
		)
	}
	victims := map[string]string{}
	for _, v := range k.Victims {
		vid := im.s.newID()
		victims[v.Ref] = vid
		dob, _ := time.Parse(time.DateOnly, v.DOB)
		child := domain.ChildAt(dob, v.Added)
		enhanced := v.Enhanced == nil || *v.Enhanced
		add(
			v.Added,
			"system:import",
			domain.EvVictimAdded,
			domain.VictimAdded{Victim: domain.Victim{ID: vid, Name: v.Name,
				DateOfBirth: v.DOB, Vulnerable: child, Enhanced: enhanced, AddedAt: v.Added.UTC()}},
		)
		if p := v.ContactPlan; p != nil {
			add(
				p.Agreed,
				by(p.By),
				domain.EvContactPlanAgreed,
				domain.ContactPlanAgreed{VictimID: vid, EveryDays: p.EveryDays, Method: p.Method},
			)
		}
		contact := func(at time.Time, kind, method, note, who string) {
			add(at, by(who), domain.EvVictimContacted, domain.VictimContacted{VictimID: vid, Contact: domain.Contact{
				ID: im.s.newID(), Kind: kind, Method: method, Note: note, By: by(who), At: at.UTC()}})
		}
		if !v.SupportReferral.IsZero() {
			contact(v.SupportReferral, domain.ContactSupportReferral, "", "", "")
		}
		if !v.NeedsAssessment.IsZero() {
			contact(v.NeedsAssessment, domain.ContactNeedsAssessment, "", "", "")
		}
		for _, nt := range v.Notifications {
			contact(nt.At, domain.ContactDecision, nt.Method, nt.Decision, nt.By)
		}
	}
	for _, s := range k.Suspects {
		sid := im.s.newID()
		add(
			s.Added,
			"system:import",
			domain.EvSuspectAdded,
			domain.SuspectAdded{
				Suspect: domain.Suspect{
					ID:          sid,
					Name:        s.Name,
					Description: s.Description,
					DateOfBirth: s.DOB,
					Status:      domain.SuspectIdentified,
					AddedAt:     s.Added.UTC(),
					Phone: strings.TrimSpace(
						s.Phone,
					),
					Vehicle: strings.TrimSpace(s.Vehicle),
					Address: strings.TrimSpace(s.Address),
				},
			},
		)
		for _, st := range suspectSteps(sid, s) { // import_suspects.go
			add(st.at, "system:import", domain.EvSuspectStatus, st.p)
		}
	}
	for i, a := range k.Actions {
		aid := im.s.newID()
		add(
			a.Raised,
			by(a.RaisedBy),
			domain.EvActionRaised,
			domain.ActionRaised{
				Action: domain.Action{
					ID:       aid,
					Number:   i + 1,
					Title:    a.Title,
					Priority: "medium",
					State:    domain.ActionStateRaised,
					RaisedBy: by(a.RaisedBy),
					RaisedAt: a.Raised.UTC(),
				},
			},
		)
		if a.AllocatedTo != "" {
			add(a.Raised, by(a.RaisedBy), domain.EvActionAllocated, domain.ActionAllocated{ActionID: aid,
				To: im.officer(a.AllocatedTo), Target: a.Target.UTC()})
		}
		if !a.Resulted.IsZero() {
			add(
				a.Resulted,
				by(a.AllocatedTo),
				domain.EvActionResulted,
				domain.ActionResulted{ActionID: aid, Result: a.Result, Outcome: domain.ActionOutcome(a.Outcome),
					Reference: strings.TrimSpace(a.Reference)},
			)
		}
		if !a.Filed.IsZero() {
			add(a.Filed, by(a.FiledBy), domain.EvActionFiled, domain.ActionFiled{ActionID: aid})
		}
	}
	for _, c := range k.Contacts {
		add(
			c.At,
			by(c.By),
			domain.EvVictimContacted,
			domain.VictimContacted{
				VictimID: victims[c.Victim],
				Contact: domain.Contact{
					ID:     im.s.newID(),
					Kind:   c.Kind,
					Method: c.Method,
					Note:   c.Note,
					By:     by(c.By),
					At:     c.At.UTC(),
				},
			},
		)
	}
	for _, r := range k.Reviews {
		add(
			r.At,
			by(r.By),
			domain.EvReviewRecorded,
			domain.ReviewRecorded{
				Review: domain.Review{ID: im.s.newID(), By: by(r.By), At: r.At.UTC(), Summary: r.Summary},
			},
		)
	}
	from := p.team
	for _, t := range k.Transfers {
		tid := im.s.newID()
		add(
			t.At,
			by(t.By),
			domain.EvTransferProposed,
			domain.TransferProposed{Transfer: domain.Transfer{ID: tid, FromTeam: from,
				ToTeam: im.unit(t.To), Reason: t.Reason, ProposedBy: by(t.By), ProposedAt: t.At.UTC()}},
		)
		if !t.Accepted.IsZero() {
			from = im.unit(t.To)
		}
		if !t.Accepted.IsZero() {
			add(
				t.Accepted,
				"system:import",
				domain.EvTransferAccepted,
				domain.TransferDecided{ID: tid, OwnerID: im.officer(t.Owner)},
			)
		}
	}
	if p := k.Plan; p != nil {
		add(p.At, by(p.By), domain.EvPlanSet, domain.PlanSet{Plan: p.Text})
	}
	if cl := k.Closure; cl != nil {
		r := domain.Rationale{
			LinesConsidered: cl.Rationale.LinesConsidered,
			WhyNoneRemain:   cl.Rationale.WhyNoneRemain,
			SuspectsStatus:  cl.Rationale.SuspectsStatus,
			VictimView:      cl.Rationale.VictimView,
		}
		add(
			cl.Proposed,
			by(cl.ProposedBy),
			domain.EvClosureProposed,
			domain.ClosureProposed{
				Closure: domain.Closure{
					ID:         "import",
					Outcome:    cl.Outcome,
					Rationale:  r,
					ProposedBy: by(cl.ProposedBy),
					ProposedAt: cl.Proposed.UTC(),
				},
			},
		)
		if !cl.Approved.IsZero() {
			add(cl.Approved, by(cl.ApprovedBy), domain.EvClosureApproved, domain.ClosureApproved{ID: "import"})
		}
		if !cl.Closed.IsZero() {
			add(cl.Closed, "system:import", domain.EvClosureUnapproved, domain.ClosureUnapproved{ID: "import"})
		}
	}
	for _, h := range im.historySteps(k, victims, by) {
		add(h.at, h.actor, h.typ, h.p)
	}
	// Time order, the order of the file breaking ties: what happened first
	// is applied first, as it was in the system it came from.
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].at.Before(steps[j].at) })
	var c *domain.Case
	var all []*event.Event
	for _, st := range steps {
		e, err := domain.NewEvent(st.typ, st.actor, id, st.at, st.p)
		if err != nil {
			return err
		}
		e.Source = im.source
		if c, err = im.applyValue(c, e, st.p); err != nil {
			return fmt.Errorf("%s at %s: %w", st.typ, st.at.Format(time.RFC3339), err)
		}
		all = append(all, e)
	}
	imported := domain.CaseImported{System: im.rep.System, SourceRef: k.Ref, Hash: p.line.Hash, Line: p.line.N}
	e, err := domain.NewEvent(domain.EvCaseImported, im.a.ID(), id, im.now, imported)
	if err != nil {
		return err
	}
	if c, err = im.applyValue(c, e, imported); err != nil {
		return err
	}
	all = append(all, e)
	// An open case owes its duties from today, due as its history says; a
	// closed one owes only what outlives the decision — telling a victim
	// never told of it above all — so the watchdog sees that too.
	for _, r := range im.s.reactors {
		more, err := r(c, im.org, all, im.now)
		if err != nil {
			return err
		}
		if c, err = im.apply(c, more); err != nil {
			return err
		}
		all = append(all, more...)
	}
	im.forecast(c)
	im.cases = append(im.cases, c)
	im.rep.Cases++
	im.rep.Events += len(all)
	if len(im.rep.Refs) < 100 {
		im.rep.Refs = append(im.rep.Refs, c.Ref)
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func decodeInto(e *event.Event, v any) error {
	if err := json.Unmarshal(e.Payload, v); err != nil {
		return fmt.Errorf("event %s: %w", e.Type, err)
	}
	return nil
}

// ImportedOwnerReason is the reason an import from system gives for the
// officer in charge it read from the record there ("as recorded in
// northshire-cis"), so that a case's history can tell it from a reason a
// person typed and say it in words.
func ImportedOwnerReason(system string) string { return "as recorded in " + system }
