package service

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// Victims' contacts live in the store's contact log, not in the case's
// document (domain.Victim.Contacts, issue 20). A command never reads them:
// the document keeps what the fold needs. The reads that show a case —
// ViewCase, which has checked need-to-know and recorded the read, and the
// export — put them back with withContacts.

// withContacts fills c's victims' contacts from the contact log, each cut
// at the count c's document holds: a contact recorded since c was read
// belongs to a later version.
func (s *Service) withContacts(ctx context.Context, c *domain.Case) error {
	log, ok := s.st.(store.ContactLog)
	if !ok {
		return nil
	}
	byVictim, err := log.Contacts(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("contacts of %s: %w", c.Ref, err)
	}
	fillContacts(c, byVictim)
	return nil
}

// fillContacts sets each victim's contacts from the log's, a fresh slice
// (c's victims may share a backing array with another value).
func fillContacts(c *domain.Case, byVictim map[string][]domain.Contact) {
	vs := make([]domain.Victim, len(c.Victims))
	copy(vs, c.Victims)
	for i := range vs {
		cs := byVictim[vs[i].ID]
		vs[i].Contacts = cs[:min(len(cs), vs[i].ContactCount):min(len(cs), vs[i].ContactCount)]
	}
	c.Victims = vs
}

// exportContacts fills the chosen cases' contacts from the contact log in
// one pass over it.
func (s *Service) exportContacts(ctx context.Context, chosen []*domain.Case) error {
	log, ok := s.st.(store.ContactLog)
	if !ok || len(chosen) == 0 {
		return nil
	}
	byCase := make(map[string]map[string][]domain.Contact, len(chosen))
	for _, c := range chosen {
		byCase[c.ID] = map[string][]domain.Contact{}
	}
	err := log.ScanContacts(ctx, func(caseID, victimID string, ct *domain.Contact) error {
		if m := byCase[caseID]; m != nil {
			m[victimID] = append(m[victimID], *ct)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range chosen {
		fillContacts(c, byCase[c.ID])
	}
	return nil
}

// contactProblems adds to p every reason contact in cannot be recorded
// with victim v (nil if unknown): a kind from the list, a way of contact
// that names one (knownMethod), and for an update what the victim was
// told. An unknown kind may have been meant as an update, so its note is
// asked for at once rather than after the kind is put right.
func contactProblems(p *domain.Problems, v *domain.Victim, in RecordContact) {
	known := contains(domain.ContactKinds(), in.Kind)
	if !known {
		p.Add("kind", "one_of", "Choose what kind of contact it was: an update, telling them of a decision, "+
			"a referral for support, a needs assessment or taking their account.")
	}
	var plan string
	if v != nil && v.Plan != nil {
		plan = v.Plan.Method
	}
	switch m := strings.TrimSpace(in.Method); {
	case m == "":
		p.Add("method", "required", "Say how you contacted the victim: by phone, a visit, email, "+
			"a text message, a letter or through their adviser.")
	case !knownMethod(m, plan):
		p.Add("method", "one_of", "Say how you contacted the victim in words that name the way: by phone, "+
			"a visit, email, a text message, a letter or through their adviser, or as their contact plan says.")
	}
	if (in.Kind == domain.ContactUpdate || !known) && strings.TrimSpace(in.Note) == "" {
		p.Add("note", "required", "Say what you told the victim in this update, and anything they said.")
	}
}

// contactTime is when a contact that happened on day on (YYYY-MM-DD,
// London; "" is today) is taken to have been made, adding to p why the
// day cannot be: not a date, in the future, or before the case was opened
// or victim v recorded. A contact today is now. One on an earlier day,
// whose hour is not asked, is taken as made at midday (or when the case
// was opened or the victim recorded, if later that day): never more than
// half a day out, and the update due "every 14 days" from a visit on the
// 6th falls on the 20th whatever the clocks do in between (a time near
// midnight would move it to the 21st across a change to summer time).
func contactTime(p *domain.Problems, c *domain.Case, v *domain.Victim, kind, on string, now time.Time) time.Time {
	today := now.In(calendar.London).Format(time.DateOnly)
	if on == "" || on == today {
		return now
	}
	const field = "contacted_on"
	d, err := time.ParseInLocation(time.DateOnly, on, calendar.London)
	if err != nil {
		p.Add(field, "date", "Enter the date the contact happened as a real date, for example 27 3 2026.")
		return now
	}
	if on > today {
		p.Add(field, "date_in_future", "The date of the contact is in the future: enter the day it happened, "+
			"today ("+dayInWords(now)+") or earlier.")
		return now
	}
	opened := c.OpenedAt.In(calendar.London).Format(time.DateOnly)
	if !c.OpenedAt.IsZero() && on < opened {
		p.Add(field, "before_case", fmt.Sprintf("The date of the contact is before %s was opened on %s: "+
			"check the date, and enter %s or later.", c.Ref, dayInWords(c.OpenedAt), dayInWords(c.OpenedAt)))
		return now
	}
	if v != nil && !v.AddedAt.IsZero() && on < v.AddedAt.In(calendar.London).Format(time.DateOnly) {
		p.Add(field, "before_victim", fmt.Sprintf("The date of the contact is before %s was recorded on "+
			"the case on %s: check the date, and enter %s or later.", v.Name, dayInWords(v.AddedAt),
			dayInWords(v.AddedAt)))
		return now
	}
	// Telling the victim of a decision meets the notice owed of it: a
	// contact dated before the decision was made cannot have told them of
	// it (a closure approved on the 7th and a contact recorded on the 27th
	// dated the 2nd met the notice; a reviewer found it).
	if decided := lastDecision(v); kind == domain.ContactDecision && !decided.IsZero() &&
		on < decided.In(calendar.London).Format(time.DateOnly) {
		p.Add(field, "before_decision", fmt.Sprintf("The date of the contact is before the decision the "+
			"victim is owed word of was made, on %s: a contact that day could not have told them of it. "+
			"Enter %s or later.", dayInWords(decided), dayInWords(decided)))
		return now
	}
	at := time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, calendar.London)
	if c.OpenedAt.After(at) {
		at = c.OpenedAt
	}
	if v != nil && v.AddedAt.After(at) {
		at = v.AddedAt
	}
	return at.UTC()
}

// lastDecision is when the latest decision victim v is owed word of was
// made (zero if none is owed).
func lastDecision(v *domain.Victim) time.Time {
	if v == nil || v.NoticeDue == nil {
		return time.Time{}
	}
	last := v.NoticeDue.At
	for _, o := range v.NoticeDue.Each {
		if o.At.After(last) {
			last = o.At
		}
	}
	return last
}

// contactWords are words that name a way of contacting a victim. Methods
// are the officer's own words ("phone call to her foster carer", "home
// visit with the ISVA"), as a contact plan's are, so a method is known
// when it names one of these ways, or is the way the victim's contact
// plan agreed, whatever its words.
var contactWords = map[string]bool{
	"phone": true, "phoned": true, "telephone": true, "call": true, "called": true, "rang": true, "mobile": true,
	"visit": true, "visited": true, "person": true, "face": true, "meeting": true, "met": true, "video": true,
	"email": true, "mail": true, "emailed": true, "text": true, "texted": true, "sms": true, "message": true,
	"whatsapp": true, "letter": true, "writing": true, "wrote": true, "isva": true, "adviser": true,
	"advisor": true, "advocate": true, "abe": true, "interview": true, "statement": true,
}

// knownMethod reports whether method names a way of contact (contactWords)
// or is the victim's agreed plan's method.
func knownMethod(method, plan string) bool {
	if plan != "" && strings.EqualFold(method, strings.TrimSpace(plan)) {
		return true
	}
	words := strings.FieldsFunc(strings.ToLower(method), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, w := range words {
		if contactWords[w] {
			return true
		}
	}
	return false
}
