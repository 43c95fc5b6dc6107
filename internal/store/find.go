package store

import (
	"context"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
)

// Finder is what finding cases needs beyond Store: the index of what each
// case can be found by (names, phones, vehicles, postcodes, the suspect
// identifiers that link cases), the case list page by page, the inbox with
// what its reader did with each alert, and the index of reads. Every
// engine in sqlstore implements it; the service asks for it by type.
type Finder interface {
	// TermMatches lists the index entries of kind whose term is one of
	// terms, on cases of teamIDs (nil: any team), at most limit.
	TermMatches(ctx context.Context, kind string, terms []string, teamIDs []string, limit int) ([]TermMatch, error)
	// LinkGroups pages the identifiers (kind "link" terms) that two or
	// more cases of teamIDs share: largest first, then most open, then
	// by kind rank and key (every one when f.Limit is 0), and counts them.
	LinkGroups(ctx context.Context, f LinkFilter) (groups []LinkGroupRow, total int, err error)
	// LinkMembers lists the cases of teamIDs bearing each of keys.
	LinkMembers(ctx context.Context, keys []string, teamIDs []string) ([]LinkMemberRow, error)
	// CasePage lists cases newest first (by reference, descending).
	CasePage(ctx context.Context, f CasePageFilter) ([]CaseRow, error)
	// CountCases counts the cases of teamIDs (nil: every case).
	CountCases(ctx context.Context, teamIDs []string) (int, error)
	// CaseRowsByID reads the list rows of cases by id.
	CaseRowsByID(ctx context.Context, ids []string) ([]CaseRow, error)
	// InboxRows lists a user's alerts newest first, at most limit, with
	// the duty or finding each is about and what the user did with it.
	InboxRows(ctx context.Context, userID string, limit int) ([]InboxRow, error)
	// OpenDuties reads those of ids that are open duties, by id.
	OpenDuties(ctx context.Context, ids []string) (map[string]DutyRow, error)
	// DutiesOfKinds lists the open duties of kinds on teamIDs due at or
	// before by, those of open cases first, then soonest first, at most limit.
	DutiesOfKinds(ctx context.Context, teamIDs, kinds []string, by time.Time, limit int) ([]DutyRow, error)
	// TeamDutyPage reads one page of the open duties of teams, soonest due
	// first (then by id), after or before a cursor: a keyset query that
	// reads only the page (and one more, to say whether there is another).
	TeamDutyPage(ctx context.Context, f DutyPageFilter) ([]DutyRow, error)
	// EscalatedDuties lists the open duties of teamIDs escalated at least
	// once, soonest due first (then by id), at most limit after the first
	// offset (a page; limit 0 reads none), and counts them all: with
	// dormant, only those due before cutoff; without it, only those due at
	// or after it. So the escalations of this year are never cut from a
	// list by a decade of imported backlog.
	EscalatedDuties(ctx context.Context, teamIDs []string, cutoff time.Time, dormant bool, limit,
		offset int) ([]DutyRow, int, error)
	// CaseVictims reads the victims of cases by id (and the version and
	// owner of each), without the rest of each case.
	CaseVictims(ctx context.Context, ids []string) (map[string]*CaseVictims, error)
	// Reads lists reads of cases newest first, filtered.
	Reads(ctx context.Context, f ReadFilter) ([]ReadRow, error)
	// ForceEvents lists the events of no case of types, in order,
	// without reading the force's other events (reads, above all).
	ForceEvents(ctx context.Context, types []string) ([]*event.Event, error)
}

// DutyCursor is a place in a list of duties ordered by due time, then id.
type DutyCursor struct {
	Due time.Time
	ID  string
}

// DutyPageFilter selects a page of the open duties of teams.
type DutyPageFilter struct {
	TeamIDs []string
	After   *DutyCursor // the duties after this one, soonest first
	Before  *DutyCursor // or the duties before it, latest first (After wins)
	Limit   int
}

// CaseVictims is a case's victims, as a work list needs them.
type CaseVictims struct {
	ID      string          `json:"id"`
	Ref     string          `json:"ref"`
	OwnerID string          `json:"owner_id"`
	Version int64           `json:"version"`
	Status  domain.Status   `json:"status"`
	Victims []domain.Victim `json:"victims"`
}

// TermMatch is one entry of the find index.
type TermMatch struct {
	CaseID string
	Kind   string
	Term   string
	Label  string // whose it is: "Victim: Child A", "Suspect: Adam Smith"
	Shown  string // the identifier as recorded
}

// LinkFilter narrows LinkGroups.
type LinkFilter struct {
	TeamIDs []string
	Kind    string // a key prefix ("phone:"), or "" for any
	CaseID  string // only groups that include this case
	Term    string // only this identifier (a whole key: "phone:+447700900123")
	Offset  int
	Limit   int
}

// LinkGroupRow is one shared identifier.
type LinkGroupRow struct {
	Key   string
	Cases int
	Open  int
}

// LinkMemberRow is one case bearing a shared identifier.
type LinkMemberRow struct {
	Key     string
	CaseRow CaseRow
	Label   string // the suspect(s) bearing it on this case
	Shown   string // as recorded on this case
}

// CasePageFilter selects a page of the case list.
type CasePageFilter struct {
	TeamIDs []string // need-to-know: nil means any team
	OwnerID string
	Status  []string
	// OverdueAt, if set, keeps cases with an open duty due by then.
	OverdueAt time.Time
	Before    string // a reference: the page after it, newest first
	// After, a reference: the page before it, still listed newest first
	// (with Limit, the Limit cases just newer than it).
	After string
	Limit int
}

// InboxRow is an alert with what its reader did about it.
type InboxRow struct {
	InboxItem
	CaseRef string
	TeamID  string
	// About is the duty an escalation is about, or the finding a finding
	// alert raised.
	About string
	State string // "", "acknowledged" or "done"
	// CaseClosed: the case the alert is about is closed now.
	CaseClosed bool
}

// ReadFilter selects reads for the access report. Empty fields do not filter.
type ReadFilter struct {
	UserID    string
	CaseID    string
	From, To  time.Time
	BeforeSeq int64 // the page after this event, newest first
	Limit     int
}

// ReadRow is one case read by one person.
type ReadRow struct {
	Seq     int64
	CaseID  string
	CaseRef string
	UserID  string
	At      time.Time
	How     string // "case", or the list that showed it
}
