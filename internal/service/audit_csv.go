package service

// An audit's report as CSV, a row per sampled case, safe to open in a
// spreadsheet.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/domain"
)

// AuditCSVHeader names the columns of an audit's CSV export, in words:
// an analyst reads the file as a table, so every cell is a label, a name
// or a date as the pages say it. The outcome's code has a column of its
// own, labelled, to sort and filter by.
var AuditCSVHeader = []string{
	"Audit",
	"Case",
	"Team",
	"Outcome code (Home Office)",
	"Outcome",
	"Closed on",
	"How drawn",
	"Risk score",
	"High risk",
	"Why at risk",
	"Review status",
	"Reviewer",
	"Outcome justified",
	"Victim's account",
	"Suspects pursued",
	"Lines of enquiry missed",
	"Findings",
	"Outcome in error",
	"Sign-off",
	"Case status now",
}

// AuditExport is an audit's CSV export: its file name, in words and the
// day it was made ("audit-beaconport-closures-7-December-2026.csv"), and
// its rows.
type AuditExport struct {
	Name string
	Rows [][]string
}

// AuditCSV is an audit's export: one row per sampled case the actor may
// see, under AuditCSVHeader. Cells that a spreadsheet would run as a
// formula are quoted with a leading apostrophe.
func (s *Service) AuditCSV(ctx context.Context, a *Actor, id string) ([][]string, error) {
	ex, err := s.ExportAudit(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return ex.Rows, nil
}

// ExportAudit is AuditCSV with the file's name.
func (s *Service) ExportAudit(ctx context.Context, a *Actor, id string) (*AuditExport, error) {
	au, org, cases, err := s.seenAudit(ctx, a, "export audits", id)
	if err != nil {
		return nil, err
	}
	rows := [][]string{AuditCSVHeader}
	for _, ac := range au.Cases {
		c := cases[ac.CaseID]
		if c == nil {
			continue
		}
		var reasons []string
		for _, r := range ac.Reasons {
			reasons = append(reasons, fmt.Sprintf("%s (%d)", audit.ReasonLabel(r.Code), r.Weight))
		}
		row := []string{
			au.Name,
			ac.Ref,
			teamName(org, ac.TeamID),
			ac.Outcome,
			s.Policy().OutcomeLabel(ac.Outcome),
			dayInWords(ac.ClosedAt),
			domain.AuditLabel(domain.AuditDrawnLabels, ac.Drawn),
			strconv.Itoa(ac.Score),
			yesNo(ac.HighRisk),
			strings.Join(reasons, "; "),
			domain.AuditLabel(domain.AuditCaseLabels, ac.Status),
			reviewerName(org, ac.Reviewer),
		}
		if r := ac.Review; r != nil {
			var fs []string
			for _, f := range r.Findings {
				fs = append(fs, fmt.Sprintf("%s (%s): %s", domain.FindingKindLabel(f.Kind),
					domain.AuditLabel(domain.AuditSeverityLabels, f.Severity),
					strings.ToLower(domain.AuditLabel(domain.AuditActionLabels, f.Action))))
			}
			inError := ""
			if ac.Status == domain.AuditCaseComplete {
				inError = yesNo(r.InError())
			}
			row = append(
				row,
				domain.AuditLabel(domain.AuditAnswerLabels, r.Form.OutcomeJustified),
				domain.AuditLabel(domain.AuditAnswerLabels, r.Form.VictimAccount),
				domain.AuditLabel(domain.AuditAnswerLabels, r.Form.SuspectsPursued),
				strconv.Itoa(len(r.Form.LinesMissed)),
				strings.Join(fs, "; "),
				inError,
			)
		} else {
			row = append(row, "", "", "", "", "", "")
		}
		sign := ""
		if n := len(ac.SignOffs); n > 0 {
			so := ac.SignOffs[n-1]
			sign = "Sent back by " + personName(org, so.By)
			if so.Agree {
				sign = "Agreed by " + personName(org, so.By)
			}
		}
		row = append(row, sign, domain.StatusLabel(c.Status))
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		rows = append(rows, row)
	}
	return &AuditExport{Name: auditFileName(au.Name, s.Now()), Rows: rows}, nil
}

// dayInWords is a day as the pages say it, "7 December 2026".
func dayInWords(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.London).Format("2 January 2006")
}

// reviewerName is the reviewer by rank and name, or "" for none yet.
func reviewerName(org *domain.OrgState, id string) string {
	if id == "" {
		return ""
	}
	return personName(org, id)
}

// auditFileName is the export's file name: the audit's name in words, then
// the day, "audit-beaconport-closures-7-December-2026.csv"; no identifier.
func auditFileName(name string, day time.Time) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) && r < unicode.MaxASCII || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	words := strings.TrimSuffix(b.String(), "-")
	if words == "" {
		words = "report"
	}
	if !strings.HasPrefix(words, "audit") {
		words = "audit-" + words
	}
	return words + "-" + strings.ReplaceAll(dayInWords(day), " ", "-") + ".csv"
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// csvSafe stops a spreadsheet reading a cell as a formula (OWASP CSV
// injection): a cell starting with = + - @ or a control character is
// prefixed with an apostrophe.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
