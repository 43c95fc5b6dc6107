package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := db.readStmt(query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.r.QueryContext(ctx, db.d.q(query), args...)
}

func (db *DB) row(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.readStmt(query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.r.QueryRowContext(ctx, db.d.q(query), args...)
}

// hotReads are the reads every command makes; on SQLite they are prepared
// once per pooled connection rather than parsed on every call.
var hotReads = map[string]bool{
	"SELECT doc FROM cases WHERE id = ?":        true,
	"SELECT doc FROM cases WHERE ref = ?":       true,
	"SELECT org_seq FROM log_head WHERE id = 1": true,
	caseRowCols + "WHERE ref = ?":               true,
	poleCandidatesOf:                            true, // pole.go: a person matched reads one a key
}

const caseRowCols = "SELECT id, ref, team_id, owner_id, status, version, updated_at FROM cases "

func (db *DB) readStmt(query string) *sql.Stmt {
	if db.d.name != EngineSQLite || !hotReads[query] {
		return nil
	}
	if v, ok := db.reads.Load(query); ok {
		return v.(*sql.Stmt)
	}
	st, err := db.r.Prepare(query) // readers never hold an exclusive connection
	if err != nil {
		return nil
	}
	if v, loaded := db.reads.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt)
	}
	return st
}

// Case returns the current projection of a case.
func (db *DB) Case(ctx context.Context, id string) (*domain.Case, error) {
	return scanCase(db.row(ctx, "SELECT doc FROM cases WHERE id = ?", id))
}

// prefetched is a case's document as PrefetchCase read it, and the case
// decoded from it, for the write that follows (tx.CaseFrom).
type prefetched struct {
	id, doc string
	c       *domain.Case
	// read is, on PostgreSQL, the rest of what a write reads with the
	// case; check and args the statement that checks it is unchanged
	// (optimistic.go).
	read  *caseRead
	check string
	args  []any
	// asRead is asReadOf(c), worked out here rather than by the write.
	asRead *caseAsRead
}

// PrefetchCase reads and decodes case id outside any write, on the
// caller's goroutine: writes run one at a time on a single connection
// (groupCommit), and decoding the document there, or working out its
// caseAsRead, made every writer wait for each one's. The answer is only
// for tx.CaseFrom in the caller's own write, which uses it if the document
// has not changed since; nil if the case could not be read (the write
// will say why).
func (db *DB) PrefetchCase(ctx context.Context, id string) any {
	if db.d.dollar {
		return db.prefetchForWrite(ctx, id) // optimistic.go
	}
	if db.deferred.Load() {
		if wc, ok := db.written.take(id); ok { // as the last write put it (written.go)
			return &prefetched{id: id, doc: wc.doc, c: wc.c, asRead: asReadOf(wc.c, true)}
		}
	}
	doc, err := scanDoc(db.row(ctx, "SELECT doc FROM cases WHERE id = ?", id))
	if err != nil {
		return nil
	}
	c, err := decodeCase(doc)
	if err != nil {
		return nil
	}
	return &prefetched{id: id, doc: doc, c: c, asRead: asReadOf(c, db.deferred.Load())}
}

// CaseByRef returns a case by its reference.
func (db *DB) CaseByRef(ctx context.Context, ref string) (*domain.Case, error) {
	return scanCase(db.row(ctx, "SELECT doc FROM cases WHERE ref = ?", ref))
}

// CaseRowByRef reads one case's list row.
func (db *DB) CaseRowByRef(ctx context.Context, ref string) (*store.CaseRow, error) {
	rows, err := db.listCases(ctx, "WHERE ref = ?", ref)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, store.ErrNotFound
	}
	return &rows[0], nil
}

// ListCases lists cases matching f, in reference order.
func (db *DB) ListCases(ctx context.Context, f store.CaseFilter) ([]store.CaseRow, error) {
	var where []string
	var args []any
	if f.TeamIDs != nil {
		if len(f.TeamIDs) == 0 {
			return nil, nil
		}
		where = append(where, "team_id IN ("+placeholders(len(f.TeamIDs))+")")
		for _, t := range f.TeamIDs {
			args = append(args, t)
		}
	}
	if f.OwnerID != "" {
		where = append(where, "owner_id = ?")
		args = append(args, f.OwnerID)
	}
	if len(f.Status) > 0 {
		where = append(where, "status IN ("+placeholders(len(f.Status))+")")
		for _, s := range f.Status {
			args = append(args, string(s))
		}
	}
	if f.After != "" {
		where = append(where, "ref > ?")
		args = append(args, f.After)
	}
	q := ""
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY ref"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return db.listCases(ctx, q, args...)
}

func (db *DB) listCases(ctx context.Context, where string, args ...any) ([]store.CaseRow, error) {
	rows, err := db.query(ctx, caseRowCols+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	var out []store.CaseRow
	for rows.Next() {
		var r store.CaseRow
		var status, updated string
		if err := rows.Scan(&r.ID, &r.Ref, &r.TeamID, &r.OwnerID, &status, &r.Version, &updated); err != nil {
			return nil, err
		}
		r.Status = domain.Status(status)
		if r.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// ScanCases streams every case projection in id order.
func (db *DB) ScanCases(ctx context.Context, fn func(*domain.Case) error) error {
	rows, err := db.query(ctx, "SELECT doc FROM cases ORDER BY id")
	if err != nil {
		return fmt.Errorf("scan cases: %w", err)
	}
	return eachDoc(rows, func(b []byte) error {
		var c domain.Case
		if err := json.Unmarshal(b, &c); err != nil {
			return fmt.Errorf("decode case: %w", err)
		}
		return fn(&c)
	})
}

// Org returns every unit and user, from the cache while no organisation
// event has been appended since (by any instance). Callers must not change it.
func (db *DB) Org(ctx context.Context) (*domain.OrgState, error) {
	var seq int64
	if err := db.row(ctx, "SELECT org_seq FROM log_head WHERE id = 1").Scan(&seq); err != nil {
		return nil, fmt.Errorf("organisation version: %w", err)
	}
	if o := db.cachedOrg(seq); o != nil {
		return o, nil
	}
	o, err := loadOrg(ctx, db.d, db.r)
	if err != nil {
		return nil, err
	}
	db.cacheOrg(seq, o)
	return o, nil
}

type orgEntry struct {
	seq int64
	org *domain.OrgState
}

func (db *DB) cachedOrg(seq int64) *domain.OrgState {
	if e := db.org.Load(); e != nil && e.seq == seq {
		return e.org
	}
	return nil
}

func (db *DB) cacheOrg(seq int64, o *domain.OrgState) {
	db.org.Store(&orgEntry{seq: seq, org: o})
}

// UserByUsername finds a user by sign-in name.
func (db *DB) UserByUsername(ctx context.Context, username string) (*domain.User, error) {
	var doc string
	if err := db.row(ctx, "SELECT doc FROM users WHERE username = ?", username).Scan(&doc); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		return nil, err
	}
	var u domain.User
	if err := json.Unmarshal([]byte(doc), &u); err != nil {
		return nil, err
	}
	return &u, nil
}

const eventCols = "seq, at, actor, case_id, case_version, type, v, source, payload, prev_hash, hash"

func scanEvent(rows *sql.Rows) (*event.Event, error) {
	var e event.Event
	var at, payload string
	if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.CaseID, &e.CaseVersion, &e.Type, &e.PayloadVersion, &e.Source, &payload, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	t, err := parseTime(at)
	if err != nil {
		return nil, fmt.Errorf("event %d: time %q: %w", e.Seq, at, err)
	}
	e.At = t
	e.Payload = json.RawMessage(payload)
	return &e, nil
}

// eventRange queries events from..to (to 0: the end) in sequence order.
func (db *DB) eventRange(ctx context.Context, from, to int64) (*sql.Rows, error) {
	q, args := "SELECT "+eventCols+" FROM events WHERE seq >= ?", []any{from}
	if to > 0 {
		q += " AND seq <= ?"
		args = append(args, to)
	}
	return db.query(ctx, q+" ORDER BY seq", args...)
}

// ScanEvents streams events from..to in sequence order.
func (db *DB) ScanEvents(ctx context.Context, from, to int64, fn func(*event.Event) error) error {
	rows, err := db.eventRange(ctx, from, to)
	if err != nil {
		return fmt.Errorf("scan events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CaseEvents returns one case's events in order.
func (db *DB) CaseEvents(ctx context.Context, caseID string) ([]*event.Event, error) {
	rows, err := db.query(ctx, "SELECT "+eventCols+" FROM events WHERE case_id = ? ORDER BY seq", caseID)
	if err != nil {
		return nil, fmt.Errorf("events of case %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []*event.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LatestSeq is the sequence number of the newest event.
func (db *DB) LatestSeq(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	err := db.row(ctx, "SELECT MAX(seq) FROM events").Scan(&n)
	return n.Int64, err
}

func (db *DB) duties(ctx context.Context, q string, args ...any) ([]store.DutyRow, error) {
	rows, err := db.query(
		ctx,
		"SELECT d.id, d.case_id, d.case_ref, d.kind, d.accountable, d.team_id, d.due_at, d.escalation, d.next_at, d.subject FROM duties d "+q,
		args...)
	if err != nil {
		return nil, fmt.Errorf("duties: %w", err)
	}
	defer rows.Close()
	var out []store.DutyRow
	for rows.Next() {
		var d store.DutyRow
		var due, next string
		if err := rows.Scan(&d.ID, &d.CaseID, &d.CaseRef, &d.Kind, &d.Accountable, &d.TeamID, &due, &d.Escalation, &next, &d.Subject); err != nil {
			return nil, err
		}
		if d.Due, err = parseTime(due); err != nil {
			return nil, err
		}
		if next != "" {
			if d.NextAt, err = parseTime(next); err != nil {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DueDuties lists open duties due by t.
func (db *DB) DueDuties(ctx context.Context, t time.Time, limit int) ([]store.DutyRow, error) {
	return db.duties(ctx, "WHERE d.due_at <= ? ORDER BY d.due_at LIMIT ?", fmtTime(t), limit)
}

// DueDutyCount counts open duties due by t: only the due-time index is
// read, never the duty rows.
func (db *DB) DueDutyCount(ctx context.Context, t time.Time) (int, error) {
	var n int
	if err := db.row(ctx, "SELECT COUNT(*) FROM duties WHERE due_at <= ?", fmtTime(t)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count overdue duties: %w", err)
	}
	return n, nil
}

// DueDutiesOfKind lists open duties of one kind due by t, oldest first,
// through the (kind, due_at) index.
func (db *DB) DueDutiesOfKind(ctx context.Context, kind string, t time.Time, limit int) ([]store.DutyRow, error) {
	return db.duties(ctx, "WHERE d.kind = ? AND d.due_at <= ? ORDER BY d.due_at LIMIT ?", kind, fmtTime(t), limit)
}

// ActionableDuties lists open duties whose next step is due by t.
func (db *DB) ActionableDuties(ctx context.Context, t time.Time, limit int) ([]store.DutyRow, error) {
	return db.duties(ctx, "WHERE d.next_at <> '' AND d.next_at <= ? ORDER BY d.next_at LIMIT ?", fmtTime(t), limit)
}

// TeamDuties lists the open duties of teams, soonest due first, at most limit.
func (db *DB) TeamDuties(ctx context.Context, teamIDs []string, limit int) ([]store.DutyRow, error) {
	if len(teamIDs) == 0 {
		return nil, nil
	}
	return db.duties(
		ctx,
		"WHERE d.team_id IN ("+placeholders(len(teamIDs))+") ORDER BY d.due_at LIMIT ?",
		append(anys(teamIDs), limit)...)
}

// anys is ss as query arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// Flags lists integrity flags standing since t or earlier.
func (db *DB) Flags(ctx context.Context, t time.Time) ([]store.FlagRow, error) {
	return db.flags(
		ctx,
		"SELECT case_id, kind, since, raised FROM case_flags WHERE since <= ? ORDER BY since, case_id",
		t,
	)
}

// UnraisedFlags lists flags standing since t or earlier whose finding is not
// yet open, through the (raised, since) index: what a steady sweep must act on.
func (db *DB) UnraisedFlags(ctx context.Context, t time.Time) ([]store.FlagRow, error) {
	return db.flags(
		ctx,
		"SELECT case_id, kind, since, raised FROM case_flags WHERE raised = 0 AND since <= ? ORDER BY since, case_id",
		t,
	)
}

func (db *DB) flags(ctx context.Context, q string, t time.Time) ([]store.FlagRow, error) {
	rows, err := db.query(ctx, q, fmtTime(t))
	if err != nil {
		return nil, fmt.Errorf("flags: %w", err)
	}
	defer rows.Close()
	var out []store.FlagRow
	for rows.Next() {
		var f store.FlagRow
		var since string
		var raised int
		if err := rows.Scan(&f.CaseID, &f.Kind, &since, &raised); err != nil {
			return nil, err
		}
		if f.Since, err = parseTime(since); err != nil {
			return nil, err
		}
		f.Raised = raised == 1
		out = append(out, f)
	}
	return out, rows.Err()
}

// OrphanedCases lists open cases whose owner has left or is inactive: found
// from the few inactive users, not by reading every case.
func (db *DB) OrphanedCases(ctx context.Context) ([]store.CaseRow, error) {
	return db.listCases(
		ctx,
		` WHERE owner_id IN (SELECT id FROM users WHERE active = 0) AND status <> 'closed' ORDER BY ref`,
	)
}

// Inbox lists a user's alerts, newest first.
func (db *DB) Inbox(ctx context.Context, userID string, limit int) ([]store.InboxItem, error) {
	rows, err := db.query(
		ctx,
		"SELECT seq, case_id, at, kind, text FROM inbox WHERE user_id = ? ORDER BY seq DESC LIMIT ?",
		userID,
		limit,
	)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	defer rows.Close()
	var out []store.InboxItem
	for rows.Next() {
		var it store.InboxItem
		var at string
		if err := rows.Scan(&it.Seq, &it.CaseID, &at, &it.Kind, &it.Text); err != nil {
			return nil, err
		}
		if it.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// UserDuties lists a user's open duties, soonest first.
func (db *DB) UserDuties(ctx context.Context, userID string) ([]store.DutyRow, error) {
	return db.duties(ctx, "WHERE d.accountable = ? ORDER BY d.due_at", userID)
}

// PasswordHash returns a user's stored password hash.
func (db *DB) PasswordHash(ctx context.Context, userID string) (string, error) {
	var h string
	err := db.row(ctx, "SELECT password_hash FROM credentials WHERE user_id = ?", userID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", store.ErrNotFound
	}
	return h, err
}

// Session returns an unexpired session.
func (db *DB) Session(ctx context.Context, tokenHash []byte, now time.Time) (*store.Session, error) {
	s := store.Session{TokenHash: tokenHash}
	var exp string
	err := db.row(ctx, "SELECT user_id, csrf, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?", tokenHash, fmtTime(now)).
		Scan(&s.UserID, &s.CSRF, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	s.Expires, err = parseTime(exp)
	return &s, err
}

// DeleteSession signs a session out. Sessions are not part of the record.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := db.w.ExecContext(ctx, db.d.q("DELETE FROM sessions WHERE token_hash = ?"), tokenHash)
	return err
}

// TokenUser returns the user an API token belongs to.
func (db *DB) TokenUser(ctx context.Context, tokenHash []byte) (string, error) {
	var id string
	err := db.row(ctx, "SELECT user_id FROM api_tokens WHERE token_hash = ?", tokenHash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", store.ErrNotFound
	}
	return id, err
}

// Checkpoints lists stored checkpoints, smallest tree first.
func (db *DB) Checkpoints(ctx context.Context) ([]store.Checkpoint, error) {
	rows, err := db.query(ctx, "SELECT size, note, created_at FROM checkpoints ORDER BY size")
	if err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	defer rows.Close()
	var out []store.Checkpoint
	for rows.Next() {
		var c store.Checkpoint
		var note, at string
		if err := rows.Scan(&c.Size, &note, &at); err != nil {
			return nil, err
		}
		c.Note = []byte(note)
		if c.Created, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCheckpoint stores a signed checkpoint; one per tree size.
func (db *DB) SaveCheckpoint(ctx context.Context, c store.Checkpoint) error {
	_, err := db.w.ExecContext(
		ctx,
		db.d.q("INSERT INTO checkpoints (size, note, created_at) VALUES (?, ?, ?) ON CONFLICT (size) DO NOTHING"),
		c.Size,
		string(c.Note),
		fmtTime(c.Created),
	)
	if err != nil {
		return fmt.Errorf("save checkpoint at size %d: %w", c.Size, err)
	}
	return nil
}

var _ store.Store = (*DB)(nil)
