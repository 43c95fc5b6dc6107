package domain

import (
	"time"

	"github.com/holdfast/holdfast/internal/event"
)

// A training override (issue 21, docs/training.md) is a manager's
// recorded, reasoned and time-boxed decision to let one named officer be
// given one piece of work on a case without the accreditation the
// policy's training requirements ask of them: an emergency, not a habit.
// It is a case event, so it is on the case's history and the audit team
// can list every one.

// EvTrainingOverride records an override. Never rename: it is in the log.
const EvTrainingOverride = "case.training_override"

// TrainingOverride is one override: Work names the work ("owner",
// "approver" or "action:" and the action's id), UserID the officer it lets
// through, Until when it ends.
type TrainingOverride struct {
	ID     string    `json:"id"`
	Work   string    `json:"work"`
	UserID string    `json:"user_id"`
	Reason string    `json:"reason"`
	Until  time.Time `json:"until"`
	By     string    `json:"by,omitempty"` // set from the event's actor when applied
	At     time.Time `json:"at,omitzero"`
}

// TrainingOverrideFor is the override that lets userID do work on c at t,
// or nil.
func (c *Case) TrainingOverrideFor(work, userID string, t time.Time) *TrainingOverride {
	for i := range c.TrainingOverrides {
		o := &c.TrainingOverrides[i]
		if o.Work == work && o.UserID == userID && t.Before(o.Until) && !t.Before(o.At) {
			return o
		}
	}
	return nil
}

func applyTrainingOverride(c *Case, p TrainingOverride, e *event.Event) error {
	p.By, p.At, p.Until = e.Actor, e.At.UTC(), p.Until.UTC()
	c.TrainingOverrides = append(c.TrainingOverrides, p)
	return nil
}
