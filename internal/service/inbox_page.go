package service

import (
	"context"
	"sort"
	"strconv"

	"github.com/holdfast/holdfast/internal/domain"
)

// InboxPageSize is how many alerts one page of the inbox shows.
const InboxPageSize = 25

// InboxPageIn asks for a page of the inbox: the current alerts, or those
// marked done, after (older than) or before (newer than) the alert whose
// sequence number the cursor is, as InboxPageOut gave it.
type InboxPageIn struct {
	Done   bool   `json:"done,omitempty" query:"done"`
	Before string `json:"before,omitempty" query:"before"` // the page of alerts older than this one
	After  string `json:"after,omitempty" query:"after"`   // the page of alerts newer than this one
	// Kind keeps only alerts of one kind (domain.AlertLink, "escalation",
	// ...); "" is every kind. A kind with none gives an empty page.
	Kind string `json:"kind,omitempty" query:"kind"`
}

// InboxKind is how many alerts of one kind the list holds.
type InboxKind struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// InboxPageOut is one page of the inbox, newest first, with the cursors of
// the pages either side ("" where there is none), the number of alerts in
// the list and how many of them are new.
type InboxPageOut struct {
	Alerts []InboxAlert `json:"alerts"`
	Older  string       `json:"older,omitempty"`
	Newer  string       `json:"newer,omitempty"`
	Total  int          `json:"total"` // of the kind asked for, if one was
	New    int          `json:"new"`   // of every kind: the inbox's count
	// Kinds counts the list's alerts by kind, most first, so that a reader
	// can see past a flood of one kind to the others.
	Kinds []InboxKind `json:"kinds"`
}

// InboxPage reads one page of the actor's inbox and records the read of
// the cases on it (only those: the rest are not shown).
func (s *Service) InboxPage(ctx context.Context, a *Actor, in InboxPageIn) (*InboxPageOut, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	var p domain.Problems
	cursor := func(field, v string) int64 {
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			p.Add(field, "cursor", "The link to this page of your inbox is damaged: start again from the first page.")
			return 0
		}
		return n
	}
	before, after := cursor("before", in.Before), cursor("after", in.After)
	if err := p.Err(); err != nil {
		return nil, err
	}
	all, err := s.inboxAlerts(ctx, a)
	if err != nil {
		return nil, err
	}
	var list []InboxAlert // newest first, as inboxAlerts gives them
	out := &InboxPageOut{Alerts: []InboxAlert{}}
	count := map[string]int{}
	for _, al := range all {
		if (al.State == AlertDone) != in.Done {
			continue
		}
		if al.State == AlertNew {
			out.New++
		}
		if count[al.Kind] == 0 {
			out.Kinds = append(out.Kinds, InboxKind{Kind: al.Kind})
		}
		count[al.Kind]++
		if in.Kind == "" || al.Kind == in.Kind {
			list = append(list, al)
		}
	}
	for i := range out.Kinds {
		out.Kinds[i].Count = count[out.Kinds[i].Kind]
	}
	sort.SliceStable(out.Kinds, func(i, j int) bool {
		if out.Kinds[i].Count != out.Kinds[j].Count {
			return out.Kinds[i].Count > out.Kinds[j].Count
		}
		return out.Kinds[i].Kind < out.Kinds[j].Kind
	})
	out.Total = len(list)
	// An alert's place is its newest sequence number (Seqs[0]).
	from, to := 0, len(list)
	switch {
	case before > 0:
		for from < len(list) && list[from].Seqs[0] >= before {
			from++
		}
		to = min(from+InboxPageSize, len(list))
	case after > 0:
		for to > 0 && list[to-1].Seqs[0] <= after {
			to--
		}
		from = max(0, to-InboxPageSize)
	default:
		to = min(InboxPageSize, len(list))
	}
	out.Alerts = append(out.Alerts, list[from:to]...)
	if from > 0 && len(out.Alerts) > 0 {
		out.Newer = strconv.FormatInt(out.Alerts[0].Seqs[0], 10)
	}
	if to < len(list) && len(out.Alerts) > 0 {
		out.Older = strconv.FormatInt(out.Alerts[len(out.Alerts)-1].Seqs[0], 10)
	}
	var ids []string
	for _, al := range out.Alerts {
		ids = append(ids, al.CaseID)
	}
	how := ""
	if in.Done {
		how = "done"
	}
	if err := s.RecordRead(ctx, a, ReadInbox, how, ids); err != nil {
		return nil, err
	}
	return out, nil
}
