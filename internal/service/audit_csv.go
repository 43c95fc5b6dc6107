package service

// An audit's report as CSV, a row per sampled case, safe to open in a
// spreadsheet.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/domain"
)

// AuditCSVHeader names the columns of an audit's CSV export.
var AuditCSVHeader = []string{
	"audit",
	"case",
	"team",
	"outcome",
	"closed",
	"drawn",
	"risk_score",
	"high_risk",
	"risk_reasons",
	"status",
	"reviewer",
	"outcome_justified",
	"victim_account",
	"suspects_pursued",
	"lines_missed",
	"findings",
	"in_error",
	"sign_off",
	"case_status_now",
}

// AuditCSV is an audit's export: one row per sampled case the actor may
// see, under AuditCSVHeader. Cells that a spreadsheet would run as a
// formula are quoted with a leading apostrophe.
func (s *Service) AuditCSV(ctx context.Context, a *Actor, id string) ([][]string, error) {
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
			reasons = append(reasons, fmt.Sprintf("%s:%d", r.Code, r.Weight))
		}
		team := ac.TeamID
		if u, ok := org.Units[team]; ok {
			team = u.Name
		}
		row := []string{
			au.Name,
			ac.Ref,
			team,
			ac.Outcome,
			ac.ClosedAt.In(calendar.London).Format(time.DateOnly),
			ac.Drawn,
			strconv.Itoa(
				ac.Score,
			),
			yesNo(ac.HighRisk),
			strings.Join(reasons, "; "),
			ac.Status,
			username(org, ac.Reviewer),
		}
		if r := ac.Review; r != nil {
			var fs []string
			for _, f := range r.Findings {
				fs = append(fs, f.Kind+":"+f.Severity+":"+f.Action)
			}
			inError := ""
			if ac.Status == domain.AuditCaseComplete {
				inError = yesNo(r.InError())
			}
			row = append(
				row,
				r.Form.OutcomeJustified,
				r.Form.VictimAccount,
				r.Form.SuspectsPursued,
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
			sign = "returned by " + username(org, so.By)
			if so.Agree {
				sign = "agreed by " + username(org, so.By)
			}
		}
		row = append(row, sign, string(c.Status))
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
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
