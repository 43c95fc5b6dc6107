package domain

import (
	"slices"
	"strings"
	"time"
)

// Status is where a case stands.
type Status string

const (
	StatusReferral        Status = "referral"         // received, not yet allocated to an owner
	StatusOpen            Status = "open"             // under investigation
	StatusClosureProposed Status = "closure_proposed" // awaiting approval; still open
	StatusClosed          Status = "closed"
)

// IsOpen reports whether the force still owes the case work.
func (s Status) IsOpen() bool { return s != StatusClosed }

// Case is the projection of one investigation's events: what is true now.
type Case struct {
	ID           string    `json:"id"`
	Ref          string    `json:"ref"`
	ForceID      string    `json:"force_id"`
	TeamID       string    `json:"team_id"`
	OwnerID      string    `json:"owner_id,omitempty"`
	Status       Status    `json:"status"`
	OffenceTypes []string  `json:"offence_types"`
	Summary      string    `json:"summary"`
	Marking      string    `json:"marking"` // protective marking, e.g. OFFICIAL-SENSITIVE
	Source       string    `json:"source,omitempty"`
	ReportedAt   time.Time `json:"reported_at,omitzero"`
	OpenedAt     time.Time `json:"opened_at"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
	UpdatedAt    time.Time `json:"updated_at"`
	Version      int64     `json:"version"`

	Victims  []Victim  `json:"victims"`
	Suspects []Suspect `json:"suspects"`
	People   []Person  `json:"people"`
	Actions  []Action  `json:"actions"`
	// Notes are the notes folded into this value since it was read (all
	// of them when folded from the whole log, or when the service reads
	// the store's note log for a page, an export or a command's answer:
	// a case command returns every note, as the API's POST answers do). The rest are in the
	// note log (case_notes): they grow with every note a case is given,
	// and no command, gate or the watchdog reads them. Never part of the
	// document; NoteCount counts them.
	Notes []Note `json:"-"`
	// NoteCount is how many notes the case has: the next one's number in
	// the note log.
	NoteCount int `json:"note_count,omitempty"`
	// Duties are the duties still open, and those waived (a waiver stands
	// for its cycle: duty.Reconcile does not open the same one again).
	// Duties met or cancelled leave the document for the store's duty
	// history (ClosedDuties), so a command does not decode and encode
	// every duty the case ever owed: on an old case they were most of it.
	Duties  []Duty `json:"duties"`
	Outcome string `json:"outcome,omitempty"`
	// DutyCount is how many duties the case has opened: the next one's
	// number (duty ids count them), no longer len(Duties).
	DutyCount int `json:"duty_count,omitempty"`
	// LastDutyClosed is when a duty of the case last closed, whatever
	// became of it: the flags date a case owing nothing from it.
	LastDutyClosed time.Time `json:"last_duty_closed,omitzero"`
	// ApprovalEnded is when the approval duty of a proposed closure last
	// closed, and which closure it was: a closure sent back is owed
	// again from then (duty.Reconcile).
	ApprovalEnded *DutyEnd `json:"approval_ended,omitempty"`
	// ClosedDuties are the duties met or cancelled by the events folded
	// into this value since it was read: the store writes them to the
	// duty history with the document. Never part of the document.
	ClosedDuties []Duty `json:"-"`

	Plan   string    `json:"plan,omitempty"` // the investigation plan, as last set
	PlanAt time.Time `json:"plan_at,omitzero"`
	// Reviews are the supervisory reviews folded into this value since it
	// was read (all of them when folded from the whole log, or when the
	// service reads the store's review log for a page, an export or a
	// command's answer). The
	// rest are in the review log (case_reviews): a case gains one every
	// review period, so they grow with its age. Never part of the
	// document; the summary below is what commands, gates, the watchdog
	// and the audit's conflict check read.
	Reviews []Review `json:"-"`
	// ReviewCount is how many reviews the case has: the next one's number
	// in the review log.
	ReviewCount int `json:"review_count,omitempty"`
	// LastReviewAt is when the review recorded last was held: the review duty
	// and the closure gate date the next one from it.
	LastReviewAt time.Time `json:"last_review_at,omitzero"`
	// Reviewers are the users who have reviewed the case, each once, in
	// the order of their first review: an audit's conflict check and
	// gate.Involved ask whether someone did.
	Reviewers []string   `json:"reviewers,omitempty"`
	Decisions []Decision `json:"decisions,omitempty"`
	Transfer  *Transfer  `json:"transfer,omitempty"` // pending, if any
	Transfers []Transfer `json:"transfers,omitempty"`
	Closure   *Closure   `json:"closure,omitempty"` // proposed or approved, if any
	Closures  []Closure  `json:"closures,omitempty"`
	VRRs      []VRR      `json:"vrr,omitempty"`
	Reopened  int        `json:"reopened,omitempty"`
	// ReopenedAt is when the case was last reopened afresh: its duties run
	// from then, never from the dates of the investigation that closed.
	ReopenedAt time.Time `json:"reopened_at,omitzero"`
	Findings   []Finding `json:"findings,omitempty"`
	// LastSignificant is when something changed that a supervisor must
	// have seen before the case may close (a gate rule).
	LastSignificant time.Time `json:"last_significant,omitzero"`
	AllocatedAt     time.Time `json:"allocated_at,omitzero"`
	Imported        bool      `json:"imported,omitempty"`
	SourceRef       string    `json:"source_ref,omitempty"` // the reference in the system it was imported from
	ImportedAt      time.Time `json:"imported_at,omitzero"` // when it was imported (zero: before this was kept)
	// BreakGlass lists every emergency access to the case outside need
	// to know (alerts.go): read-only, time-boxed, reviewed.
	BreakGlass []BreakGlass `json:"break_glass,omitempty"`
	// Links are possible links of its people to people on other cases,
	// found in the POLE index, with their reviews (links.go).
	Links []CaseLink `json:"links,omitempty"`
	// TrainingOverrides are managers' time-boxed overrides of the
	// training gate (training_override.go).
	TrainingOverrides []TrainingOverride `json:"training_overrides,omitempty"`
}

// Victim is a person harmed. Child victims always have enhanced entitlement
// under the Victims' Code (../shared/domain.md §2).
type Victim struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	DateOfBirth string    `json:"dob,omitempty"` // YYYY-MM-DD
	Contact     string    `json:"contact,omitempty"`
	Vulnerable  bool      `json:"vulnerable"`
	Enhanced    bool      `json:"enhanced"`
	AddedAt     time.Time `json:"added_at"`

	Plan *ContactPlan `json:"plan,omitempty"`
	// Contacts are the contacts folded into this value since it was read
	// (all of them when folded from the whole log, or when the service
	// reads the log for a page or an export). The rest are in the store's
	// contact log (victim_contacts): on an old case they were a quarter
	// of its document, which every command decodes and encodes. Never
	// part of the document; the fold keeps what commands, gates and the
	// watchdog need in the fields below.
	Contacts []Contact `json:"-"`
	// ContactCount is how many contacts the victim has had: the next
	// one's number in the contact log.
	ContactCount int `json:"contact_count,omitempty"`
	// FirstContact is when the victim was first contacted.
	FirstContact time.Time `json:"first_contact,omitzero"`
	// LastContactOf is the victim's latest contact of each kind (its
	// time and method, not its note), in the order the kinds were first
	// seen: LastContact and LatestContact read it.
	LastContactOf []ContactMark `json:"last_contact_of,omitempty"`
	// AccountTaken: the victim's account has been recorded (e.g. a
	// video-recorded interview).
	AccountTaken bool      `json:"account_taken,omitempty"`
	View         string    `json:"view,omitempty"` // on the proposed outcome
	ViewAt       time.Time `json:"view_at,omitzero"`
	// NoticeDue is the key decision the victim has not yet been told of.
	NoticeDue *Notice `json:"notice_due,omitempty"`
}

// ContactPlan is how often and how a victim agreed to be updated.
type ContactPlan struct {
	EveryDays int       `json:"every_days"`
	Method    string    `json:"method"`
	AgreedAt  time.Time `json:"agreed_at"`
	// AgreedWith is who the plan was agreed with (the victim, a parent).
	AgreedWith string `json:"agreed_with,omitempty"`
}

// Contact kinds.
const (
	ContactUpdate          = "update"
	ContactDecision        = "decision_notification"
	ContactSupportReferral = "support_referral"
	ContactNeedsAssessment = "needs_assessment"
	ContactAccount         = "account_taken"
)

// ContactKinds lists the contact kinds a contact log accepts.
func ContactKinds() []string {
	return []string{ContactUpdate, ContactDecision, ContactSupportReferral, ContactNeedsAssessment, ContactAccount}
}

// Contact is one entry in a victim's contact log. At is when the contact
// happened, which the duties it meets run from; RecordedAt is when it was
// recorded, which may be later (a visit recorded next morning). Zero
// RecordedAt: recorded when it happened (contacts recorded before it was
// kept, and imported ones).
type Contact struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	Method     string    `json:"method,omitempty"`
	Note       string    `json:"note,omitempty"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
}

// ContactMark is a victim's latest contact of one kind, without its note.
type ContactMark struct {
	Kind   string    `json:"kind"`
	Method string    `json:"method,omitempty"`
	At     time.Time `json:"at"`
}

// Notice is the key decisions a victim is owed word of (Victims' Code
// Right 6): Decision joins them by "; ", At is when the first was made
// (the deadline runs from it).
type Notice struct {
	Decision string    `json:"decision"`
	At       time.Time `json:"at"`
	// Each is every decision owed with when it was made, in order, so that
	// each can be shown with its own date. A notice recorded before it was
	// kept has none: Decision and At stand for all.
	Each []Owed `json:"each,omitempty"`
}

// Owed is one decision a victim is owed word of and when it was made.
type Owed struct {
	Decision string    `json:"decision"`
	At       time.Time `json:"at"`
	// ReviewAsked is when the victim asked for the Right to Review whose
	// outcome this is (zero for other decisions): the Code's time to
	// complete and communicate the review runs from it.
	ReviewAsked time.Time `json:"review_asked,omitzero"`
}

// LastContact is the latest contact of one of kinds (any kind if none).
func (v *Victim) LastContact(kinds ...string) time.Time {
	var t time.Time
	for _, m := range v.LastContactOf {
		if (len(kinds) == 0 || contains(kinds, m.Kind)) && m.At.After(t) {
			t = m.At
		}
	}
	return t
}

// LatestContact is the victim's latest contact of any kind, or nil.
func (v *Victim) LatestContact() *ContactMark {
	var out *ContactMark
	for i := range v.LastContactOf {
		if m := &v.LastContactOf[i]; out == nil || m.At.After(out.At) {
			out = m
		}
	}
	return out
}

// AddContact records contact c: it joins Contacts (for the store's
// contact log) and the summary the document keeps.
func (v *Victim) AddContact(c Contact) {
	v.Contacts = append(v.Contacts, c)
	v.ContactCount++
	if v.FirstContact.IsZero() {
		v.FirstContact = c.At
	}
	for i := range v.LastContactOf {
		if v.LastContactOf[i].Kind == c.Kind {
			if c.At.After(v.LastContactOf[i].At) {
				// Rebuilt, not written in place: a victim copied from
				// another value may share the backing array.
				marks := append([]ContactMark(nil), v.LastContactOf...)
				marks[i] = ContactMark{c.Kind, c.Method, c.At}
				v.LastContactOf = marks
			}
			return
		}
	}
	v.LastContactOf = append(v.LastContactOf[:len(v.LastContactOf):len(v.LastContactOf)], ContactMark{c.Kind, c.Method, c.At})
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// SuspectStatus tracks how far a suspect has been pursued.
type SuspectStatus string

const (
	SuspectIdentified  SuspectStatus = "identified"
	SuspectLocated     SuspectStatus = "located"
	SuspectArrested    SuspectStatus = "arrested"
	SuspectInterviewed SuspectStatus = "interviewed"
	SuspectRUI         SuspectStatus = "released_under_investigation"
	SuspectBailed      SuspectStatus = "bailed"
	SuspectCharged     SuspectStatus = "charged"
	SuspectNFA         SuspectStatus = "no_further_action"
	SuspectDeceased    SuspectStatus = "deceased"
	SuspectUnknown     SuspectStatus = "unidentified"
)

// Suspect is a person suspected, named or not.
type Suspect struct {
	ID          string        `json:"id"`
	Name        string        `json:"name,omitempty"`
	Description string        `json:"description,omitempty"`
	DateOfBirth string        `json:"dob,omitempty"`
	Status      SuspectStatus `json:"status"`
	AddedAt     time.Time     `json:"added_at"`
	// History holds the date each status was reached.
	History []SuspectStep `json:"history,omitempty"`
	// Explanation says why an identified suspect was not interviewed.
	Explanation string `json:"explanation,omitempty"`
	// Phone, Vehicle and Address are identifiers as recorded (free text):
	// a phone number, a vehicle registration mark, an address. Triage
	// links suspects across cases by them (docs/audits.md).
	Phone   string `json:"phone,omitempty"`
	Vehicle string `json:"vehicle,omitempty"`
	Address string `json:"address,omitempty"`
}

// Label names a suspect in a list or a reason: by name, or by the start of
// an unnamed one's description, cut at max runes.
func (s Suspect) Label(max int) string {
	if s.Name != "" {
		return s.Name
	}
	d := strings.Join(strings.Fields(s.Description), " ")
	if r := []rune(d); len(r) > max {
		d = string(r[:max]) + "…"
	}
	if d == "" {
		return "(unnamed, undescribed)"
	}
	return d
}

// SuspectStep is a suspect reaching a status.
type SuspectStep struct {
	Status SuspectStatus `json:"status"`
	On     string        `json:"on"` // YYYY-MM-DD
	By     string        `json:"by"`
}

// SuspectStatuses lists the statuses a suspect can reach.
func SuspectStatuses() []SuspectStatus {
	return []SuspectStatus{
		SuspectUnknown,
		SuspectIdentified,
		SuspectLocated,
		SuspectArrested,
		SuspectInterviewed,
		SuspectRUI,
		SuspectBailed,
		SuspectCharged,
		SuspectNFA,
		SuspectDeceased,
	}
}

// Interviewed reports whether the suspect has been interviewed (or gone
// beyond it), from the history as well as the current status.
func (s *Suspect) Interviewed() bool {
	if s.Status == SuspectInterviewed || s.Status == SuspectCharged {
		return true
	}
	for _, h := range s.History {
		if h.Status == SuspectInterviewed || h.Status == SuspectCharged {
			return true
		}
	}
	return false
}

// Named reports whether the suspect has been identified by name.
func (s *Suspect) Named() bool { return s.Name != "" }

// Person is anyone else linked to a case: a witness, a parent, a professional.
type Person struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Role    string    `json:"role"`
	AddedAt time.Time `json:"added_at"`
}

// ActionState follows the major-incident-room discipline (../shared/domain.md §4).
type ActionState string

const (
	ActionStateRaised    ActionState = "raised"
	ActionStateAllocated ActionState = "allocated"
	ActionStateResulted  ActionState = "resulted"
	ActionStateReferred  ActionState = "referred"
	ActionStateFiled     ActionState = "filed"
	ActionStateCancelled ActionState = "cancelled"
)

// Action is a line of enquiry.
type Action struct {
	ID          string      `json:"id"`
	Number      int         `json:"number"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Priority    string      `json:"priority"`
	State       ActionState `json:"state"`
	RaisedBy    string      `json:"raised_by"`
	RaisedAt    time.Time   `json:"raised_at"`
	Standard    string      `json:"standard,omitempty"` // key in the policy's library

	AllocatedTo string    `json:"allocated_to,omitempty"`
	Target      time.Time `json:"target,omitzero"`
	// Result is what was done and found. A result recorded before outcomes
	// were asked has this alone: Outcome and Reference are then empty.
	Result       string        `json:"result,omitempty"`
	Outcome      ActionOutcome `json:"outcome,omitempty"`
	Reference    string        `json:"reference,omitempty"` // a statement or exhibit number, if any
	ResultedBy   string        `json:"resulted_by,omitempty"`
	ResultedAt   time.Time     `json:"resulted_at,omitzero"`
	FiledBy      string        `json:"filed_by,omitempty"`
	FiledAt      time.Time     `json:"filed_at,omitzero"`
	Direction    string        `json:"direction,omitempty"` // when referred back
	CancelReason string        `json:"cancel_reason,omitempty"`
}

// ActionOutcome is how a line of enquiry ended, as the officer who
// resulted it says. A result says what was done, how it ended and the
// statement or exhibit it produced, if any (HOLMES registers each such
// document by number): a negative result is a result (it eliminates, and
// it is disclosable), and an enquiry that could not be done or was passed
// to another agency must say so rather than read as done.
type ActionOutcome string

const (
	ActionCompleted   ActionOutcome = "completed"     // done, and it found something
	ActionNothing     ActionOutcome = "nothing_found" // done, and it found nothing: a negative result
	ActionNotPossible ActionOutcome = "not_possible"  // could not be done: what was done says why
	ActionReferredOn  ActionOutcome = "referred_on"   // passed to another team or agency: what was done says to whom
)

// ActionOutcomes lists the outcomes a result may give, in the order a
// form offers them.
func ActionOutcomes() []ActionOutcome {
	return []ActionOutcome{ActionCompleted, ActionNothing, ActionNotPossible, ActionReferredOn}
}

// Ended reports whether the line of enquiry has reached a recorded end.
func (a *Action) Ended() bool { return a.State == ActionStateFiled || a.State == ActionStateCancelled }

// Note is free text on a case. A correction is a new note that names the one
// it corrects; the original stays.
type Note struct {
	ID       string    `json:"id"`
	Text     string    `json:"text"`
	Author   string    `json:"author"`
	At       time.Time `json:"at"`
	Corrects string    `json:"corrects,omitempty"`
}

// AddNote records note n: it joins Notes (for the store's note log) and
// the count the document keeps.
func (c *Case) AddNote(n Note) {
	c.Notes = append(c.Notes, n)
	c.NoteCount++
}

// AddReview records review r: it joins Reviews (for the store's review
// log) and the summary the document keeps.
func (c *Case) AddReview(r Review) {
	c.Reviews = append(c.Reviews, r)
	c.ReviewCount++
	c.LastReviewAt = r.At // the latest recorded, as the list's last was
	if !c.ReviewedBy(r.By) {
		c.Reviewers = append(c.Reviewers, r.By)
	}
}

// ReviewedBy reports whether user has recorded a supervisory review of c.
func (c *Case) ReviewedBy(user string) bool {
	return slices.Contains(c.Reviewers, user)
}

// DutyStatus is the life of an obligation.
type DutyStatus string

const (
	DutyOpen      DutyStatus = "open"
	DutyMet       DutyStatus = "met"
	DutyWaived    DutyStatus = "waived"
	DutyCancelled DutyStatus = "cancelled"
)

// Duty is an obligation with an accountable person and a due time.
type Duty struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	Subject     string     `json:"subject,omitempty"` // e.g. a victim or action id
	Accountable string     `json:"accountable,omitempty"`
	TeamID      string     `json:"team_id"`
	Due         time.Time  `json:"due"`
	Status      DutyStatus `json:"status"`
	Opened      time.Time  `json:"opened"`
	Closed      time.Time  `json:"closed,omitzero"`
	Escalation  int        `json:"escalation"`
	// NextAt is when the watchdog must next look at the duty: the due time,
	// then each escalation step. Zero once the ladder is exhausted.
	NextAt time.Time `json:"next_at,omitzero"`
	Reason string    `json:"reason,omitempty"` // why waived or cancelled
	// Detail says what this duty is about where its kind does not: the
	// reason a closure was sent back, or why it fell to this person.
	Detail string `json:"detail,omitempty"`
}

// DutyEnd is a duty's subject and when it closed.
type DutyEnd struct {
	Subject string    `json:"subject"`
	At      time.Time `json:"at"`
}

// dutyKindClosureApproval is duty.ClosureApproval, which the fold must
// know (ApprovalEnded) and the domain cannot import.
const dutyKindClosureApproval = "closure_approval"

// closeDuty records that the duty at i of c.Duties closed as d says:
// waived, it stays (see Duties); met or cancelled, it moves to
// ClosedDuties. The slice is rebuilt, not shifted in place, because a
// case folded from payload values may share its backing array
// (ApplyCaseValue).
func (c *Case) closeDuty(i int, d Duty) {
	if d.Closed.After(c.LastDutyClosed) {
		c.LastDutyClosed = d.Closed
	}
	if d.Kind == dutyKindClosureApproval {
		c.ApprovalEnded = &DutyEnd{Subject: d.Subject, At: d.Closed}
	}
	if d.Status == DutyWaived {
		c.Duties[i] = d
		return
	}
	c.Duties = append(c.Duties[:i:i], c.Duties[i+1:]...)
	c.ClosedDuties = append(c.ClosedDuties, d)
}

// SplitDuties brings a document written before the duty history (its
// Duties hold every duty the case ever opened, DutyCount unset) to the
// shape the fold now makes, moving the duties met or cancelled to
// ClosedDuties. A document already in that shape is left alone.
func (c *Case) SplitDuties() {
	if c.DutyCount > 0 || len(c.Duties) == 0 {
		return
	}
	all := c.Duties
	c.DutyCount = len(all)
	c.Duties = make([]Duty, 0, len(all))
	for _, d := range all {
		if d.Status == DutyOpen {
			c.Duties = append(c.Duties, d)
			continue
		}
		c.Duties = append(c.Duties, d)
		c.closeDuty(len(c.Duties)-1, d)
	}
}

// ChildAt reports whether someone born on dob was under 18 at t: a child
// victim is vulnerable and has enhanced rights under the Victims' Code
// (../shared/domain.md §2). An unknown date of birth says nothing.
func ChildAt(dob, t time.Time) bool { return !dob.IsZero() && dob.AddDate(18, 0, 0).After(t) }

// Victim returns the victim with id, or nil.
func (c *Case) Victim(id string) *Victim {
	for i := range c.Victims {
		if c.Victims[i].ID == id {
			return &c.Victims[i]
		}
	}
	return nil
}

// Action returns the action with id, or nil.
func (c *Case) Action(id string) *Action {
	for i := range c.Actions {
		if c.Actions[i].ID == id {
			return &c.Actions[i]
		}
	}
	return nil
}

// OpenDuties lists duties still owed.
func (c *Case) OpenDuties() []Duty {
	var out []Duty
	for _, d := range c.Duties {
		if d.Status == DutyOpen {
			out = append(out, d)
		}
	}
	return out
}
