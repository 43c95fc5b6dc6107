package web

import (
	"sort"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
)

// errField is a field of a form as its error summary links it: the
// service's name for it (the field of its refusals, whatever the rule),
// the page's field its message stands beside and the summary links to
// (#f-<id>), and, where given, what a refusal common to every text field
// ("This is too long") calls it once it leaves the field's side.
type errField struct{ field, id, noun string }

// placeErrors are a form's refusals as its error summary lists them
// (GOV.UK's error summary): each linked to the field it stands beside, in
// the order of the page, whatever order the service checked them in. A
// nested name ("rationale.victim_view") is its last part's, and one item
// of a list ("roles[1]") is the list's. A refusal of no field on the page
// leads the list, unlinked: a link must land somewhere.
func placeErrors(ps domain.Problems, fields []errField) domain.Problems {
	type placed struct {
		at int // the field's place on the page; -1 for none
		p  domain.Problem
	}
	out := make([]placed, len(ps))
	for i, p := range ps {
		name := p.Field
		if j := strings.LastIndexByte(name, '.'); j >= 0 {
			name = name[j+1:]
		}
		name, _, _ = strings.Cut(name, "[")
		out[i] = placed{at: -1, p: p}
		out[i].p.Field = ""
		for j, f := range fields {
			if f.field != name {
				continue
			}
			out[i].at, out[i].p.Field = j, f.id
			if rest, ok := strings.CutPrefix(p.Message, "This "); ok && f.noun != "" {
				out[i].p.Message = domain.Capitalise(f.noun) + " " + rest
			}
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at < out[j].at })
	errs := make(domain.Problems, len(out))
	for i, o := range out {
		errs[i] = o.p
	}
	return errs
}

// plainFields are fields whose page id is their name, in page order.
func plainFields(names ...string) []errField {
	out := make([]errField, len(names))
	for i, n := range names {
		out[i] = errField{field: n, id: n}
	}
	return out
}

// errFields are the journey's fields as its page shows them, in its
// order: the select of what it acts on (where the page asks it), then its
// questions. A whole date refused links to its Day field, one part of it
// to that part.
func (fv *formView) errFields() []errField {
	var out []errField
	if len(fv.Targets) > 0 && fv.TargetV == "" {
		out = append(out, errField{field: fv.Target, id: fv.Target})
	}
	for _, f := range fv.Fields {
		if f.Kind != "date" {
			out = append(out, errField{field: f.Name, id: f.Name})
			continue
		}
		out = append(out, errField{field: f.Name, id: request.DatePart(f.Name, "day")})
		for _, part := range request.DateParts {
			out = append(out, errField{field: request.DatePart(f.Name, part), id: request.DatePart(f.Name, part)})
		}
	}
	return out
}
