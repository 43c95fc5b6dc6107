package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// The POLE index's pages (docs/persons.md#the-index): a case's possible
// links to people on other cases, reviewed here; a person's likely
// matches; and (network.go) the analyst's network view around a case.

func (h *Handler) indexRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /cases/{ref}/links", h.signedIn(h.caseLinks))
	m.HandleFunc("POST /cases/{ref}/links/{link}", h.signedIn(h.reviewLink))
	m.HandleFunc("GET /cases/{ref}/people/{person}/matches", h.signedIn(h.personMatches))
	m.HandleFunc("GET /network", h.signedIn(h.network))
}

type caseLinksPage struct {
	Case  *domain.Case
	Links []service.LinkView // each says whether the reader may decide it
	Focus string             // the link whose form had problems
}

// caseLinks lists the case's links, pending first, each with its review form.
func (h *Handler) caseLinks(q *visit) error {
	return h.showCaseLinks(q, http.StatusOK, nil, nil, "")
}

func (h *Handler) showCaseLinks(q *visit, status int, ps domain.Problems, form map[string]string,
	focus string) error {
	ctx := q.r.Context()
	c, views, err := h.svc.LinksOn(ctx, q.a, request.RefOf(q.r))
	if err != nil {
		return err
	}
	p := caseLinksPage{Case: c, Links: views, Focus: focus}
	return h.render(q, status, "case_links", page{Title: "Links to other cases — " + c.Ref, Nav: "cases",
		Errors: ps, Data: p, Form: form})
}

// reviewLink records a link's review from its form.
func (h *Handler) reviewLink(q *visit) error {
	ctx := q.r.Context()
	id, err := h.svc.CaseID(ctx, q.a, request.RefOf(q.r))
	if err != nil {
		return err
	}
	f := q.r.PostForm
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	link := q.r.PathValue("link")
	c, err := h.svc.ReviewLink(ctx, q.a, id, service.ReviewLink{Version: version, Link: link,
		Outcome: f.Get("outcome"), Note: f.Get("note")})
	if ps, ok := domain.AsProblems(err); ok {
		return h.showCaseLinks(q, http.StatusUnprocessableEntity, ps,
			map[string]string{"outcome": f.Get("outcome"), "note": f.Get("note")}, link)
	}
	if err != nil {
		return err
	}
	msg := "Link confirmed: recorded on both cases"
	if f.Get("outcome") == domain.LinkNotSame {
		msg = "Marked not the same person: it will not be raised again"
	}
	q.redirectDone("/cases/"+request.PathRef(c.Ref)+"/links", msg)
	return nil
}

// personMatchesPage is one page of a person's matches: the count heads
// the list it counts (every match, on every page).
type personMatchesPage struct {
	*service.PersonMatches
	From    int // the number of the first shown
	PageURL string
}

// personMatches shows the index's likely matches for one person of a case,
// a page at a time: paged by the service, which records the read of only
// the cases shown.
func (h *Handler) personMatches(q *visit) error {
	pg, _ := strconv.Atoi(q.r.URL.Query().Get("page"))
	m, err := h.svc.PersonMatches(q.r.Context(), q.a, service.MatchesQuery{Case: request.RefOf(q.r),
		Person: q.r.PathValue("person"), Page: max(1, pg)})
	if err != nil {
		return err
	}
	p := personMatchesPage{PersonMatches: m, From: (m.Page-1)*service.MatchesPerPage + 1,
		PageURL: q.r.URL.Path + "?page="}
	return h.render(q, http.StatusOK, "person_matches", page{Title: "Possible matches for " + matchesWhom(m),
		Nav: "cases", Data: p})
}

// matchesWhom names the person whose matches are shown: by name, or as
// "the unnamed suspect" when they have none (their description follows).
func matchesWhom(m *service.PersonMatches) string {
	if m.Name != "" {
		return m.Name
	}
	return "the unnamed " + strings.ToLower(indexRole(m.Role))
}

// indexRole labels a person's role in the index: victim, suspect, or the
// role of another person on the case.
func indexRole(r string) string {
	switch r {
	case "victim":
		return "Victim"
	case "suspect":
		return "Suspect"
	}
	return domain.PersonRoleLabel(r)
}

// comparisonLabels name the matcher's comparisons (persons.Term) on the
// page; an address field is "address 1", "address 2".
var comparisonLabels = map[string]string{"prior": "Starting odds, before any detail is compared", "given name": "Given name",
	"family name": "Family name", "date of birth": "Date of birth", "postcode": "Postcode", "phone": "Phone",
	"identifier": "Identifier", "address 1": "Address"}

// levelWords say in words what a comparison found (persons' levels), so
// that no page shows a measure's name and threshold.
var levelWords = map[string]string{
	"missing":                  "not recorded for one or both",
	"exact":                    "the same",
	"given and family swapped": "given and family names swapped",
	"Jaro-Winkler >= 0.92":     "spelt almost the same",
	"nickname":                 "a short form of the same name",
	"Jaro-Winkler >= 0.88":     "spelt nearly the same",
	"Jaro-Winkler >= 0.7":      "spelt somewhat alike",
	"initial":                  "an initial that fits",
	"different":                "different",
	"day and month transposed": "day and month swapped",
	"one digit":                "one digit different",
	"two digits":               "two digits different",
	"year only":                "only the year the same",
	"one character":            "one character different",
	"two characters":           "two characters different",
	"same district":            "in the same postal district",
	"close":                    "nearly the same",
	"similar":                  "similar",
}

func comparisonLabel(c string) string {
	if l, ok := comparisonLabels[c]; ok {
		return l
	}
	return domain.Capitalise(c)
}

func levelWord(l string) string {
	if w, ok := levelWords[l]; ok {
		return w
	}
	return humanWords(l)
}

// matchWhy says in words why the matcher found two people alike or not:
// what agreed ("Given name the same; the same phone") and what differed
// ("Date of birth different"), never the model's log-odds weights.
func matchWhy(m service.PersonMatch) string {
	var agreed, differed []string
	said := map[string]bool{} // the objects a comparison has spoken for
	for _, t := range m.Terms {
		if t.Comparison == "prior" || t.Level == "" || t.Level == "missing" || t.Weight == 0 {
			continue
		}
		l := comparisonLabel(t.Comparison)
		w := strings.ToLower(l[:1]) + l[1:] + " " + levelWord(t.Level)
		if t.Weight > 0 {
			said[strings.ToLower(l)] = true
			agreed = append(agreed, w)
		} else {
			differed = append(differed, w)
		}
	}
	for _, s := range m.Shared {
		if !said[s] {
			agreed = append(agreed, "the same "+s)
		}
	}
	var out []string
	if len(agreed) > 0 {
		out = append(out, "Agreed: "+strings.Join(agreed, "; ")+".")
	}
	if len(differed) > 0 {
		out = append(out, "Differed: "+strings.Join(differed, "; ")+".")
	}
	return strings.Join(out, " ")
}

// weightWord says in words how much one comparison counted for or
// against a match: its weight is log2 of a Bayes factor, so 1 doubles the
// odds and 4 multiplies them sixteenfold. No page shows the number.
func weightWord(w float64) string {
	switch {
	case w >= 4:
		return "Strongly for"
	case w >= 1:
		return "For"
	case w > -1:
		return "Little either way"
	case w > -4:
		return "Against"
	}
	return "Strongly against"
}

// linksFuncs are the index pages' template functions.
var linksFuncs = template.FuncMap{
	"linkOutcome": domain.LinkOutcomeLabel,
	"comparison":  comparisonLabel,
	"levelWord":   levelWord,
	"matchWhy":    matchWhy,
	"weightWord":  weightWord,
	"indexRole":   indexRole,
	"matchesWhom": matchesWhom,
}
