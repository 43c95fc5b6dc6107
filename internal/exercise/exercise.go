package exercise

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
)

// The kinds of error the demo plants (demo.Plant*), spelt out here: the
// service reads plans, and the demo generator writes through the service.
// The build package's tests hold the two lists together.
const (
	PlantReviewOverdue       = "review_overdue"
	PlantVictimNotUpdated    = "victim_not_updated"
	PlantVictimNotTold       = "victim_not_told"
	PlantOrphaned            = "orphaned"
	PlantTransferNotAccepted = "transfer_not_accepted"
	PlantNoContactPlan       = "no_contact_plan"
	PlantActionOverdue       = "action_overdue"
	PlantReferralUnallocated = "referral_unallocated"
	PlantClosureUnapproved   = "closure_unapproved"
)

// Kinds lists every kind of error an exercise plants.
var Kinds = []string{PlantReviewOverdue, PlantVictimNotUpdated, PlantVictimNotTold, PlantOrphaned,
	PlantTransferNotAccepted, PlantNoContactPlan, PlantActionOverdue, PlantReferralUnallocated,
	PlantClosureUnapproved}

// Plan is an exercise as it was set up: what was planted, for whom.
type Plan struct {
	Seed    uint64    `json:"seed"`
	Started time.Time `json:"started"`
	// StartSeq is the last event of the generated history: only what
	// follows it is the trainees' work.
	StartSeq int64     `json:"start_seq"`
	Trainees []Trainee `json:"trainees"`
	Planted  []Planted `json:"planted"`
}

// Trainee is an account made for the exercise.
type Trainee struct {
	UserID   string `json:"user_id"`
	Username string `json:"username"`
	Name     string `json:"name"`
}

// Planted is one deliberate error, given to one trainee.
type Planted struct {
	Ref     string `json:"ref"`
	CaseID  string `json:"case_id"`
	Kind    string `json:"kind"` // Plant*
	Detail  string `json:"detail"`
	Trainee string `json:"trainee"` // user id
	// Remedy is what puts it right, in the trainer's words (Remedy).
	Remedy string `json:"remedy"`
	// Duties are the overdue duties (kind/subject) the error consists of:
	// it is put right when every one of them is met. Events, when set
	// instead, are the event types that put it right.
	Duties []string `json:"duties,omitempty"`
	Events []string `json:"events,omitempty"`
}

// Remedy says what puts an error of kind right, in the words of the
// trainer's briefing.
func Remedy(kind string) string {
	switch kind {
	case PlantReviewOverdue:
		return "record a supervisory review of the case"
	case PlantVictimNotUpdated:
		return "update the victim (record the contact) as their contact plan says"
	case PlantVictimNotTold:
		return "tell the victim of the decision about the suspect (record a decision contact)"
	case PlantOrphaned:
		return "assign the case to an officer still serving"
	case PlantTransferNotAccepted:
		return "accept or reject the transfer as the receiving team's supervisor"
	case PlantNoContactPlan:
		return "agree a contact plan with the victim"
	case PlantActionOverdue:
		return "result the overdue line of enquiry (or file it, with a supervisor's agreement)"
	case PlantReferralUnallocated:
		return "allocate the referral to an officer"
	case PlantClosureUnapproved:
		return "approve the closure, or send it back with reasons"
	}
	return ""
}

// Label names a kind of planted error in a sentence's words.
func Label(kind string) string {
	switch kind {
	case PlantReviewOverdue:
		return "Supervisory review overdue"
	case PlantVictimNotUpdated:
		return "Victim not updated"
	case PlantVictimNotTold:
		return "Victim not told of a decision"
	case PlantOrphaned:
		return "Officer left, case not taken on"
	case PlantTransferNotAccepted:
		return "Transfer never accepted"
	case PlantNoContactPlan:
		return "No contact plan agreed"
	case PlantActionOverdue:
		return "Line of enquiry past its target"
	case PlantReferralUnallocated:
		return "Referral not allocated"
	case PlantClosureUnapproved:
		return "Closure waiting for approval"
	}
	return kind
}

// DutyKinds are the duties an error of kind leaves overdue (the demo's
// generator neglects exactly these); nil for the kinds FixEvents puts
// right.
func DutyKinds(kind string) []string {
	switch kind {
	case PlantReviewOverdue:
		return []string{duty.SupervisoryReview}
	case PlantVictimNotUpdated:
		return []string{duty.VictimUpdate, duty.DecisionNotice}
	case PlantVictimNotTold:
		return []string{duty.DecisionNotice}
	case PlantTransferNotAccepted:
		return []string{duty.TransferAccept}
	case PlantNoContactPlan:
		return []string{duty.ContactPlan}
	case PlantActionOverdue:
		return []string{duty.ActionTarget}
	case PlantReferralUnallocated:
		return []string{duty.AllocateReferral}
	}
	return nil
}

// FixEvents are the events that put an error of kind right where no duty
// says so: an orphaned case has no one duty (all of them lapsed with its
// officer), and an approved closure ends the approval duty as cancelled,
// like every other duty of the closed case.
func FixEvents(kind string) []string {
	switch kind {
	case PlantOrphaned:
		return []string{domain.EvOwnerAssigned}
	case PlantClosureUnapproved:
		return []string{domain.EvClosureApproved, domain.EvClosureRejected}
	}
	return nil
}

// Marshal encodes p for the exercise table.
func (p *Plan) Marshal() ([]byte, error) { return json.Marshal(p) }

// Unmarshal decodes a plan the exercise table holds.
func Unmarshal(b []byte) (*Plan, error) {
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("exercise plan: %w", err)
	}
	return &p, nil
}

// Of lists the errors given to the trainee with user id.
func (p *Plan) Of(userID string) []Planted {
	var out []Planted
	for _, x := range p.Planted {
		if x.Trainee == userID {
			out = append(out, x)
		}
	}
	return out
}

// IsTrainee reports whether userID is one of the exercise's trainees.
func (p *Plan) IsTrainee(userID string) bool {
	for _, t := range p.Trainees {
		if t.UserID == userID {
			return true
		}
	}
	return false
}
