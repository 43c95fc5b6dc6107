package domain

import (
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/event"
)

// The projections: how each event changes what is stored. A case is the
// fold of caseAppliers over its events, the organisation of ApplyOrg and
// the force's audits of ApplyAudit; this file is the whole of each.

// caseApplier is how one case event type changes a case, two ways: from the
// event's bytes (replay), or from the payload value it was encoded from
// (ApplyCaseValue).
type caseApplier struct {
	bytes func(*Case, *event.Event) error
	value func(*Case, any, *event.Event) (bool, error) // false: p is not a T
}

// on makes the applier of a case event whose payload is a T.
func on[T any](fn func(*Case, T, *event.Event) error) caseApplier {
	return caseApplier{
		bytes: func(c *Case, e *event.Event) error {
			p, err := decode[T](e)
			if err != nil {
				return err
			}
			return fn(c, p, e)
		},
		value: func(c *Case, p any, e *event.Event) (bool, error) {
			v, ok := p.(T)
			if !ok {
				return false, nil
			}
			return true, fn(c, v, e)
		},
	}
}

// caseAppliers is every case event type and how it changes a case. An
// event type missing here is refused on replay: add one here when adding
// a type, and never remove one (the log holds it forever).
var caseAppliers = map[string]caseApplier{
	// Opening and building the case (events.go).
	EvCaseOpened: on(func(c *Case, p CaseOpened, e *event.Event) error {
		*c = Case{
			ID: p.ID, Ref: p.Ref, ForceID: p.ForceID, TeamID: p.TeamID, Status: StatusReferral,
			OffenceTypes: p.OffenceTypes, Summary: p.Summary, Marking: p.Marking, Source: p.Source,
			ReportedAt: p.ReportedAt.UTC(), OpenedAt: e.At.UTC(),
			Victims: []Victim{}, Suspects: []Suspect{}, People: []Person{}, Actions: []Action{}, Notes: []Note{},
			Duties: []Duty{},
		}
		if c.OffenceTypes == nil {
			c.OffenceTypes = []string{}
		}
		return nil
	}),
	EvCaseViewed: on(func(*Case, CaseViewed, *event.Event) error { return nil }),
	EvCaseUpdated: on(func(c *Case, p CaseUpdated, _ *event.Event) error {
		if p.Summary != nil {
			c.Summary = *p.Summary
		}
		if p.OffenceTypes != nil {
			c.OffenceTypes = p.OffenceTypes
		}
		if p.Marking != nil {
			c.Marking = *p.Marking
		}
		return nil
	}),
	EvOwnerAssigned: on(func(c *Case, p OwnerAssigned, e *event.Event) error {
		c.OwnerID = p.OwnerID
		if c.Status == StatusReferral {
			c.Status = StatusOpen
			c.AllocatedAt = e.At.UTC()
		}
		return nil
	}),
	EvVictimAdded: on(func(c *Case, p VictimAdded, _ *event.Event) error {
		c.Victims = append(c.Victims, p.Victim)
		return nil
	}),
	EvSuspectAdded: on(func(c *Case, p SuspectAdded, _ *event.Event) error {
		c.Suspects = append(c.Suspects, p.Suspect)
		return nil
	}),
	EvPersonAdded: on(func(c *Case, p PersonAdded, _ *event.Event) error {
		c.People = append(c.People, p.Person)
		return nil
	}),
	EvActionRaised: on(func(c *Case, p ActionRaised, _ *event.Event) error {
		c.Actions = append(c.Actions, p.Action)
		return nil
	}),
	EvNoteAdded: on(func(c *Case, p NoteAdded, _ *event.Event) error {
		c.AddNote(p.Note)
		return nil
	}),
	EvDutyOpened: on(func(c *Case, p DutyOpened, _ *event.Event) error {
		c.Duties = append(c.Duties, p.Duty)
		c.DutyCount++
		return nil
	}),
	EvDutyClosed: on(func(c *Case, p DutyClosed, e *event.Event) error {
		for i := range c.Duties {
			if c.Duties[i].ID == p.ID {
				d := c.Duties[i]
				d.Status, d.Closed, d.Reason = p.Status, e.At.UTC(), p.Reason
				c.closeDuty(i, d)
				return nil
			}
		}
		return fmt.Errorf("event %d: duty %s not on case %s", e.Seq, p.ID, c.Ref)
	}),

	// Workflow (workflow_events.go).
	EvActionAllocated: on(func(c *Case, p ActionAllocated, e *event.Event) error {
		a, err := c.action(e, p.ActionID)
		if err != nil {
			return err
		}
		a.State, a.AllocatedTo, a.Target = ActionStateAllocated, p.To, p.Target.UTC()
		return nil
	}),
	EvActionResulted: on(func(c *Case, p ActionResulted, e *event.Event) error {
		a, err := c.action(e, p.ActionID)
		if err != nil {
			return err
		}
		a.State, a.Result, a.ResultedBy, a.ResultedAt, a.Direction = ActionStateResulted, p.Result, e.Actor, e.At.UTC(), ""
		a.Outcome, a.Reference = p.Outcome, p.Reference
		return nil
	}),
	EvActionFiled: on(func(c *Case, p ActionFiled, e *event.Event) error {
		a, err := c.action(e, p.ActionID)
		if err != nil {
			return err
		}
		a.State, a.FiledBy, a.FiledAt = ActionStateFiled, e.Actor, e.At.UTC()
		return nil
	}),
	EvActionReferredBack: on(func(c *Case, p ActionReferredBack, e *event.Event) error {
		a, err := c.action(e, p.ActionID)
		if err != nil {
			return err
		}
		a.State, a.Direction = ActionStateAllocated, p.Direction
		return nil
	}),
	EvActionCancelled: on(func(c *Case, p ActionCancelled, e *event.Event) error {
		a, err := c.action(e, p.ActionID)
		if err != nil {
			return err
		}
		a.State, a.CancelReason = ActionStateCancelled, p.Reason
		return nil
	}),
	EvContactPlanAgreed: on(func(c *Case, p ContactPlanAgreed, e *event.Event) error {
		v, err := c.victim(e, p.VictimID)
		if err != nil {
			return err
		}
		v.Plan = &ContactPlan{EveryDays: p.EveryDays, Method: p.Method, AgreedAt: e.At.UTC(), AgreedWith: p.AgreedWith}
		return nil
	}),
	EvVictimContacted: on(func(c *Case, p VictimContacted, e *event.Event) error {
		v, err := c.victim(e, p.VictimID)
		if err != nil {
			return err
		}
		v.AddContact(p.Contact)
		switch p.Contact.Kind {
		case ContactAccount:
			v.AccountTaken = true
		case ContactDecision:
			v.NoticeDue = nil
		}
		return nil
	}),
	EvVictimView: on(func(c *Case, p VictimView, e *event.Event) error {
		v, err := c.victim(e, p.VictimID)
		if err != nil {
			return err
		}
		v.View, v.ViewAt = p.View, e.At.UTC()
		return nil
	}),
	EvSuspectStatus: on(func(c *Case, p SuspectStatusChanged, e *event.Event) error {
		s := c.Suspect(p.SuspectID)
		if s == nil {
			return fmt.Errorf("event %d: suspect %s not on case %s", e.Seq, p.SuspectID, c.Ref)
		}
		s.Status = p.Status
		s.History = append(s.History, SuspectStep{Status: p.Status, On: p.On, By: e.Actor})
		if p.Explanation != "" {
			s.Explanation = p.Explanation
		}
		if d, ok := notifiable[p.Status]; ok {
			c.owe(d, e.At.UTC())
		}
		return nil
	}),
	EvReviewRecorded: on(func(c *Case, p ReviewRecorded, _ *event.Event) error {
		c.AddReview(p.Review)
		return nil
	}),
	EvPlanSet: on(func(c *Case, p PlanSet, e *event.Event) error {
		c.Plan, c.PlanAt = p.Plan, e.At.UTC()
		return nil
	}),
	EvDecisionRecorded: on(func(c *Case, p DecisionRecorded, _ *event.Event) error {
		c.Decisions = append(c.Decisions, p.Decision)
		return nil
	}),
	EvTransferProposed: on(func(c *Case, p TransferProposed, _ *event.Event) error {
		t := p.Transfer
		c.Transfer = &t
		return nil
	}),
	EvTransferAccepted: on(func(c *Case, p TransferDecided, e *event.Event) error {
		if c.Transfer == nil || c.Transfer.ID != p.ID {
			return fmt.Errorf("event %d: no pending transfer %s on case %s", e.Seq, p.ID, c.Ref)
		}
		t := *c.Transfer
		t.Outcome, t.DecidedBy, t.DecidedAt = "accepted", e.Actor, e.At.UTC()
		c.Transfers = append(c.Transfers, t)
		c.Transfer = nil
		c.TeamID, c.OwnerID, c.AllocatedAt = t.ToTeam, p.OwnerID, e.At.UTC()
		return nil
	}),
	EvTransferRejected: on(func(c *Case, p TransferDecided, e *event.Event) error {
		if c.Transfer == nil || c.Transfer.ID != p.ID {
			return fmt.Errorf("event %d: no pending transfer %s on case %s", e.Seq, p.ID, c.Ref)
		}
		t := *c.Transfer
		t.Outcome, t.DecidedBy, t.DecidedAt, t.Note = "rejected", e.Actor, e.At.UTC(), p.Reason
		c.Transfers = append(c.Transfers, t)
		c.Transfer = nil
		return nil
	}),
	EvClosureProposed: on(func(c *Case, p ClosureProposed, _ *event.Event) error {
		cl := p.Closure
		c.Closure = &cl
		c.Status = StatusClosureProposed
		return nil
	}),
	EvClosureApproved: on(func(c *Case, p ClosureApproved, e *event.Event) error {
		if !c.Closure.Open() || c.Closure.ID != p.ID {
			return fmt.Errorf("event %d: no proposed closure %s on case %s", e.Seq, p.ID, c.Ref)
		}
		c.Closure.ApprovedBy, c.Closure.ApprovedAt, c.Closure.VRRUntil = e.Actor, e.At.UTC(), p.VRRUntil.UTC()
		c.Closures = append(c.Closures, *c.Closure)
		c.Status, c.ClosedAt, c.Outcome = StatusClosed, e.At.UTC(), c.Closure.Outcome
		c.owe("investigation closed (outcome "+c.Closure.Outcome+")", e.At.UTC())
		return nil
	}),
	EvClosureRejected: on(func(c *Case, p ClosureRejected, e *event.Event) error {
		if !c.Closure.Open() || c.Closure.ID != p.ID {
			return fmt.Errorf("event %d: no proposed closure %s on case %s", e.Seq, p.ID, c.Ref)
		}
		c.Closure.Rejected, c.Closure.RejectedBy, c.Closure.RejectedAt = p.Reason, e.Actor, e.At.UTC()
		c.Closures = append(c.Closures, *c.Closure)
		c.Closure = nil
		c.Status = StatusOpen
		return nil
	}),
	EvVRRRequested: on(func(c *Case, p VRRRequested, _ *event.Event) error {
		c.VRRs = append(c.VRRs, p.VRR)
		return nil
	}),
	EvVRRAcknowledged: on(func(c *Case, p VRRAcknowledged, e *event.Event) error {
		v := c.PendingVRR()
		if v == nil || v.ID != p.ID {
			return fmt.Errorf("event %d: no pending review request %s on case %s", e.Seq, p.ID, c.Ref)
		}
		v.AckAt, v.Reviewer = e.At.UTC(), p.Reviewer
		return nil
	}),
	EvVRRDecided: on(func(c *Case, p VRRDecided, e *event.Event) error {
		v := c.PendingVRR()
		if v == nil || v.ID != p.ID {
			return fmt.Errorf("event %d: no pending review request %s on case %s", e.Seq, p.ID, c.Ref)
		}
		v.Decision, v.Reasons, v.DecidedAt = p.Decision, p.Reasons, e.At.UTC()
		if v.Reviewer == "" {
			v.Reviewer = e.Actor
		}
		if p.Tell != "" {
			asked := v.At
			if w := c.Victim(v.VictimID); w != nil {
				w.owe(Owed{Decision: p.Tell, At: e.At.UTC(), ReviewAsked: asked.UTC()})
			}
		}
		return nil
	}),
	EvCaseReopened: on(func(c *Case, p CaseReopened, e *event.Event) error {
		c.Status, c.Closure, c.ClosedAt, c.Outcome = StatusOpen, nil, time.Time{}, ""
		c.Reopened++
		if p.Fresh {
			c.ReopenedAt = e.At.UTC()
		}
		if p.Unallocated {
			c.OwnerID, c.Status = "", StatusReferral
		}
		return nil
	}),
	EvDutyEscalated: on(func(c *Case, p DutyEscalated, e *event.Event) error {
		d := c.Duty(p.ID)
		if d == nil {
			return fmt.Errorf("event %d: duty %s not on case %s", e.Seq, p.ID, c.Ref)
		}
		d.Escalation, d.NextAt = p.Level, p.NextAt.UTC()
		return nil
	}),
	EvFindingRaised: on(func(c *Case, p FindingRaised, _ *event.Event) error {
		c.Findings = append(c.Findings, p.Finding)
		return nil
	}),
	EvFindingResolved: on(func(c *Case, p FindingResolved, e *event.Event) error {
		for i := range c.Findings {
			if c.Findings[i].ID == p.ID {
				c.Findings[i].Resolved = e.At.UTC()
				return nil
			}
		}
		return fmt.Errorf("event %d: finding %s not on case %s", e.Seq, p.ID, c.Ref)
	}),

	// Audit findings on the audited case (audit_events.go).
	EvAuditFinding: on(func(c *Case, p AuditFindingRecorded, _ *event.Event) error {
		c.Findings = append(c.Findings, p.Finding)
		return nil
	}),
	EvAuditFindingAnswered: on(func(c *Case, p AuditFindingAnswered, e *event.Event) error {
		for i := range c.Findings {
			if c.Findings[i].ID == p.FindingID {
				c.Findings[i].Resolved = e.At.UTC()
				c.AddNote(p.Note)
				return nil
			}
		}
		return fmt.Errorf("event %d: finding %s not on case %s", e.Seq, p.FindingID, c.Ref)
	}),

	// Import (import.go).
	EvCaseImported: on(func(c *Case, p CaseImported, e *event.Event) error {
		c.Imported, c.SourceRef, c.ImportedAt = true, p.SourceRef, e.At.UTC()
		return nil
	}),
	EvClosureUnapproved:  on(applyClosureUnapproved),  // migration.go
	EvOffencesClassified: on(applyOffencesClassified), // offences.go
	EvLinkRaised:         on(applyLinkRaised),         // links.go
	EvLinkReviewed:       on(applyLinkReviewed),       // links.go
	EvPersonCorrected:    on(applyPersonCorrected),    // person_corrected.go

	// Alerts and emergency access (alerts.go).
	EvAlertSent:        on(func(*Case, AlertSent, *event.Event) error { return nil }),
	EvTrainingOverride: on(applyTrainingOverride), // training_override.go
	EvBreakGlass: on(func(c *Case, p BreakGlassed, _ *event.Event) error {
		c.BreakGlass = append(c.BreakGlass, p.BreakGlass)
		return nil
	}),
	EvBreakGlassReviewed: on(func(c *Case, p BreakGlassReviewed, e *event.Event) error {
		g := c.BreakGlassAccess(p.ID)
		if g == nil || g.ReviewedBy != "" {
			return fmt.Errorf("event %d: no unreviewed emergency access %s on case %s", e.Seq, p.ID, c.Ref)
		}
		g.ReviewedBy, g.ReviewedAt, g.Review = e.Actor, e.At, p.Note
		return nil
	}),
}

// ApplyCase folds e into c. c is nil before case.opened. The version counts
// changing events, so a command based on version v is stale once v moved.
func ApplyCase(c *Case, e *event.Event) (*Case, error) {
	ap, ok := caseAppliers[e.Type]
	if !ok {
		return nil, fmt.Errorf("event %d: unknown case event type %q", e.Seq, e.Type)
	}
	if c == nil {
		if e.Type != EvCaseOpened {
			return nil, fmt.Errorf("event %d (%s): case %s has not been opened", e.Seq, e.Type, e.CaseID)
		}
		c = &Case{}
	}
	if err := ap.bytes(c, e); err != nil {
		return nil, err
	}
	stamp(c, e)
	return c, nil
}

// ApplyCaseValue is ApplyCase for an event whose payload the caller holds
// as p, the very value e.Payload was encoded from: it folds p rather than
// decoding the bytes just made from it, an eighth of the time of a bulk
// import. The result must be the same — the log is replayed from the bytes,
// and the import's tests compare the two. The case may share p's slices, so
// p must not be changed afterwards. If p is not the event type's payload
// type, e.Payload is decoded as ApplyCase does.
func ApplyCaseValue(c *Case, e *event.Event, p any) (*Case, error) {
	ap, ok := caseAppliers[e.Type]
	if !ok || e.PayloadVersion != 1 || (c == nil && e.Type != EvCaseOpened) {
		return ApplyCase(c, e) // and its error
	}
	next := c
	if next == nil {
		next = &Case{}
	}
	applied, err := ap.value(next, p, e)
	if !applied {
		return ApplyCase(c, e)
	}
	if err != nil {
		return nil, err
	}
	stamp(next, e)
	return next, nil
}

// significant events are those a supervisor must have reviewed before the
// case may close.
var significant = map[string]bool{
	EvVictimAdded: true, EvSuspectAdded: true, EvSuspectStatus: true, EvActionResulted: true, EvTransferAccepted: true,
}

// notifiable suspect statuses are key decisions a victim must be told of
// (Victims' Code Right 6, ../shared/domain.md §2).
var notifiable = map[SuspectStatus]string{
	SuspectArrested: "suspect arrested", SuspectInterviewed: "suspect interviewed under caution",
	SuspectCharged: "suspect charged", SuspectNFA: "suspect released without charge",
	SuspectRUI: "suspect released under investigation", SuspectBailed: "suspect released on bail",
}

// stamp records that e changed c: its version and times.
func stamp(c *Case, e *event.Event) {
	if ChangesCase(e.Type) {
		c.Version++
		c.UpdatedAt = e.At.UTC()
	}
	if significant[e.Type] {
		c.LastSignificant = e.At.UTC()
	}
}

// OrgState is the projection of the organisation events.
type OrgState struct {
	Units map[string]*Unit
	Users map[string]*User
}

// NewOrgState returns an empty organisation.
func NewOrgState() *OrgState {
	return &OrgState{Units: map[string]*Unit{}, Users: map[string]*User{}}
}

// IsOrgEvent reports whether typ changes the organisation.
func IsOrgEvent(typ string) bool {
	switch typ {
	case EvUnitCreated, EvUserCreated, EvUserChanged, EvUserLeft, EvAccreditationAwarded, EvAccreditationWithdrawn:
		return true
	}
	return false
}

// ApplyOrg folds an organisation event into s and returns the unit or user
// it changed, so a store can write just that row.
func (s *OrgState) ApplyOrg(e *event.Event) (any, error) {
	switch e.Type {
	case EvAccreditationAwarded, EvAccreditationWithdrawn:
		return s.applyAccreditation(e) // accreditations.go
	case EvUnitCreated:
		p, err := decode[UnitCreated](e)
		if err != nil {
			return nil, err
		}
		u := &Unit{ID: p.ID, Name: p.Name, Kind: p.Kind, ParentID: p.ParentID, Created: e.At.UTC()}
		s.Units[u.ID] = u
		return u, nil
	case EvUserCreated:
		p, err := decode[UserCreated](e)
		if err != nil {
			return nil, err
		}
		u := &User{ID: p.ID, Username: p.Username, Name: p.Name, Collar: p.Collar, Email: p.Email, Rank: p.Rank,
			UnitID: p.UnitID, Roles: p.Roles, Active: true, Created: e.At.UTC(), Version: 1}
		s.Users[u.ID] = u
		return u, nil
	case EvUserChanged:
		p, err := decode[UserChanged](e)
		if err != nil {
			return nil, err
		}
		u, ok := s.Users[p.ID]
		if !ok {
			return nil, fmt.Errorf("event %d: user %s unknown", e.Seq, p.ID)
		}
		ApplyUserChange(u, p)
		return u, nil
	case EvUserLeft:
		p, err := decode[UserLeft](e)
		if err != nil {
			return nil, err
		}
		u, ok := s.Users[p.ID]
		if !ok {
			return nil, fmt.Errorf("event %d: user %s unknown", e.Seq, p.ID)
		}
		u.Active = false
		u.LeftAt = e.At.UTC()
		u.Version++
		return u, nil
	}
	return nil, fmt.Errorf("event %d: %q is not an organisation event", e.Seq, e.Type)
}

// ApplyUserChange applies a change to a user in place.
func ApplyUserChange(u *User, p UserChanged) {
	if p.Name != nil {
		u.Name = *p.Name
	}
	if p.Email != nil {
		u.Email = *p.Email
	}
	if p.Rank != nil {
		u.Rank = *p.Rank
	}
	if p.UnitID != nil {
		u.UnitID = *p.UnitID
	}
	if p.Roles != nil || p.NoRoles {
		u.Roles = p.Roles
	}
	u.Version++
}

// Clone copies the organisation so that applying events to the copy
// leaves the original (which may be shared by a cache) untouched.
func (s *OrgState) Clone() *OrgState {
	c := NewOrgState()
	for id, u := range s.Units {
		cp := *u
		c.Units[id] = &cp
	}
	for id, u := range s.Users {
		cp := *u
		cp.Roles = append([]Role(nil), u.Roles...)
		cp.Accreditations = append([]Accreditation(nil), u.Accreditations...)
		c.Users[id] = &cp
	}
	return c
}

func (s *AuditState) audited(e *event.Event, auditID, caseID string) (*AuditCase, error) {
	a, ok := s.Audits[auditID]
	if !ok {
		return nil, fmt.Errorf("event %d (%s): no audit %s", e.Seq, e.Type, auditID)
	}
	c := a.Case(caseID)
	if c == nil {
		return nil, fmt.Errorf("event %d (%s): case %s is not in audit %s", e.Seq, e.Type, caseID, auditID)
	}
	return c, nil
}

// ApplyAudit folds a force-level audit event into s.
func (s *AuditState) ApplyAudit(e *event.Event) error {
	switch e.Type {
	case EvAuditCreated:
		p, err := decode[AuditCreated](e)
		if err != nil {
			return err
		}
		if _, dup := s.Audits[p.Audit.ID]; dup {
			return fmt.Errorf("event %d: audit %s created twice", e.Seq, p.Audit.ID)
		}
		a := p.Audit
		a.CreatedBy, a.CreatedAt = e.Actor, e.At.UTC()
		for i := range a.Cases {
			a.Cases[i].Status = AuditCaseUnassigned
		}
		s.Audits[a.ID] = &a
		s.order = append(s.order, a.ID)
	case EvAuditAssigned:
		p, err := decode[AuditAssigned](e)
		if err != nil {
			return err
		}
		c, err := s.audited(e, p.AuditID, p.CaseID)
		if err != nil {
			return err
		}
		c.Reviewer, c.AssignedAt, c.Status = p.Reviewer, e.At.UTC(), AuditCaseAssigned
	case EvAuditReviewed:
		p, err := decode[AuditReviewed](e)
		if err != nil {
			return err
		}
		c, err := s.audited(e, p.AuditID, p.CaseID)
		if err != nil {
			return err
		}
		r := p.Review
		c.Review = &r
		if c.HighRisk && r.NoConcerns() {
			c.Status = AuditCaseAwaitingSignOff
		} else {
			c.Status = AuditCaseComplete
		}
	case EvAuditSignedOff:
		p, err := decode[AuditSignedOff](e)
		if err != nil {
			return err
		}
		c, err := s.audited(e, p.AuditID, p.CaseID)
		if err != nil {
			return err
		}
		if c.Review == nil {
			return fmt.Errorf("event %d: sign-off of case %s in audit %s without a review", e.Seq, p.CaseID, p.AuditID)
		}
		c.SignOffs = append(c.SignOffs, p.SignOff)
		if p.SignOff.Agree {
			c.Status = AuditCaseComplete
		} else {
			c.Returned = append(c.Returned, *c.Review)
			c.Review, c.Status = nil, AuditCaseAssigned
		}
	default:
		return fmt.Errorf("event %d: %q is not an audit event", e.Seq, e.Type)
	}
	return nil
}
