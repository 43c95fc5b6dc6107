package domain

import "github.com/holdfast/holdfast/internal/event"

// EvOffencesClassified records the upgrade of a case's offences from the
// free text recorded before offences were classified to codes of the
// classification (internal/offence). The earlier events keep the text they
// were written with; this one says what it now means, and what it assumed.
const EvOffencesClassified = "case.offences_classified"

// OffencesClassified is the mapping applied to one case.
type OffencesClassified struct {
	From []string `json:"from"` // the offence types as they stood
	To   []string `json:"to"`   // as codes; a text no mapping knows stays as it was
	// Unmapped lists the texts left as they were, for a person to classify.
	Unmapped []string `json:"unmapped,omitempty"`
	// Assumed says what a mapping took for granted (the victim's sex or
	// age), text by text, so the case can be corrected.
	Assumed []string `json:"assumed,omitempty"`
}

func applyOffencesClassified(c *Case, p OffencesClassified, _ *event.Event) error {
	c.OffenceTypes = append([]string{}, p.To...)
	return nil
}
