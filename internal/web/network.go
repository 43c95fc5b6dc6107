package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// networkPage is the analyst's view of the networks around a case: the
// counts of all of them, then one in full (its people, what they share,
// the links awaiting review, and a drawing), a page each.
type networkPage struct {
	Net     *service.Network
	Kinds   [][]string // value, label
	Checked map[string]bool
	PageURL string
	People  []keyPerson // the shown network's, the key nominals first
	Width   int
	Height  int
}

// keyPerson is a person of the network shown. Two records of one name
// stay two people until a link confirms them one, so the page says how
// many share the name, beside the cases each is on.
type keyPerson struct {
	service.NetworkPerson
	// Namesakes counts the other people shown under the same name.
	Namesakes int
}

// keyPeople are the shown network's people with their namesakes counted.
func keyPeople(n *service.Network) []keyPerson {
	if n == nil || n.Shown == nil {
		return nil
	}
	named := map[string]int{}
	for _, m := range n.Shown.Members {
		named[m.Name]++
	}
	out := make([]keyPerson, 0, len(n.Shown.Members))
	for _, m := range n.Shown.Members {
		out = append(out, keyPerson{NetworkPerson: m, Namesakes: named[m.Name] - 1})
	}
	return out
}

// network shows the networks around a case. The dates are the GOV.UK
// date input's three fields; a bad one is refused with everything else
// wrong with the query at once, and then nothing is read.
func (h *Handler) network(qv *visit) error {
	raw := qv.r.URL.Query()
	form := map[string]string{"case": strings.TrimSpace(raw.Get("case")), "from": raw.Get("from"), "to": raw.Get("to")}
	_, dateProblems := filterDates(raw, form, [2]string{"from", "Cases opened from"}, [2]string{"to", "Cases opened to"})
	p := networkPage{Checked: map[string]bool{}, Width: 640, Height: 420}
	for _, k := range service.NetworkKinds {
		p.Kinds = append(p.Kinds, []string{k, map[string]string{"phone": "Phones", "vehicle": "Vehicles",
			"address": "Addresses"}[k]})
	}
	for _, k := range raw["kind"] {
		p.Checked[k] = true
	}
	keep := url.Values{}
	for _, k := range []string{"case", "from", "to"} { // the dates as ISO, not as typed
		if form[k] != "" {
			keep.Set(k, form[k])
		}
	}
	for _, k := range raw["kind"] {
		keep.Add("kind", k)
	}
	keep.Set("page", "")
	p.PageURL = "/network?" + keep.Encode()
	render := func(status int, ps domain.Problems) error {
		title := "Networks around a case"
		if p.Net != nil {
			title = "Networks around " + p.Net.Case
		}
		return h.render(qv, status, "network", page{Title: title, Nav: "links", Errors: ps, Data: p, Form: form})
	}
	if form["case"] == "" {
		if err := h.svc.MayUseLinks(qv.a); err != nil {
			return err
		}
		if len(dateProblems) > 0 {
			return render(http.StatusUnprocessableEntity, dateProblems)
		}
		return render(http.StatusOK, nil)
	}
	in := service.NetworkQuery{Case: form["case"], From: form["from"], To: form["to"], Kinds: raw["kind"]}
	in.Page, _ = strconv.Atoi(raw.Get("page"))
	// A date refused here is still sent, refused, so that the service
	// refuses the query and says what else is wrong with it; its words
	// for that date give way to this page's, which name the part.
	for _, d := range []string{"from", "to"} {
		if dateErr(dateProblems, d) != "" {
			if d == "from" {
				in.From = "refused"
			} else {
				in.To = "refused"
			}
		}
	}
	n, err := h.svc.Network(qv.r.Context(), qv.a, in)
	if ps, ok := domain.AsProblems(err); ok {
		all := dateProblems
		for _, pr := range ps {
			if (pr.Field == "from" || pr.Field == "to") && dateErr(dateProblems, pr.Field) != "" {
				continue
			}
			all = append(all, pr)
		}
		return render(http.StatusUnprocessableEntity, all)
	}
	if err != nil {
		return err
	}
	p.Net, p.People = n, keyPeople(n)
	return render(http.StatusOK, nil)
}
