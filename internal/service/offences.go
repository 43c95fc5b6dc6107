package service

// Offences: cases carry codes of the offence classification
// (internal/offence). Commands take a code, a title or a mapped spelling
// and record the code; a text nothing maps is refused with the nearest
// titles. ClassifyOffences upgrades the record made before offences were
// classified.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/offence"
	"github.com/holdfast/holdfast/internal/store"
)

// offenceSuggestions is how many nearest titles a refusal offers.
const offenceSuggestions = 3

// nearestOffences names the offences nearest text, for a refusal.
func nearestOffences(cls *offence.Classification, text string) string {
	near := cls.Suggest(text, offenceSuggestions)
	if len(near) == 0 {
		return ""
	}
	names := make([]string, len(near))
	for i, o := range near {
		names[i] = fmt.Sprintf("%s (%s)", o.Title, o.Code)
	}
	return " The nearest: " + domain.JoinOr(names) + "."
}

// classifyOffences maps each text to its code, once each in the order
// given; each text nothing maps is a problem (rule offence_unknown) with
// the nearest titles.
func classifyOffences(field string, texts []string, p *domain.Problems) []string {
	cls := offence.Current()
	out := make([]string, 0, len(texts))
	seen := map[string]bool{}
	for i, t := range texts {
		code, _, ok := cls.Map(t)
		if !ok {
			if strings.TrimSpace(t) == "" {
				p.Add(fmt.Sprintf("%s[%d]", field, i), "required", "An offence cannot be blank.")
				continue
			}
			p.Add(fmt.Sprintf("%s[%d]", field, i), "offence_unknown",
				fmt.Sprintf("%q is not an offence of the classification: give its code or title.", t)+nearestOffences(cls, t))
			continue
		}
		if !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
	}
	return out
}

// OffenceUpgrade reports what ClassifyOffences did (or would do).
type OffenceUpgrade struct {
	Cases     int                 `json:"cases"`     // cases whose offences were classified
	Unchanged int                 `json:"unchanged"` // cases already holding codes only
	Mapped    map[string]string   `json:"mapped"`    // each text met, and its code
	Assumed   map[string]string   `json:"assumed"`   // what a mapping assumed, by text
	Unmapped  []UnmappedOffence   `json:"unmapped"`  // texts left for a person to classify
	DryRun    bool                `json:"dry_run"`
	Suggested map[string][]string `json:"suggested"` // nearest codes for each unmapped text
}

// UnmappedOffence is a free-text offence no mapping knows.
type UnmappedOffence struct {
	Text  string   `json:"text"`
	Cases int      `json:"cases"`
	First []string `json:"first_cases"` // up to five references
}

// ClassifyOffences is the upgrade step from free-text offence types to
// codes: every case holding a text that is not a code gets one
// case.offences_classified event mapping its texts through the
// classification in force (a force's own mappings included). The earlier
// events are not rewritten. A text nothing maps is kept, reported with
// the nearest titles, and mapped by a later run once the force adds a
// mapping for it; a case with nothing to map is left alone, so the step
// may run at every start. Only the system or an administrator runs it.
func (s *Service) ClassifyOffences(ctx context.Context, a *Actor, dryRun bool) (*OffenceUpgrade, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if !a.System {
		if err := a.need("classify the record's offences", domain.RoleAdmin); err != nil {
			return nil, err
		}
	}
	cls := offence.Current()
	rep := &OffenceUpgrade{Mapped: map[string]string{}, Assumed: map[string]string{}, DryRun: dryRun,
		Suggested: map[string][]string{}}
	unmapped := map[string]*UnmappedOffence{}
	var todo []string
	err := s.st.ScanCases(ctx, func(c *domain.Case) error {
		free := false
		for _, v := range c.OffenceTypes {
			free = free || !cls.IsCode(v)
		}
		if !free {
			rep.Unchanged++
			return nil
		}
		p := upgradeOffences(cls, c.OffenceTypes)
		for _, t := range p.Unmapped {
			u := unmapped[t]
			if u == nil {
				u = &UnmappedOffence{Text: t}
				unmapped[t] = u
			}
			u.Cases++
			if len(u.First) < 5 {
				u.First = append(u.First, c.Ref)
			}
		}
		if len(p.Unmapped) == len(p.From) || equalStrings(p.To, c.OffenceTypes) {
			return nil // nothing a mapping knows: wait for one
		}
		for _, v := range c.OffenceTypes {
			if code, m, ok := cls.Map(v); ok && !cls.IsCode(v) {
				rep.Mapped[v] = code
				if m != nil && m.Note != "" {
					rep.Assumed[v] = m.Note
				}
			}
		}
		todo = append(todo, c.ID)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("classify offences: %w", err)
	}
	for _, u := range unmapped {
		rep.Unmapped = append(rep.Unmapped, *u)
		for _, o := range cls.Suggest(u.Text, offenceSuggestions) {
			rep.Suggested[u.Text] = append(rep.Suggested[u.Text], o.Code)
		}
	}
	sort.Slice(rep.Unmapped, func(i, j int) bool { return rep.Unmapped[i].Text < rep.Unmapped[j].Text })
	rep.Cases = len(todo)
	if dryRun || len(todo) == 0 {
		return rep, nil
	}
	err = s.st.Write(ctx, func(tx store.Tx) error {
		org, err := tx.Org()
		if err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		for _, id := range todo {
			c, err := tx.Case(id)
			if err != nil {
				return err
			}
			p := upgradeOffences(cls, c.OffenceTypes)
			if len(p.Unmapped) == len(p.From) || equalStrings(p.To, c.OffenceTypes) {
				continue // changed since the scan
			}
			e, err := domain.NewEvent(domain.EvOffencesClassified, a.ID(), c.ID, now, p)
			if err != nil {
				return err
			}
			if _, err := s.commit(tx, c, org, []*event.Event{e}, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("classify offences: %w", err)
	}
	return rep, nil
}

// upgradeOffences maps a case's texts: codes stay, mapped texts become
// their codes (once each), the rest stay as they were.
func upgradeOffences(cls *offence.Classification, from []string) domain.OffencesClassified {
	p := domain.OffencesClassified{From: append([]string{}, from...), To: []string{}}
	seen := map[string]bool{}
	for _, v := range from {
		code, m, ok := cls.Map(v)
		if !ok {
			p.Unmapped = append(p.Unmapped, v)
			code = v
		} else if m != nil && m.Note != "" && !cls.IsCode(v) {
			p.Assumed = append(p.Assumed, fmt.Sprintf("%q as %s: %s.", v, code, m.Note))
		}
		if !seen[code] {
			seen[code] = true
			p.To = append(p.To, code)
		}
	}
	return p
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
