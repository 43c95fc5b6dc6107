package web

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// The security log is append-only: rows written before 7 December 2026
// keep their stored detail, which was written for machines (a search as
// `kind="" user="" address="" from=- to=- before=0`, a session by its
// reference). secDetail says those rows in words on the page, and leaves
// out every session's reference, new rows' too (they carry it last, in
// brackets): a reference means nothing to a reader and is half of what it
// takes to act as that session. The CSV keeps the stored text whole, for
// investigators matching a sign-in to its sign-out.
var (
	oldSearchRE  = regexp.MustCompile(`^kind="([^"]*)" user="([^"]*)" address="([^"]*)" from=(\S+) to=(\S+) before=(\d+)$`)
	sessionRefRE = regexp.MustCompile(` ?\(session [0-9a-f]+\)$`)
	oldSessionRE = regexp.MustCompile(`^session [0-9a-f]+(?:(, |: )(.*))?$`)
	anySessionRE = regexp.MustCompile(`\bsession [0-9a-f]{16}\b`)
)

// secDetail is a security event's detail in words, for the page.
func secDetail(org *domain.OrgState, kind, detail string) string {
	if m := oldSearchRE.FindStringSubmatch(detail); m != nil {
		return oldSearchWords(org, m)
	}
	detail = sessionRefRE.ReplaceAllString(detail, "")
	if m := oldSessionRE.FindStringSubmatch(detail); m != nil {
		rest := m[2]
		switch {
		case kind == service.EvSignedIn && m[1] == ", ":
			return "Signed in " + rest
		case kind == service.EvPasswordAccepted:
			return "Password accepted" + strings.TrimPrefix(rest, "with a password")
		case kind == service.EvSignedOut && rest == "":
			return "Signed out"
		case kind == service.EvSessionsEnded:
			return "One session ended " + strings.TrimPrefix(rest, ", ")
		case rest != "":
			return capital(rest)
		}
		return "A session"
	}
	detail = anySessionRE.ReplaceAllString(detail, "a session")
	return capital(detail)
}

// oldSearchWords says an old row's search of the log in words.
func oldSearchWords(org *domain.OrgState, m []string) string {
	q := service.SecurityQuery{Kind: m[1], UserID: m[2], Address: m[3]}
	q.From, _ = time.Parse(time.RFC3339, m[4]) // "-": none
	q.To, _ = time.Parse(time.RFC3339, m[5])
	q.Before, _ = strconv.ParseInt(m[6], 10, 64)
	who := ""
	if org != nil && org.Users[q.UserID] != nil {
		who = org.Users[q.UserID].Name
	}
	return service.SearchWords(q, who)
}

func capital(w string) string {
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}
