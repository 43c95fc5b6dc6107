package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
)

// birthMonths are the month names a date of birth may be written with,
// in full or cut to three letters ("Sept" too), any case.
var birthMonths = func() map[string]time.Month {
	m := map[string]time.Month{"sept": time.September}
	for mo := time.January; mo <= time.December; mo++ {
		name := strings.ToLower(mo.String())
		m[name], m[name[:3]] = mo, mo
	}
	return m
}()

// birthDateQuery reads q as a date of birth, answering it as YYYY-MM-DD:
// 6/10/1995 and 06/10/1995 (day first, as in the UK; with / . or -
// between), 1995-10-06, and 6 October 1995 or 6 Oct 1995. The year has
// four digits and the date must exist, from 1900 on; anything else is not
// a date of birth.
func birthDateQuery(q string) (string, bool) {
	q = strings.TrimSpace(q)
	if len(q) > 40 {
		return "", false
	}
	parts := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return r == '/' || r == '-' || r == '.' || r == ' ' || r == ','
	})
	if len(parts) != 3 {
		return "", false
	}
	num := func(s string, most int) (int, bool) {
		if s == "" || len(s) > most {
			return 0, false
		}
		for _, r := range s {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	var d, y int
	var m time.Month
	var ok1, ok2, ok3 bool
	if len(parts[0]) == 4 { // 1995-10-06
		y, ok1 = num(parts[0], 4)
		var mn int
		mn, ok2 = num(parts[1], 2)
		m = time.Month(mn)
		d, ok3 = num(parts[2], 2)
	} else {
		d, ok1 = num(parts[0], 2)
		if mn, ok := num(parts[1], 2); ok {
			m, ok2 = time.Month(mn), true
		} else {
			m, ok2 = birthMonths[parts[1]]
		}
		if len(parts[2]) == 4 {
			y, ok3 = num(parts[2], 4)
		}
	}
	if !ok1 || !ok2 || !ok3 || y < 1900 || m < time.January || m > time.December || d < 1 {
		return "", false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || t.Month() != m { // 31 February is no date
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// BirthDateSearchMost is the most people one date of birth may lead to,
// counting only those on cases the searcher may see: past it the search
// lists the newest cases of those it read and says there are more.
const BirthDateSearchMost = 2000

// searchBirthDate finds the people of the cases the actor may see (teams)
// born on dob, from the index of people (store.Indexer): each is named
// on their case with their role, "Victim: Jade Turner — born 6 October
// 1995". The index is asked only for the people of teams, so people on
// cases the actor may not see neither crowd out their own nor are
// counted; past s.birthMost of them the result says there are more.
func (s *Service) searchBirthDate(ctx context.Context, teams []string, dob string, out *SearchResult,
	add func(id, why string)) error {
	out.As = append(out.As, "date of birth")
	ix, err := s.indexer()
	if err != nil {
		return err
	}
	key := strings.ReplaceAll(dob, "-", "") // persons' normal form of a date: 19951006
	ps, err := ix.BornOn(ctx, key, teams, s.birthMost+1)
	if err != nil {
		return err
	}
	t, _ := time.Parse(time.DateOnly, dob)
	if len(ps) > s.birthMost {
		ps = ps[:s.birthMost]
		out.More = true
		out.Note = fmt.Sprintf("More than %s people born on %s are on cases you may see: only the newest "+
			"cases are listed. Search by the person's name to find them.", domain.Thousands(s.birthMost),
			t.Format("2 January 2006"))
	}
	for _, p := range ps {
		if p.CaseID == "" || p.DOB != dob || !contains(teams, p.Case.TeamID) {
			continue
		}
		name := p.Name
		if name == "" {
			name = "name not recorded"
		}
		role := domain.Capitalise(strings.ReplaceAll(p.Role, "_", " "))
		add(p.CaseID, role+": "+name+" — born "+t.Format("2 January 2006"))
	}
	return nil
}
