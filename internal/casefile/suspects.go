package casefile

import (
	"fmt"
	"strings"
	"time"
)

// History is the suspect's status changes, oldest first: the statuses
// list, then status and status_on if they add a change the list does not
// end with (the single last status a simpler export gives). A change
// without a date takes the suspect's added date.
func (s Suspect) History() []SuspectStatus {
	out := append([]SuspectStatus{}, s.Statuses...)
	if s.Status != "" {
		last := SuspectStatus{Status: s.Status, On: s.StatusOn}
		n := len(out)
		if last.On == "" && n > 0 {
			last.On = out[n-1].On // no later than the history it ends
		}
		if n == 0 || out[n-1].Status != last.Status || (last.On != "" && out[n-1].On != last.On) {
			out = append(out, last)
		}
	}
	for i := range out {
		if out[i].On == "" && !s.Added.IsZero() {
			out[i].On = s.Added.UTC().Format(time.DateOnly)
		}
	}
	return out
}

// checkStatuses checks a suspect's history by itself: each change has a
// status and a date, in order, none before the day the suspect was added.
func checkStatuses(c *checker, f string, s Suspect) {
	var prev time.Time
	added := time.Time{}
	if !s.Added.IsZero() {
		a := s.Added.UTC()
		added = time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	}
	for i, st := range s.Statuses {
		g := fmt.Sprintf("%s.statuses[%d]", f, i)
		c.required(g+".status", st.Status)
		if strings.TrimSpace(st.On) == "" {
			c.add(g+".on", "required: the date of the change, YYYY-MM-DD")
			continue
		}
		d, err := time.Parse(time.DateOnly, st.On)
		if err != nil {
			c.add(g+".on", "%q is not a date: write YYYY-MM-DD", st.On)
			continue
		}
		if d.Before(prev) {
			c.add(g+".on", "%s is before the change listed before it (%s): list the changes oldest first",
				st.On, prev.Format(time.DateOnly))
		}
		if !added.IsZero() && d.Before(added) {
			c.add(g+".on", "%s is before the suspect was added (%s): dates out of order", st.On,
				added.Format(time.DateOnly))
		}
		prev = d
	}
	if len(s.Statuses) > 0 && s.StatusOn != "" {
		if d, err := time.Parse(time.DateOnly, s.StatusOn); err == nil && d.Before(prev) {
			c.add(f+".status_on", "%s is before the last of statuses (%s): status is the latest change",
				s.StatusOn, prev.Format(time.DateOnly))
		}
	}
}

func (m OffenceMap) check(n int) Problems {
	c := &checker{n: n}
	c.required("text", m.Text)
	c.required("code", m.Code)
	if len(m.Text) > 200 {
		c.add("text", "at most 200 characters")
	}
	return c.ps
}
