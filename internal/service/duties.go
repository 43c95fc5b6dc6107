package service

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// dutyReactor opens, meets and cancels duties after every case command, and
// resolves findings whose cause has gone: the one place duties change.
func (s *Service) dutyReactor(
	c *domain.Case,
	org *domain.OrgState,
	evs []*event.Event,
	now time.Time,
) ([]*event.Event, error) {
	actor := "system:duties"
	if len(evs) > 0 {
		actor = evs[0].Actor
	}
	onlyBookkeeping := true
	for _, e := range evs {
		if domain.ChangesCase(e.Type) {
			onlyBookkeeping = false
		}
	}
	if onlyBookkeeping {
		return nil, nil
	}
	out, err := s.dutyRules().Reconcile(c, org, actor, now)
	if err != nil {
		return nil, fmt.Errorf("duties of %s: %w", c.Ref, err)
	}
	alerts, err := decisionAlerts(c, org, actor, now, evs, out)
	if err != nil {
		return nil, err
	}
	out = append(out, alerts...)
	standing := map[string]bool{}
	for _, f := range c.Flags() {
		standing[f.Kind] = true
	}
	// Reconcile's own events may settle a flag (a new duty ends
	// "no open duty"), so look at the case as it will be.
	if len(out) > 0 {
		next := c
		for _, e := range out {
			cp := *e
			if next, err = domain.ApplyCase(clone(next), &cp); err != nil {
				return nil, err
			}
		}
		standing = map[string]bool{}
		for _, f := range next.Flags() {
			standing[f.Kind] = true
		}
	}
	if u, ok := org.Users[c.OwnerID]; ok && !u.Active && c.Status.IsOpen() {
		standing[FindingOrphaned] = true
	}
	if c.Transfer != nil {
		standing[FindingTransferOverdue] = true
	}
	if _, ok := s.lapses(c, org, now); ok { // training_watch.go
		standing[FindingAccreditationLapsed] = true
	}
	for _, f := range c.Findings {
		if f.Resolved.IsZero() && isWatchdogFinding(f.Kind) && !standing[f.Kind] {
			e, err := domain.NewEvent(domain.EvFindingResolved, actor, c.ID, now, domain.FindingResolved{ID: f.ID})
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// decisionKinds are the duties that ask one person for a decision another
// is waiting on: the duty alone waits on My work for them to look, so the
// inbox tells them at once.
var decisionKinds = map[string]bool{duty.ClosureApproval: true, duty.TransferAccept: true,
	duty.VRRAcknowledge: true, duty.VRRReview: true}

// decisionAlerts alerts whoever a decision duty among evs now falls on,
// unless they made it fall on themselves. Imports and the watchdog's
// own reshuffles (actor "system:…") alert nobody: the escalation ladder
// speaks for the watchdog, and history is not news.
func decisionAlerts(c *domain.Case, org *domain.OrgState, actor string, now time.Time,
	trigger, evs []*event.Event) ([]*event.Event, error) {
	if strings.HasPrefix(actor, "system:") {
		return nil, nil
	}
	// The import hands the reactors a case's whole history at once, its
	// first event by whoever acted then, so its actor is not "system:".
	for _, e := range trigger {
		if e.Type == domain.EvCaseImported {
			return nil, nil
		}
	}
	opened, err := dutiesOpened(evs)
	if err != nil {
		return nil, err
	}
	var out []*event.Event
	for _, d := range opened {
		if !decisionKinds[d.Kind] || d.Accountable == "" || d.Accountable == actor {
			continue
		}
		by := domain.PersonName(org.Users[actor])
		text := fmt.Sprintf("%s: %s — asked by %s.", c.Ref, domain.DutyKindLabel(d.Kind), by)
		if d.Kind == duty.ClosureApproval && c.Closure != nil {
			text = fmt.Sprintf("%s: %s — %s proposed outcome %s.", c.Ref, domain.DutyKindLabel(d.Kind), by,
				c.Closure.Outcome)
		}
		a, err := domain.NewEvent(domain.EvAlertSent, actor, c.ID, now,
			domain.AlertSent{To: d.Accountable, Kind: domain.AlertDecision, Text: text, ID: d.ID})
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// dutiesOpened lists the duties evs open.
func dutiesOpened(evs []*event.Event) ([]domain.Duty, error) {
	var out []domain.Duty
	for _, e := range evs {
		if e.Type != domain.EvDutyOpened {
			continue
		}
		var p domain.DutyOpened
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return nil, err
		}
		out = append(out, p.Duty)
	}
	return out, nil
}

func clone(c *domain.Case) *domain.Case {
	cp := *c
	cp.Duties = append([]domain.Duty(nil), c.Duties...)
	cp.ClosedDuties = append([]domain.Duty(nil), c.ClosedDuties...)
	cp.Findings = append([]domain.Finding(nil), c.Findings...)
	return &cp
}

// WorkItem is an open duty as a work list shows it.
type WorkItem struct {
	store.DutyRow
	Says    string `json:"says"`
	Overdue bool   `json:"overdue"`
	// Victim names the victim a duty is owed to (contact, a decision
	// notice, a plan), so that one kind of duty to several victims of a
	// case reads apart; "" for other duties.
	Victim string `json:"victim,omitempty"`
	// Detail is what this one duty is about where its kind does not say
	// (domain.Duty.Detail): why a closure was sent back, why an action's
	// review came to a supervisor.
	Detail string `json:"detail,omitempty"`
}

// detailKinds are the duty kinds whose Detail a work list shows.
var detailKinds = map[string]bool{duty.ClosureSentBack: true, duty.ActionReview: true}

// addDetails sets Detail on the items of detailKinds, reading their cases:
// few at a time (a closure is sent back to its owner, one case at once).
func (s *Service) addDetails(ctx context.Context, items []WorkItem) error {
	cases := map[string]*domain.Case{}
	for i := range items {
		it := &items[i]
		if !detailKinds[it.Kind] {
			continue
		}
		c, ok := cases[it.CaseID]
		if !ok {
			var err error
			if c, err = s.st.Case(ctx, it.CaseID); err != nil {
				return err
			}
			cases[it.CaseID] = c
		}
		for _, d := range c.Duties {
			if d.ID == it.ID {
				it.Detail = d.Detail
			}
		}
	}
	return nil
}

// isVictimKind reports whether a duty of kind is owed to a victim (its
// subject the victim's id).
func isVictimKind(kind string) bool {
	for _, k := range victimKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// nameVictims sets Victim on the items owed to a victim, reading only the
// victims of their cases.
func (s *Service) nameVictims(ctx context.Context, items []WorkItem) error {
	var ids []string
	seen := map[string]bool{}
	for _, it := range items {
		if isVictimKind(it.Kind) && !seen[it.CaseID] {
			seen[it.CaseID] = true
			ids = append(ids, it.CaseID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	f, err := s.finder()
	if err != nil {
		return err
	}
	cases, err := f.CaseVictims(ctx, ids)
	if err != nil {
		return err
	}
	for i := range items {
		if isVictimKind(items[i].Kind) {
			items[i].Victim = victimLabel(cases[items[i].CaseID], items[i].Subject)
		}
	}
	return nil
}

// victimLabel is how a list names a victim of a case: by name, or as
// "Victim 2" (their place on the case) when no name is recorded.
func victimLabel(c *store.CaseVictims, id string) string {
	if c == nil {
		return ""
	}
	for i, v := range c.Victims {
		if v.ID == id {
			if n := strings.TrimSpace(v.Name); n != "" {
				return n
			}
			return fmt.Sprintf("Victim %d", i+1)
		}
	}
	return ""
}

func (s *Service) workItems(rows []store.DutyRow, now time.Time) []WorkItem {
	out := make([]WorkItem, len(rows)) // never nil: an empty list is []
	for i, d := range rows {
		key := d.Kind
		switch key {
		case "supervisory_review":
			key = "review"
		case "decision_notice":
			key = "decision_notice_enhanced"
		}
		out[i] = WorkItem{DutyRow: d, Says: s.Policy().Says(key), Overdue: duty.Overdue(d.Due, now)}
	}
	// Overdue first, then soonest due.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Overdue != out[j].Overdue {
			return out[i].Overdue
		}
		return out[i].Due.Before(out[j].Due)
	})
	return out
}

// MyWork lists every open duty of the actor, overdue first.
func (s *Service) MyWork(ctx context.Context, a *Actor) ([]WorkItem, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	rows, err := s.st.UserDuties(ctx, a.ID())
	if err != nil {
		return nil, fmt.Errorf("my work: %w", err)
	}
	items := s.workItems(rows, s.clock.Now())
	if err := s.nameVictims(ctx, items); err != nil {
		return nil, err
	}
	if err := s.addDetails(ctx, items); err != nil {
		return nil, err
	}
	if err := s.RecordRead(ctx, a, ReadWork, "", itemCases(items)); err != nil {
		return nil, err
	}
	return items, nil
}

// itemCases are the cases of work items, each once.
func itemCases(items []WorkItem) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.CaseID)
	}
	return out
}

// BoardLimit is the most duties a team board lists: the soonest due, so
// every overdue one while there are fewer than this. TeamBoardCounts says
// how many there are in all, so that a board never leaves any out unsaid.
const BoardLimit = 5000

// TeamBoard lists the open duties of every team the actor supervises or
// manages (their unit and those below it), overdue first: at most
// BoardLimit of them, the soonest due.
func (s *Service) TeamBoard(ctx context.Context, a *Actor) ([]WorkItem, error) {
	teams, err := s.boardTeams(ctx, a)
	if err != nil {
		return nil, err
	}
	rows, err := s.st.TeamDuties(ctx, teams, s.boardLimit)
	if err != nil {
		return nil, fmt.Errorf("team board: %w", err)
	}
	items := s.workItems(rows, s.clock.Now())
	if err := s.nameVictims(ctx, items); err != nil {
		return nil, err
	}
	if err := s.RecordRead(ctx, a, ReadTeam, "", itemCases(items)); err != nil {
		return nil, err
	}
	return items, nil
}

// TeamBoardCounts counts the open duties of the actor's team board and
// those of them overdue, however many the board lists.
func (s *Service) TeamBoardCounts(ctx context.Context, a *Actor) (open, overdue int, err error) {
	teams, err := s.boardTeams(ctx, a)
	if err != nil {
		return 0, 0, err
	}
	open, overdue, err = s.st.TeamDutyCounts(ctx, teams, s.clock.Now())
	if err != nil {
		return 0, 0, fmt.Errorf("team board: %w", err)
	}
	return open, overdue, nil
}

// boardTeams are the teams whose duties the actor's board shows.
func (s *Service) boardTeams(ctx context.Context, a *Actor) ([]string, error) {
	if err := a.need("see the team board", domain.RoleSupervisor, domain.RoleManager); err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	return a.visibleTeams(org, nil), nil
}

// InboxLimit is the most alerts the inbox reads: the newest.
const InboxLimit = 500

// InboxAlert is what the inbox shows of one or more alerts about the same
// thing (the escalation ladder of one duty, a finding raised again): the
// newest of them, with every one's sequence number, so that one press
// acknowledges or finishes them all.
type InboxAlert struct {
	store.InboxItem
	CaseRef string    `json:"case_ref,omitempty"`
	Seqs    []int64   `json:"seqs"`
	Count   int       `json:"count"`           // how many alerts it stands for
	First   time.Time `json:"first"`           // when the first of them came
	About   string    `json:"about,omitempty"` // the duty or finding it is about
	// State is "new", "acknowledged" or "done" (what the reader did).
	State string `json:"state"`
	// DutyOpen is true while the duty an escalation is about is still open.
	DutyOpen bool `json:"duty_open"`
	// DutyKind is the kind of that open duty, and Victim the victim it is
	// owed to, if it is owed to one (by name, or "Victim 2").
	DutyKind string `json:"duty_kind,omitempty"`
	Victim   string `json:"victim,omitempty"`
	// DutySubject is what that duty is about (the victim, the action),
	// so that the inbox links the page where it is done.
	DutySubject string `json:"duty_subject,omitempty"`
}

// Alert states.
const (
	AlertNew          = "new"
	AlertAcknowledged = "acknowledged"
	AlertDone         = "done"
)

// inboxAlerts reads the actor's alerts, collapses those about the same
// duty or finding, names people by rank and name, and leaves out alerts
// about cases the actor may no longer see — unless the actor still owes an
// open duty on the case, or the alert is an escalation of an open duty to
// them (a force's fallback manager is told of duties in teams outside
// their chain: internal/duty.Fallback).
func (s *Service) inboxAlerts(ctx context.Context, a *Actor) ([]InboxAlert, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	f, err := s.finder()
	if err != nil {
		return nil, err
	}
	rows, err := f.InboxRows(ctx, a.ID(), InboxLimit)
	if err != nil {
		return nil, err
	}
	out := []InboxAlert{}
	if len(rows) == 0 {
		return out, nil
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	see := map[string]bool{}
	for _, t := range a.visibleTeams(org, nil) {
		see[t] = true
	}
	owes := map[string]bool{}
	// sentBack are the reader's open duties to act on a closure sent back,
	// by case: the alert saying so is theirs to act on while it is open.
	sentBack := map[string]store.DutyRow{}
	mine, err := s.st.UserDuties(ctx, a.ID())
	if err != nil {
		return nil, err
	}
	for _, d := range mine {
		owes[d.CaseID] = true
		if d.Kind == duty.ClosureSentBack {
			sentBack[d.CaseID] = d
		}
	}
	var duties []string
	for _, r := range rows {
		if (r.Kind == "escalation" || r.Kind == domain.AlertDecision) && r.About != "" {
			duties = append(duties, r.About)
		}
	}
	open, err := f.OpenDuties(ctx, duties)
	if err != nil {
		return nil, err
	}
	// The victim each open duty escalated is owed to, by name: three
	// victims' updates on one case are three things to do, not one.
	var victimCases []string
	for _, d := range open {
		if isVictimKind(d.Kind) {
			victimCases = append(victimCases, d.CaseID)
		}
	}
	victims, err := f.CaseVictims(ctx, victimCases)
	if err != nil {
		return nil, err
	}
	byUsername := map[string]*domain.User{}
	for _, u := range org.Users {
		byUsername[u.Username] = u
	}
	index := map[string]int{}
	for _, r := range rows { // newest first
		d, dutyOpen := open[r.About]
		dutyOpen = dutyOpen && (r.Kind == "escalation" || r.Kind == domain.AlertDecision)
		if r.Kind == domain.AlertClosureSentBack {
			d, dutyOpen = sentBack[r.CaseID]
		}
		if !a.System && !see[r.TeamID] && !owes[r.CaseID] && !dutyOpen {
			continue
		}
		// A link on a closed case is shown like any other (docs/links.md):
		// the closed side owes no review duty, so the alert is all its
		// officer in charge and supervisor get, and the open side may
		// close without reviewing it (index_links.go). A case's links are
		// one row, so they are no flood.
		victim := ""
		if dutyOpen && isVictimKind(d.Kind) {
			victim = victimLabel(victims[d.CaseID], d.Subject)
		}
		// One duty's escalation ladder reads the same to the reader: one
		// alert. The text before " — " says what is owed; a finding's
		// whole text is what it found. Duties of one kind to several
		// victims of the case stay apart, each naming its victim.
		what, _, _ := strings.Cut(strings.TrimPrefix(r.Text, r.CaseRef+": "), " — ")
		key := r.CaseID + "\x00" + r.Kind + "\x00" + what + "\x00" + victim
		state := r.State
		if state == "" {
			state = AlertNew
		}
		if r.Kind == domain.AlertLink {
			// The possible links found for one case are one row: each is
			// reviewed on the case's links page, which lists them all (a
			// sergeant had 413 link alerts among 415). Those marked done
			// are apart, so the row counts the links not yet dealt with.
			key = r.CaseID + "\x00" + r.Kind + "\x00" + strconv.FormatBool(state == AlertDone)
		}
		if state == AlertNew && (r.Kind == domain.AlertDecision || r.Kind == "escalation") && r.About != "" &&
			!dutyOpen {
			// Decided, or the escalated duty met or ended: nothing is left
			// for the reader to do, so it is no longer new to them (nor
			// counted unread), though they did not acknowledge it; the
			// inbox shows it resolved, and the alert stays in the record.
			state = AlertAcknowledged
		}
		if i, ok := index[key]; ok {
			al := &out[i]
			al.Seqs = append(al.Seqs, r.Seq)
			al.Count++
			al.First = r.At
			al.State = lesserState(al.State, state)
			continue
		}
		index[key] = len(out)
		it := r.InboxItem
		it.Text = namePeople(it.Text, byUsername)
		out = append(out, InboxAlert{InboxItem: it, CaseRef: r.CaseRef, Seqs: []int64{r.Seq}, Count: 1,
			First: r.At, About: r.About, State: state, DutyOpen: dutyOpen, Victim: victim,
			DutyKind: d.Kind, DutySubject: d.Subject})
	}
	return out, nil
}

// lesserState is the state of alerts collapsed together: new while any of
// them is new, done only when all are.
func lesserState(x, y string) string {
	rank := map[string]int{AlertNew: 0, AlertAcknowledged: 1, AlertDone: 2}
	if rank[y] < rank[x] {
		return y
	}
	return x
}

var usernameLike = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]`)

// namePeople puts people's rank and name where an alert's text has their
// username (alerts written before names were used there).
func namePeople(text string, byUsername map[string]*domain.User) string {
	return usernameLike.ReplaceAllStringFunc(text, func(w string) string {
		if u := byUsername[w]; u != nil && strings.ContainsAny(w, "._-0123456789") {
			return domain.PersonName(u)
		}
		return w
	})
}

// Inbox lists the actor's alerts not yet done — escalations and findings,
// newest first, those about one thing shown once — and records that the
// actor read the cases they name.
func (s *Service) Inbox(ctx context.Context, a *Actor) ([]InboxAlert, error) {
	all, err := s.inboxAlerts(ctx, a)
	if err != nil {
		return nil, err
	}
	out := []InboxAlert{}
	var ids []string
	for _, al := range all {
		if al.State != AlertDone {
			out = append(out, al)
			ids = append(ids, al.CaseID)
		}
	}
	if err := s.RecordRead(ctx, a, ReadInbox, "", ids); err != nil {
		return nil, err
	}
	return out, nil
}

// InboxDone lists the alerts the actor marked done, newest first.
func (s *Service) InboxDone(ctx context.Context, a *Actor) ([]InboxAlert, error) {
	all, err := s.inboxAlerts(ctx, a)
	if err != nil {
		return nil, err
	}
	out := []InboxAlert{}
	var ids []string
	for _, al := range all {
		if al.State == AlertDone {
			out = append(out, al)
			ids = append(ids, al.CaseID)
		}
	}
	if err := s.RecordRead(ctx, a, ReadInbox, "done", ids); err != nil {
		return nil, err
	}
	return out, nil
}

// UnreadAlerts counts the actor's alerts neither acknowledged nor done, as
// the inbox shows them: for the count in the navigation. It reads no
// personal data and records nothing.
func (s *Service) UnreadAlerts(ctx context.Context, a *Actor) (int, error) {
	all, err := s.inboxAlerts(ctx, a)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, al := range all {
		if al.State == AlertNew {
			n++
		}
	}
	return n, nil
}

// MarkAlert is the input of AcknowledgeAlert and AlertDone: one alert of
// the reader's inbox, by its sequence number (any of those collapsed into
// it: all of them are marked).
type MarkAlert struct {
	Seq string `json:"-" path:"seq"` // the alert's sequence number, in the URL path
}

// AcknowledgeAlert records that the actor has seen an alert and is dealing
// with it: it stays in the inbox, no longer counted as unread.
func (s *Service) AcknowledgeAlert(ctx context.Context, a *Actor, in MarkAlert) (*InboxAlert, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.markAlert(ctx, a, in, domain.EvAlertAcknowledged, AlertAcknowledged)
}

// AlertDone records that the actor has dealt with an alert: it leaves the
// inbox (the list of done alerts keeps it).
func (s *Service) AlertDone(ctx context.Context, a *Actor, in MarkAlert) (*InboxAlert, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.markAlert(ctx, a, in, domain.EvAlertDone, AlertDone)
}

func (s *Service) markAlert(ctx context.Context, a *Actor, in MarkAlert, typ, state string) (*InboxAlert, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if a.System {
		return nil, fmt.Errorf("the system has no inbox: %w", ErrForbidden)
	}
	seq, err := strconv.ParseInt(in.Seq, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("alert %q: %w", in.Seq, ErrNotFound)
	}
	all, err := s.inboxAlerts(ctx, a)
	if err != nil {
		return nil, err
	}
	var al *InboxAlert
	for i := range all {
		if contains(all[i].Seqs, seq) {
			al = &all[i]
			break
		}
	}
	if al == nil {
		// Another's alert, or none: the same as not there.
		return nil, fmt.Errorf("alert %d is not in your inbox: %w", seq, ErrNotFound)
	}
	var p domain.Problems
	switch {
	case al.State == AlertDone:
		p.Add("seq", "already_done", "You have already marked this alert as done.")
	case al.State == state:
		p.Add("seq", "already_acknowledged", "You have already acknowledged this alert.")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	err = s.st.Write(ctx, func(tx store.Tx) error {
		e, err := domain.NewEvent(typ, a.ID(), "", now, domain.AlertMarked{CaseID: al.CaseID, Seqs: al.Seqs})
		if err != nil {
			return err
		}
		return tx.Append(e)
	})
	if err != nil {
		return nil, fmt.Errorf("mark alert: %w", err)
	}
	al.State = state
	return al, nil
}

// VictimDue is a victim owed contact: overdue, or due within the week.
type VictimDue struct {
	WorkItem
	CaseVersion int64               `json:"case_version"`
	OwnerID     string              `json:"owner_id,omitempty"`
	VictimID    string              `json:"victim_id"`
	Victim      string              `json:"victim"`
	Enhanced    bool                `json:"enhanced"`
	Plan        *domain.ContactPlan `json:"plan,omitempty"`
	LastContact *domain.ContactMark `json:"last_contact,omitempty"`
	// CaseClosed: the case is closed and the victim is still owed
	// something (word of the decision): the list says so.
	CaseClosed bool `json:"case_closed,omitempty"`
}

// ContactKind is the kind of contact that meets the duty this row is for:
// a decision notice is met only by telling the victim of the decision, a
// support referral only by the referral; the rest by an update. (The list's
// one-step form defaulted to "update" and left a decision duty open.)
func (v VictimDue) ContactKind() string {
	switch v.Kind {
	case duty.DecisionNotice:
		return domain.ContactDecision
	case duty.SupportReferral:
		return domain.ContactSupportReferral
	}
	return domain.ContactUpdate
}

// victimKinds are the duties owed to a victim, subject the victim's id.
var victimKinds = []string{duty.VictimUpdate, duty.FirstVictimContact, duty.DecisionNotice, duty.ContactPlan,
	duty.SupportReferral}

// VictimsDueLimit is the most victims one list holds: the soonest due.
const VictimsDueLimit = 50

// VictimsDue lists the victims of the cases the actor supports (their team
// and those below it) who are overdue contact or due it within seven days,
// with their contact plan and last contact: the victim liaison officer's
// work list. Victims of open cases come first, then the most overdue
// (the store's order, kept: the work lists' own order, overdue first,
// put a backlog of closed historic cases at the top); a closed case is
// listed only while a duty to its victim is still open, marked CaseClosed.
// It records the read of every case it lists.
func (s *Service) VictimsDue(ctx context.Context, a *Actor) ([]VictimDue, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("see victims due contact", domain.RoleVictimLiaison, domain.RoleInvestigator,
		domain.RoleSupervisor, domain.RoleManager); err != nil {
		return nil, err
	}
	f, err := s.finder()
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	var teams []string
	o := domain.Org{Units: org.Units}
	for id, u := range org.Units {
		if u.Kind == domain.UnitTeam && o.Within(id, a.User.UnitID) {
			teams = append(teams, id)
		}
	}
	now := s.clock.Now()
	rows, err := f.DutiesOfKinds(ctx, teams, victimKinds, now.AddDate(0, 0, 7), VictimsDueLimit)
	if err != nil {
		return nil, err
	}
	items := make([]WorkItem, 0, len(rows))
	for _, r := range rows { // one at a time: workItems would sort them again
		items = append(items, s.workItems([]store.DutyRow{r}, now)...)
	}
	var ids []string
	seen := map[string]bool{}
	for _, it := range items {
		if !seen[it.CaseID] {
			seen[it.CaseID] = true
			ids = append(ids, it.CaseID)
		}
	}
	cases, err := f.CaseVictims(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []VictimDue{}
	for _, it := range items {
		c := cases[it.CaseID]
		if c == nil {
			continue
		}
		var v *domain.Victim
		for i := range c.Victims {
			if c.Victims[i].ID == it.Subject {
				v = &c.Victims[i]
			}
		}
		if v == nil {
			continue
		}
		vd := VictimDue{WorkItem: it, CaseVersion: c.Version, OwnerID: c.OwnerID, VictimID: v.ID, Victim: v.Name,
			Enhanced: v.Enhanced, Plan: v.Plan, CaseClosed: c.Status == domain.StatusClosed}
		vd.LastContact = v.LatestContact()
		out = append(out, vd)
	}
	if err := s.RecordRead(ctx, a, ReadLiaison, "", ids); err != nil {
		return nil, err
	}
	return out, nil
}

// EscalationsLimit is the most escalated duties one list holds.
const EscalationsLimit = 200

// EscalationList is the escalated open duties of a command in two lists:
// the current ones, overdue by up to DormantAfter (or not yet due), and the
// long-dormant ones, overdue by more — most inherited with imported
// records — held apart as the team board holds its backlog, so that a
// decade of them does not bury this week's. Both are failures someone must
// answer for; each list is soonest due first, at most EscalationsLimit,
// and its count says how many there are in all.
type EscalationList struct {
	Current      []WorkItem `json:"current"`
	CurrentCount int        `json:"current_count"`
	Dormant      []WorkItem `json:"long_dormant"`
	DormantCount int        `json:"long_dormant_count"`
	// Cutoff is the due time before which an escalation is long-dormant.
	Cutoff time.Time `json:"dormant_before"`
	// Page and Size are the page read of one list (EscalationPage), from
	// 1, and how many a page holds; 0 when each list is read from its start.
	Page int `json:"page,omitempty"`
	Size int `json:"size,omitempty"`
}

// Escalations lists the open duties of the actor's command (the teams of
// their unit and below) that the watchdog has escalated: the current ones
// soonest due first, then the long-dormant ones soonest due first (see
// EscalationList).
func (s *Service) Escalations(ctx context.Context, a *Actor) ([]WorkItem, error) {
	l, err := s.EscalationList(ctx, a)
	if err != nil {
		return nil, err
	}
	return append(l.Current, l.Dormant...), nil
}

// EscalationList lists the escalated open duties of the actor's command,
// the current apart from the long-dormant: what a manager or supervisor
// must see done, this week's first.
func (s *Service) EscalationList(ctx context.Context, a *Actor) (*EscalationList, error) {
	return s.escalationList(ctx, a, window{limit: EscalationsLimit}, window{limit: EscalationsLimit})
}

// EscalationPageSize is how many escalations a page of one list holds.
const EscalationPageSize = 50

// EscalationPageIn asks for one page of one of the two lists of
// escalations (EscalationList): the current ones, or the long-dormant.
type EscalationPageIn struct {
	Dormant bool `json:"long_dormant,omitempty" query:"long_dormant"`
	// Page is the page, from 1 (0 is the first); Size how many a page
	// holds, at most EscalationsLimit (0 is EscalationPageSize).
	Page int `json:"page,omitempty" query:"page"`
	Size int `json:"size,omitempty" query:"size"`
}

// maxEscalationPage is more pages than any command's escalations fill.
const maxEscalationPage = 1_000_000

// EscalationPage reads one page of the current or of the long-dormant
// escalations of the actor's command, and counts both lists: My work
// shows the first few current ones and the count of the rest, and each
// list has its pages. The other list's duties are counted, not read.
func (s *Service) EscalationPage(ctx context.Context, a *Actor, in EscalationPageIn) (*EscalationList, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	var p domain.Problems
	if in.Page < 0 || in.Page > maxEscalationPage {
		// The top bound keeps (page-1)*size from overflowing into a
		// negative offset (PostgreSQL refused it: a 500; SQLite showed
		// the first page as another).
		p.Add("page", "invalid", "There is no such page: start again from the first page.")
	}
	if in.Size < 0 || in.Size > EscalationsLimit {
		p.Add("size", "invalid", fmt.Sprintf("A page holds from 1 to %d escalations.", EscalationsLimit))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	page, size := max(in.Page, 1), in.Size
	if size == 0 {
		size = EscalationPageSize
	}
	w := window{limit: size, offset: (page - 1) * size}
	var l *EscalationList
	var err error
	if in.Dormant {
		l, err = s.escalationList(ctx, a, window{}, w)
	} else {
		l, err = s.escalationList(ctx, a, w, window{})
	}
	if err != nil {
		return nil, err
	}
	l.Page, l.Size = page, size
	return l, nil
}

// window is a part of a list: limit rows after the first offset (a limit
// of 0 reads none, only the count).
type window struct{ limit, offset int }

// escalationList reads the escalations of the actor's command: the window
// cur of the current ones and dorm of the long-dormant, each counted whole.
func (s *Service) escalationList(ctx context.Context, a *Actor, cur, dorm window) (*EscalationList, error) {
	teams, err := s.boardTeams(ctx, a)
	if err != nil {
		return nil, err
	}
	f, err := s.finder()
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	l := &EscalationList{Cutoff: now.Add(-DormantAfter)}
	for _, part := range []struct {
		dormant bool
		w       window
		items   *[]WorkItem
		n       *int
	}{{false, cur, &l.Current, &l.CurrentCount}, {true, dorm, &l.Dormant, &l.DormantCount}} {
		rows, n, err := f.EscalatedDuties(ctx, teams, l.Cutoff, part.dormant, part.w.limit, part.w.offset)
		if err != nil {
			return nil, err
		}
		*part.items, *part.n = s.workItems(rows, now), n
	}
	all := append(append([]WorkItem(nil), l.Current...), l.Dormant...)
	if err := s.nameVictims(ctx, all); err != nil {
		return nil, err
	}
	// nameVictims names the items of all in place: copy them back.
	copy(l.Current, all)
	copy(l.Dormant, all[len(l.Current):])
	if err := s.RecordRead(ctx, a, ReadTeam, "escalations", itemCases(all)); err != nil {
		return nil, err
	}
	return l, nil
}
