package web

import (
	"net/url"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
)

// filterDates reads the GOV.UK date inputs of a filter form sent by GET
// ("from-day", "from-month", "from-year") into ISO dates under their own
// names, as the service and the CSV links take them. A link that already
// holds an ISO date ("from=2026-03-02", a next page's) keeps it. The form
// map gets what was typed, so the fields show it again; problems name the
// part to put right, in the design system's words. Each field is its
// name and its label: {"from", "From"}. A hand-typed link's date that is
// not one ("from=bad") is refused in the same words, not the service's
// ISO ones, and dropped so that nothing else reports it again.
func filterDates(qs url.Values, form map[string]string, fields ...[2]string) (url.Values, domain.Problems) {
	out := url.Values{}
	for k, v := range qs {
		out[k] = v
	}
	var ps domain.Problems
	for _, f := range fields {
		name, label := f[0], f[1]
		if !request.HasDateInput(qs, name) {
			if v := qs.Get(name); v != "" {
				if _, err := time.Parse(time.DateOnly, v); err != nil {
					ps = append(ps, domain.Problem{Field: request.DatePart(name, "day"), Rule: "date_real",
						Message: label + " must be a real date"})
					out.Del(name)
					form[name] = ""
				}
			}
			continue
		}
		for _, part := range request.DateParts {
			out.Del(request.DatePart(name, part))
			form[request.DatePart(name, part)] = qs.Get(request.DatePart(name, part))
		}
		iso, bad := request.DateInput(qs, name, label)
		if bad != nil {
			ps = append(ps, *bad)
		}
		out.Set(name, iso)
		form[name] = iso
	}
	return out, ps
}
