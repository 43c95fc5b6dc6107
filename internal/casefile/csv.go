package casefile

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// CSVColumns are the columns of the flat CSV route, for the simplest
// exports: one case per row, no history beyond its closure.
var CSVColumns = []string{
	"ref",
	"team",
	"opened",
	"summary",
	"offence_types",
	"owner",
	"outcome",
	"closed",
	"closed_by",
	"approved_by",
}

// ReadCSV reads the flat CSV route. The header row must name the columns
// (in any order); ref, team, opened, summary and offence_types are
// required; offence types are separated by ';'.
func ReadCSV(r io.Reader) (*File, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, Problems{
			{Line: 1, Message: "no header row: the first row must name the columns " + strings.Join(CSVColumns, ",")},
		}
	}
	col := map[string]int{}
	var ps Problems
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !contains(CSVColumns, h) {
			ps = append(
				ps,
				Problem{
					Line:    1,
					Field:   h,
					Message: "not a column of the CSV route: use " + strings.Join(CSVColumns, ","),
				},
			)
			continue
		}
		col[h] = i
	}
	for _, need := range []string{"ref", "team", "opened", "summary", "offence_types"} {
		if _, ok := col[need]; !ok {
			ps = append(ps, Problem{Line: 1, Field: need, Message: "required column missing"})
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	f := &File{}
	for n := 2; ; n++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ps = append(ps, Problem{Line: n, Message: err.Error()})
			if _, ok := err.(*csv.ParseError); ok {
				continue
			}
			break
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		k := Case{Ref: get("ref"), Team: get("team"), Summary: get("summary"), Owner: get("owner")}
		k.Opened = parseTime(&ps, n, "opened", get("opened"))
		for _, o := range strings.Split(get("offence_types"), ";") {
			if o = strings.TrimSpace(o); o != "" {
				k.OffenceTypes = append(k.OffenceTypes, o)
			}
		}
		if get("outcome") != "" || get("closed") != "" {
			closed := parseTime(&ps, n, "closed", get("closed"))
			k.Closure = &Closure{Outcome: get("outcome"), Proposed: closed, ProposedBy: get("closed_by")}
			// No approver: a legacy closure approved by nobody, kept so.
			if approver := get("approved_by"); approver != "" {
				k.Closure.Approved, k.Closure.ApprovedBy = closed, approver
			} else {
				k.Closure.Closed = closed
			}
		}
		ps = append(ps, k.check(n)...)
		f.Cases = append(f.Cases, Line[Case]{N: n, Record: k, Hash: hash([]byte(strings.Join(row, "\x1f")))})
	}
	ps = append(ps, f.duplicateCases()...)
	if len(ps) > 0 {
		return f, ps
	}
	return f, nil
}

func parseTime(ps *Problems, n int, field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	*ps = append(
		*ps,
		Problem{Line: n, Field: field, Message: fmt.Sprintf("%q is not a date: write YYYY-MM-DD or RFC 3339", v)},
	)
	return time.Time{}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
