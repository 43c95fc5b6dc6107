package web

import (
	"context"
	"strconv"
	"time"
)

// A case shown in a list, a queue or a report was read too — a
// records.read event names it among others — but not opened, so those
// reads are not the case's own events. The history shows them beside the
// case's own reads, collapsed into one line ("Seen in lists 5 times by 3
// people") that expands to who, when and which list.

// listReads are the case's reads in lists, newest first.
type listReads struct {
	Reads []listRead
}

type listRead struct {
	At  time.Time
	Who string // rank and name
	How string // the list, in words
}

// Summary says how the reads in lists read: "Seen in a list by 1 person",
// "Seen in lists 5 times by 3 people".
func (l *listReads) Summary() string {
	people := map[string]bool{}
	for _, r := range l.Reads {
		people[r.Who] = true
	}
	by := "1 person"
	if len(people) != 1 {
		by = strconv.Itoa(len(people)) + " people"
	}
	if len(l.Reads) == 1 {
		return "Seen in a list by " + by
	}
	return "Seen in lists " + times(len(l.Reads)) + " by " + by
}

// listReadsOf are the reads in lists of the case ref, or nil when there
// are none.
func (h *Handler) listReadsOf(ctx context.Context, q *visit, ref string) (*listReads, error) {
	rows, err := h.svc.CaseListReads(ctx, q.a, ref)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	label, _ := findFuncs["fread"].(func(string) string)
	l := &listReads{}
	for _, r := range rows {
		how := r.How
		if label != nil {
			how = label(how)
		}
		l.Reads = append(l.Reads, listRead{At: r.At, Who: personName(q.org, r.UserID), How: how})
	}
	return l, nil
}
