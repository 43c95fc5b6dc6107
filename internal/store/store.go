// Package store defines how the record is kept: one write transaction at a
// time appends events and updates projections; reads see committed state.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
)

var (
	// ErrNotFound means the thing asked for is not in the record.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write was based on a version that has moved on.
	ErrConflict = errors.New("conflict")
)

// Store is implemented by each storage engine. The tests that run on every
// engine (internal/testdb.Each, e.g. internal/service/conformance_test.go)
// hold them to the same behaviour.
type Store interface {
	// Write runs fn in one transaction. Writes are serialised across every
	// process sharing the database, so events get one total order; if fn
	// returns an error nothing it did is kept. fn may run a second time,
	// afresh, when nothing of its first run was kept: the SQL store on
	// PostgreSQL does so when a case read before the write changed before
	// it was ordered (sqlstore/optimistic.go).
	Write(ctx context.Context, fn func(Tx) error) error

	Case(ctx context.Context, id string) (*domain.Case, error)
	CaseByRef(ctx context.Context, ref string) (*domain.Case, error)
	// CaseRowByRef reads a case's list row: cheap, for resolving a
	// reference and version without decoding the whole record.
	CaseRowByRef(ctx context.Context, ref string) (*CaseRow, error)
	ListCases(ctx context.Context, f CaseFilter) ([]CaseRow, error)
	// ScanCases streams every case projection, ordered by id.
	ScanCases(ctx context.Context, fn func(*domain.Case) error) error
	Org(ctx context.Context) (*domain.OrgState, error)
	UserByUsername(ctx context.Context, username string) (*domain.User, error)

	// ScanEvents streams events with from <= seq <= to (to 0: to the end).
	ScanEvents(ctx context.Context, from, to int64, fn func(*event.Event) error) error
	CaseEvents(ctx context.Context, caseID string) ([]*event.Event, error)
	LatestSeq(ctx context.Context) (int64, error)

	// DueDuties lists open duties due at or before t, oldest first.
	DueDuties(ctx context.Context, t time.Time, limit int) ([]DutyRow, error)
	// DueDutyCount counts open duties due at or before t without reading them.
	DueDutyCount(ctx context.Context, t time.Time) (int, error)
	// DueDutiesOfKind lists open duties of kind due at or before t, oldest first.
	DueDutiesOfKind(ctx context.Context, kind string, t time.Time, limit int) ([]DutyRow, error)
	// ActionableDuties lists open duties whose next escalation step is due
	// by t: the watchdog's work, found through an index on that time.
	ActionableDuties(ctx context.Context, t time.Time, limit int) ([]DutyRow, error)
	UserDuties(ctx context.Context, userID string) ([]DutyRow, error)
	// TeamDuties lists the open duties of teams, soonest due first, at most limit.
	TeamDuties(ctx context.Context, teamIDs []string, limit int) ([]DutyRow, error)
	// TeamDutyCounts counts the open duties of teams, and those due at or
	// before t, without reading them.
	TeamDutyCounts(ctx context.Context, teamIDs []string, t time.Time) (open, due int, err error)
	// Flags lists integrity flags standing since t or earlier.
	Flags(ctx context.Context, t time.Time) ([]FlagRow, error)
	// UnraisedFlags lists those of them whose finding is not yet open.
	UnraisedFlags(ctx context.Context, t time.Time) ([]FlagRow, error)
	// OrphanedCases lists open cases whose owner has left or is inactive.
	OrphanedCases(ctx context.Context) ([]CaseRow, error)
	Inbox(ctx context.Context, userID string, limit int) ([]InboxItem, error)
	// DigestQueued reports whether that day's digests were queued already.
	DigestQueued(ctx context.Context, day string) (bool, error)
	// QueueDigests claims the day and puts its messages in the outbox, in
	// one transaction; false, and nothing queued, if another instance (or
	// an earlier run) had claimed it.
	QueueDigests(ctx context.Context, day string, at time.Time, mail []Mail) (bool, error)
	// DueMail leases up to limit unsent messages due by now until until,
	// so no other instance sends them meanwhile, and returns them.
	DueMail(ctx context.Context, now, until time.Time, limit int) ([]Mail, error)
	// MailSent marks a message delivered: it is never sent again.
	MailSent(ctx context.Context, day, userID string, at time.Time) error
	// MailFailed records a failed attempt, why, and when to try again.
	MailFailed(ctx context.Context, day, userID string, next time.Time, reason string) error

	PasswordHash(ctx context.Context, userID string) (string, error)
	Session(ctx context.Context, tokenHash []byte, now time.Time) (*Session, error)
	DeleteSession(ctx context.Context, tokenHash []byte) error
	TokenUser(ctx context.Context, tokenHash []byte) (string, error)

	Checkpoints(ctx context.Context) ([]Checkpoint, error)
	SaveCheckpoint(ctx context.Context, c Checkpoint) error
	SaveLedgerRun(ctx context.Context, r LedgerRun) error
	LastLedgerRun(ctx context.Context) (*LedgerRun, error)

	// Exclusive runs fn only if no other holder of the lock name — in any
	// instance sharing the database — is running; it reports whether fn ran.
	Exclusive(ctx context.Context, name string, fn func() error) (bool, error)

	// Engine names the engine, for logs and benchmarks.
	Engine() string
	Close() error
}

// Tx is what a write transaction can do. Reads inside it see the
// transaction's own writes.
type Tx interface {
	Case(id string) (*domain.Case, error)
	Org() (*domain.OrgState, error)
	// NextCaseNumber returns the next free number for refs starting prefix.
	NextCaseNumber(prefix string) (int, error)
	// Append assigns e its sequence number and chain hash and stores it.
	Append(e *event.Event) error
	// AppendBatch appends evs in order exactly as Append would one at a
	// time — the same sequence numbers, chain hashes and projections — in
	// fewer statements: for bulk writes such as an import.
	AppendBatch(evs []*event.Event) error
	// PutCase writes c's projection. prevVersion is the version it was
	// read at (0 for a new case); if the stored version differs, ErrConflict.
	PutCase(c *domain.Case, prevVersion int64) error
	// PutNewCases writes the projections of cases not yet in the record,
	// as PutCase(c, 0) would each, in fewer statements.
	PutNewCases(cs []*domain.Case) error
	// PutPreparedCases is PutNewCases for cases whose documents and index
	// rows PrepareNewCases already made (an import makes them on another
	// goroutine while the transaction writes).
	PutPreparedCases(n *NewCases) error
	// DeferIndexes readies the transaction to write cases new cases at
	// once (an import): where the engine is better off building an index
	// in one sorted pass than filling it a row at a time, it drops it, and
	// build makes it again. Call build before the transaction ends; a
	// rollback puts the indexes back as they were.
	DeferIndexes(cases int) (build func() error, err error)
	PutUnit(u *domain.Unit) error
	PutUser(u *domain.User) error
	SetPassword(userID, hash string) error
	CreateSession(s Session) error
	CreateToken(tokenHash []byte, userID, name string, at time.Time) error
	// ImportedCase finds the case imported under a source reference
	// (ErrNotFound if none) and the hash of what was imported.
	ImportedCase(sourceRef string) (caseID, hash string, err error)
	// ImportedCases is ImportedCase for many references in few queries:
	// those imported before, by source reference.
	ImportedCases(sourceRefs []string) (map[string]Imported, error)
}

// Imported is a case imported before: its id and the hash of what was
// imported.
type Imported struct {
	CaseID, Hash string
}

// CaseFilter selects cases for a list. Empty fields do not filter.
type CaseFilter struct {
	TeamIDs []string // need-to-know: nil means any team
	OwnerID string
	Status  []domain.Status
	Limit   int
	After   string // ref to page after
}

// CaseRow is a case as it appears in a list.
type CaseRow struct {
	ID        string        `json:"id"`
	Ref       string        `json:"ref"`
	TeamID    string        `json:"team_id"`
	OwnerID   string        `json:"owner_id,omitempty"`
	Status    domain.Status `json:"status"`
	Version   int64         `json:"version"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// DutyRow is an open duty as indexed for the watchdog and work lists.
type DutyRow struct {
	ID          string    `json:"id"`
	CaseID      string    `json:"case_id"`
	CaseRef     string    `json:"case_ref"`
	Kind        string    `json:"kind"`
	Accountable string    `json:"accountable,omitempty"`
	TeamID      string    `json:"team_id"`
	Due         time.Time `json:"due"`
	Escalation  int       `json:"escalation"`
	NextAt      time.Time `json:"next_at,omitzero"`
	Subject     string    `json:"subject,omitempty"`
}

// FlagRow is a standing integrity flag on a case.
type FlagRow struct {
	CaseID string
	Kind   string
	Since  time.Time
	Raised bool // its finding is open on the case
}

// InboxItem is an alert for a user: an escalation or a finding.
type InboxItem struct {
	Seq    int64     `json:"seq"`
	CaseID string    `json:"case_id"`
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Text   string    `json:"text"`
}

// Session is a signed-in browser.
type Session struct {
	TokenHash []byte
	UserID    string
	CSRF      string
	Expires   time.Time
}

// Checkpoint is a signed tree head as stored.
type Checkpoint struct {
	Size    int64
	Note    []byte
	Created time.Time
}

// LedgerRun is the outcome of one verification of the whole ledger.
type LedgerRun struct {
	RanAt    time.Time `json:"ran_at"`
	OK       bool      `json:"ok"`
	Events   int64     `json:"events"`
	FirstBad int64     `json:"first_bad_event,omitempty"`
	Problem  string    `json:"problem,omitempty"`
}

// Mail is one message in the digests' outbox.
type Mail struct {
	Day       string
	UserID    string
	Username  string
	To        string
	Subject   string
	Body      string
	Attempts  int // failed attempts so far
	NextAt    time.Time
	LastError string
}

type longWriteKey struct{}

// LongWrite marks ctx as carrying a write that may take minutes, such as
// an import of a force's whole history in one transaction: a store that
// bounds how long a transaction may take (PostgreSQL's group commit) gives
// it LongWriteLimit instead of its usual limit.
func LongWrite(ctx context.Context) context.Context {
	return context.WithValue(ctx, longWriteKey{}, true)
}

// IsLongWrite reports whether ctx was marked by LongWrite.
func IsLongWrite(ctx context.Context) bool {
	long, _ := ctx.Value(longWriteKey{}).(bool)
	return long
}

// LongWriteLimit bounds a long write's transaction, commit included.
const LongWriteLimit = 2 * time.Hour
