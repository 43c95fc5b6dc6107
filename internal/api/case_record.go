package api

import "github.com/holdfast/holdfast/internal/domain"

// caseRecord is a case as GET /api/v1/cases/{ref} and every case command
// answer it: the case with each victim's contacts, its notes and reviews,
// which the service reads from their logs for the reader it has
// authorised and recorded (service.ViewCase), or after a command
// (service.WholeCase), since they are no longer in the case's document. The JSON
// is the case's as before.
type caseRecord struct {
	*domain.Case
	// Victims, after the embedded case: the same JSON name, shallower,
	// so it is this one that is encoded (and described).
	Victims []victimRecord `json:"victims"`
	// Notes likewise, from the note log (service.ViewCase).
	Notes []domain.Note `json:"notes"`
	// Reviews likewise, from the review log; none left out, as before.
	Reviews []domain.Review `json:"reviews,omitempty"`
}

// victimRecord is a victim with their contacts.
type victimRecord struct {
	domain.Victim
	Contacts []domain.Contact `json:"contacts,omitempty"`
}

// recordOf is c with its victims' contacts in the JSON.
func recordOf(c *domain.Case) *caseRecord {
	if c == nil {
		return nil
	}
	r := &caseRecord{Case: c, Victims: make([]victimRecord, len(c.Victims)), Notes: c.Notes,
		Reviews: c.Reviews}
	if r.Notes == nil {
		r.Notes = []domain.Note{} // the JSON has always listed notes, none as []
	}
	for i, v := range c.Victims {
		r.Victims[i] = victimRecord{Victim: v, Contacts: v.Contacts}
	}
	return r
}
