package web

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// funcs are the templates' functions: the common ones here, and each
// area's in its own file (a literal table each, merged once).
var funcs = merged(baseFuncs, caseFuncs, findFuncs, adminFuncs, signInFuncs, guidanceFuncs, linksFuncs,
	ledgerFuncs)

func merged(ms ...template.FuncMap) template.FuncMap {
	out := template.FuncMap{}
	for _, m := range ms {
		for k, v := range m {
			if _, dup := out[k]; dup {
				panic("web: template function " + k + " defined twice")
			}
			out[k] = v
		}
	}
	return out
}

var baseFuncs = template.FuncMap{
	// when is a moment the GOV.UK way: 4 June 2026 at 5:30pm (midday,
	// midnight), never the 24-hour clock.
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return clock.GovUK(t)
	},
	"day": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(clock.London).Format("2 Jan 2006")
	},
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	// govISO shows an ISO date (YYYY-MM-DD) the GOV.UK way: 4 June 2026.
	"govISO":  govISO,
	"pathref": request.PathRef,
	"user": func(org *domain.OrgState, id string) string {
		if org == nil || id == "" {
			return "—"
		}
		if u := org.Users[id]; u != nil {
			if !u.Active {
				return u.Name + " (left)"
			}
			return u.Name
		}
		if strings.HasPrefix(id, "system:") {
			return "Holdfast"
		}
		return id
	},
	"unit": func(org *domain.OrgState, id string) string {
		if org != nil {
			if u := org.Units[id]; u != nil {
				return u.Name
			}
		}
		return id
	},
	// whoami is the signed-in person by rank and name, the rank once
	// even when the name already carries it ("DI Alice (trainee)").
	"whoami": func(u domain.User) string { return domain.PersonName(&u) },
	"humanize": func(s string) string {
		s = strings.ReplaceAll(s, "_", " ")
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"overdue": func(due, now time.Time) bool { return !due.After(now) },
	"hasRole": func(a *service.Actor, r string) bool { return a != nil && !a.System && a.User.HasRole(domain.Role(r)) },
	"join":    strings.Join,
	"add":     func(a, b int) int { return a + b },
	"query":   url.QueryEscape,
	"list":    func(xs ...string) []string { return xs },
	"pct":     func(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + "%" },
	// flikely is a match's probability as every page and alert says it.
	"flikely": service.Likelihood,
	"actionOpts": func(as []domain.Action) [][]string {
		var out [][]string
		for _, a := range as {
			out = append(
				out,
				[]string{a.ID, "A" + strconv.Itoa(a.Number) + " " + a.Title + " (" + string(a.State) + ")"},
			)
		}
		return out
	},
	"userOpts": func(us []*domain.User) [][]string {
		var out [][]string
		for _, u := range us {
			out = append(out, []string{u.ID, domain.PersonName(u)})
		}
		return out
	},
	"statusOpts": func(ss []domain.SuspectStatus) [][]string {
		var out [][]string
		for _, st := range ss {
			out = append(out, []string{string(st), strings.ReplaceAll(string(st), "_", " ")})
		}
		return out
	},
	"kindOpts": func(ks []string) [][]string {
		var out [][]string
		for _, k := range ks {
			out = append(out, []string{k, strings.ReplaceAll(k, "_", " ")})
		}
		return out
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{"Suffix": "", "Hint": "", "Type": "", "Value": "", "Label": ""}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"linkKind": func(k string) string {
		if l, ok := linkKindLabels[k]; ok {
			return l
		}
		return k
	},
	"fieldErr": func(ps domain.Problems, field string) string {
		for _, p := range ps {
			if p.Field == field {
				return p.Message
			}
		}
		return ""
	},
}

func urlEscape(s string) string { return url.QueryEscape(s) }

// govISO shows an ISO date (YYYY-MM-DD) the GOV.UK way, 4 June 2026; any
// other text as it is.
func govISO(s string) string {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format("2 January 2006")
	}
	return s
}
