package web

import (
	"html/template"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// signInFuncs are the template functions of sign-in and account pages.
var signInFuncs = template.FuncMap{
	// secKind labels a security event's kind for people.
	"secKind": func(k string) string {
		if l := service.SecurityKinds[k]; l != "" {
			return l
		}
		return k
	},
	"secDetail": secDetail,
	// secPerson names the person a security event concerns, by rank and
	// name; "" if it concerns nobody known.
	"secPerson": func(org *domain.OrgState, id string) string {
		if org == nil || id == "" {
			return ""
		}
		if u := org.Users[id]; u != nil {
			return domain.PersonName(u)
		}
		return ""
	},
	// tokenState is a token's standing: live, expired or revoked.
	"tokenState": func(t store.TokenRow, now time.Time) string {
		switch {
		case !t.Revoked.IsZero():
			return "Revoked"
		case !now.Before(t.Expires):
			return "Expired"
		}
		return "Live"
	},
	"scopeLabel": func(s string) string {
		if s == service.ScopeReadOnly {
			return "Read only"
		}
		return "Read and write"
	},
}
