package sqlstore

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

type tx struct {
	ctx context.Context
	db  *DB
	d   dialect
	// t is the transaction; its methods send the pipeline's queue first.
	t sqlTx
	// conn is the connection t runs on, when the transaction has one to
	// itself (PostgreSQL): bulk writes copy rows through it (copyRows).
	conn *pgConn
	// pipe queues the statements of exec and queryRow on PostgreSQL, to be
	// sent many to a round trip (pipe.go); nil on SQLite.
	pipe    *pipeline
	seq     int64
	hash    []byte
	orgSeq  int64
	appends int
	// cases and versions are what this transaction's case writes add to
	// the count of cases and the sum of their versions, kept in the log
	// head with it (saveHead): the cases fingerprint (audit.go).
	cases, versions int64
	// committedOrg is org_seq as read at the start: a state loaded after
	// this transaction's own organisation events is not cached, because a
	// rollback would give its sequence number to another event.
	committedOrg int64
	// bulk holds the statements bulk writes prepared in this transaction;
	// they are closed with it.
	bulk map[bulkKey]*sql.Stmt
	// read holds, on PostgreSQL, what the running write's read of a case
	// brought with the document (readCase): the rows PutCase compares
	// before writing, so that it asks nothing more while the head is held.
	read map[string]*caseRead
	// asRead holds, by case, the rows the case as this write read it
	// has in the tables PutCase keeps (noteRead).
	asRead map[string]*caseAsRead
	// batchCases are the cases this batch's writes took as prefetched
	// (optimistic.go).
	batchCases map[string]bool
	// req is the write running (written.go).
	req *writeReq
}

// Write runs fn in one transaction that holds the log head. Concurrent
// writes are grouped into one transaction, each in a savepoint: see
// groupCommit.
func (db *DB) Write(ctx context.Context, fn func(store.Tx) error) error {
	err := db.group.write(ctx, fn)
	if writeAgain(err) { // its case changed since it was read (optimistic.go)
		err = db.group.write(ctx, fn)
	}
	return err
}

// closeBulk closes the statements bulk writes prepared: on PostgreSQL
// they were prepared on the batch's connection, not in a database/sql
// transaction that would close them at its end.
func (x *tx) closeBulk() {
	for _, st := range x.bulk {
		st.Close()
	}
}

func (x *tx) saveHead() error {
	if x.appends == 0 && x.cases == 0 && x.versions == 0 {
		return nil
	}
	hash := x.hash
	if hash == nil {
		// A case written before any event (tests, a scale benchmark): the
		// empty log's head hash reads back as nil, which would write NULL.
		hash = []byte{}
	}
	if _, err := x.exec(updateHead, x.seq, hash, x.orgSeq, x.cases, x.versions); err != nil {
		return fmt.Errorf("advance log head: %w", err)
	}
	return nil
}

// exec runs a statement. On PostgreSQL it is queued and sent with the
// next statement that needs an answer (pipe.go): its error, if any, fails
// the write then; the result's RowsAffected sends the queue at once.
func (x *tx) exec(query string, args ...any) (sql.Result, error) {
	if x.pipe != nil {
		if err := cmp.Or(x.pipe.fatal, x.pipe.failed); err != nil {
			return nil, err // the server would refuse it: the transaction is aborted
		}
		return x.pipe.queue(x.d.q(query), false, args...), nil
	}
	if st := x.db.stmt(query); st != nil {
		return x.t.t.StmtContext(x.ctx, st).ExecContext(x.ctx, args...)
	}
	return x.t.t.ExecContext(x.ctx, x.d.q(query), args...)
}

// queryRow runs a query for one row. On PostgreSQL it goes when scanned,
// with the statements queued before it, in one round trip.
func (x *tx) queryRow(query string, args ...any) rowScanner {
	if r, ok := x.readRow(query, args); ok {
		return r
	}
	if x.pipe != nil {
		return &pipeRow{x: x, query: x.d.q(query), args: args}
	}
	if st := x.db.stmt(query); st != nil {
		return x.t.t.StmtContext(x.ctx, st).QueryRowContext(x.ctx, args...)
	}
	return x.t.t.QueryRowContext(x.ctx, x.d.q(query), args...)
}

// stmt returns the prepared statement for query, if it was prepared when
// the store opened. Only SQLite prepares: parsing SQL is a large part of a
// small command's cost there, while pgx caches statements itself.
func (db *DB) stmt(query string) *sql.Stmt {
	return db.stmts[query]
}

// hotWrites are prepared at open. They must be prepared while no
// transaction holds the single writing connection, or Prepare would wait
// for it forever.
var hotWrites = []string{
	sqliteDialect.lockHead, // group.go: once a batch
	savepointW,             // and twice a write
	releaseW,
	"SELECT doc FROM cases WHERE id = ?",
	insertEvent,
	updateCase,
	updateCaseDoc,
	selectIndexRows,
	deleteDuty,
	insertDuty,
	upsertDutyLadder,
	updateFlag,
	deleteFlag,
	insertFlag,
	selectTermDigest, // find.go
	selectPoleDigest, // pole.go
	selectCaseFigure, // figures.go
	upsertFigure,
	dropZeroFigure,
	upsertCaseFigure,
	insertNote,    // notes.go: most commands are notes
	insertReview,  // reviews.go
	insertContact, // history.go
	insertHistory,
	updateHead,
}

const (
	// updateHead moves the log head and, in the same row update, the
	// cases fingerprint by what the transaction's case writes added.
	updateHead  = "UPDATE log_head SET seq = ?, hash = ?, org_seq = ?, cases = cases + ?, case_versions = case_versions + ? WHERE id = 1"
	insertEvent = `INSERT INTO events (seq, at, actor, case_id, case_version, type, v, source, payload, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	updateCase = `UPDATE cases SET team_id = ?, owner_id = ?, status = ?, version = ?, updated_at = ?, doc = ? WHERE id = ? AND version = ?`
	// updateCaseDoc is updateCase for the usual command, one that moves
	// neither the case's team, owner nor status: SQLite leaves alone every
	// index on a column the statement does not set, and four of the five
	// on cases hold those columns.
	updateCaseDoc = `UPDATE cases SET version = ?, updated_at = ?, doc = ? WHERE id = ? AND version = ? AND team_id = ? AND owner_id = ? AND status = ?`
	insertDuty    = `INSERT INTO duties (id, case_id, kind, accountable, team_id, due_at, escalation, next_at, subject, case_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	deleteDuty    = `DELETE FROM duties WHERE id = ?`
	// upsertDutyLadder is upsertDuty for the usual change to an open
	// duty, a step up its escalation ladder: prepared at open.
	upsertDutyLadder = insertDuty + ` ON CONFLICT (id) DO UPDATE SET escalation = excluded.escalation, next_at = excluded.next_at`
	insertFlag       = `INSERT INTO case_flags (case_id, kind, since, raised) VALUES (?, ?, ?, ?)`
	// selectIndexRows reads a case's duties rows (tagged 'd') and flag
	// rows ('f') in one statement: one step on SQLite's writer, one round
	// trip under PostgreSQL's head lock, not two. Integers come as text.
	selectIndexRows = `SELECT 'd', id, case_id, kind, accountable, team_id, due_at, CAST(escalation AS TEXT), next_at, subject, case_ref
		FROM duties WHERE case_id = ?
		UNION ALL SELECT 'f', case_id, kind, since, CAST(raised AS TEXT), '', '', '', '', '', '' FROM case_flags WHERE case_id = ?`
	updateFlag = `UPDATE case_flags SET since = ?, raised = ? WHERE case_id = ? AND kind = ?`
	deleteFlag = `DELETE FROM case_flags WHERE case_id = ? AND kind = ?`
	// selectPoleDigest is how indexPole (pole.go) tells whether a case's
	// index entries changed: asked once a command, so prepared.
	selectPoleDigest = `SELECT digest FROM pole_digests WHERE case_id = ?`
)

func (db *DB) prepareHot() {
	if db.d.name != EngineSQLite || db.stmts != nil {
		return
	}
	stmts := map[string]*sql.Stmt{}
	for _, q := range hotWrites {
		st, err := db.w.Prepare(q)
		if err != nil {
			return // schema not there yet: the unprepared path reports errors
		}
		stmts[q] = st
	}
	db.stmts = stmts
}

func (x *tx) Append(e *event.Event) error {
	e.Seq = x.seq + 1
	if err := e.Seal(x.hash); err != nil {
		return err
	}
	if e.PrevHash == nil {
		e.PrevHash = []byte{} // the first event's predecessor is the empty hash, not NULL
	}
	if _, err := x.exec(insertEvent, appendEventArgs(make([]any, 0, eventColumns), e)...); err != nil {
		return fmt.Errorf("append event %d (%s): %w", e.Seq, e.Type, err)
	}
	x.seq, x.hash = e.Seq, e.Hash
	x.appends++
	if err := x.project(e); err != nil {
		return err
	}
	if domain.IsOrgEvent(e.Type) {
		x.orgSeq = e.Seq
	}
	return nil
}

// eventColumns is the number of columns Append and AppendBatch insert.
const eventColumns = 11

func appendEventArgs(args []any, e *event.Event) []any {
	return append(
		args,
		e.Seq,
		fmtTime(e.At),
		e.Actor,
		e.CaseID,
		e.CaseVersion,
		e.Type,
		e.PayloadVersion,
		e.Source,
		string(e.Payload),
		e.PrevHash,
		e.Hash,
	)
}

// AppendBatch appends evs in order exactly as Append would one at a time —
// the same sequence numbers, chain hashes and projections — but with many
// rows to a statement: an import writes millions of events in one
// transaction, and a statement for each was the largest part of its time.
func (x *tx) AppendBatch(evs []*event.Event) error {
	if len(evs) == 0 {
		return nil
	}
	seq, hash := x.seq, x.hash
	leaves := leafHashes(evs, seq)
	args := make([]any, 0, len(evs)*eventColumns)
	for i, e := range evs {
		// As e.Seal(hash) would, with the leaf hash made beforehand.
		e.PrevHash, e.Hash = hash, event.ChainHash(hash, leaves[i])
		if e.PrevHash == nil {
			e.PrevHash = []byte{} // as in Append
		}
		args = appendEventArgs(args, e)
		seq, hash = e.Seq, e.Hash
	}
	if err := x.insertRows("events (seq, at, actor, case_id, case_version, type, v, source, payload, prev_hash, hash)", eventColumns, args); err != nil {
		return fmt.Errorf("append events %d to %d: %w", evs[0].Seq, seq, err)
	}
	x.seq, x.hash = seq, hash
	x.appends += len(evs)
	var imports, inbox []any
	for _, e := range evs {
		if err := x.projectFind(e); err != nil { // reads and inbox marks: find.go
			return err
		}
		row, err := projectionRow(e)
		if err != nil {
			return err
		}
		switch row.table {
		case "imports":
			imports = append(imports, row.args...)
		case "inbox":
			inbox = append(inbox, row.args...)
		}
		if domain.IsOrgEvent(e.Type) {
			x.orgSeq = e.Seq
		}
	}
	if err := x.insertRows(importColumns, 4, imports); err != nil {
		return fmt.Errorf("record imports: %w", err)
	}
	if err := x.insertRows(inboxColumns, 6, inbox); err != nil {
		return fmt.Errorf("inbox for events %d to %d: %w", evs[0].Seq, seq, err)
	}
	return nil
}

// leafHashes numbers evs on from seq and gives each one's leaf hash, the
// part of sealing that does not depend on the event before: half of them
// on another goroutine, which on a second core takes most of the
// hashing off the transaction's (an import's batch is thousands of
// events, and their hashes were a tenth of its writing).
func leafHashes(evs []*event.Event, seq int64) [][]byte {
	out := make([][]byte, len(evs))
	hash := func(lo, hi int) {
		var b []byte
		for i := lo; i < hi; i++ {
			b = evs[i].AppendLeaf(b[:0])
			out[i] = event.LeafHash(b)
		}
	}
	for i, e := range evs {
		e.Seq = seq + 1 + int64(i)
	}
	if len(evs) < 256 {
		hash(0, len(evs))
		return out
	}
	half := len(evs) / 2
	var wg sync.WaitGroup
	wg.Go(func() { hash(half, len(evs)) })
	hash(0, half)
	wg.Wait()
	return out
}

// maxBulkArgs bounds the values in one multi-row INSERT: far below the
// limits of SQLite (32,766) and PostgreSQL (65,535), and past the point
// where longer statements save anything.
const maxBulkArgs = 2000

// insertRows inserts rows of ncol values each (args flattened, row after
// row) into into, "table (col, ...)", as few statements as maxBulkArgs
// allows. Each statement shape is prepared once per transaction.
func (x *tx) insertRows(into string, ncol int, args []any) error {
	if x.conn != nil && x.d.name == EnginePostgres && len(args) >= copyMinArgs {
		return x.copyRows(into, ncol, args)
	}
	per := maxBulkArgs / ncol
	for len(args) > 0 {
		n := min(len(args)/ncol, per)
		st, err := x.bulkStmt(into, ncol, n)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(x.ctx, args[:n*ncol]...); err != nil {
			return err
		}
		args = args[n*ncol:]
	}
	return nil
}

// bulkKey names a statement prepared for a bulk write: its SQL, or for a
// multi-row INSERT its "table (columns)" and number of rows.
type bulkKey struct {
	sql  string
	rows int
}

func (x *tx) bulkStmt(into string, ncol, rows int) (*sql.Stmt, error) {
	return x.prepared(bulkKey{into, rows}, func() string {
		var b strings.Builder
		b.WriteString("INSERT INTO " + into + " VALUES ")
		row := "(" + strings.Repeat("?, ", ncol-1) + "?)"
		for i := range rows {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
		}
		return b.String()
	})
}

// prepared returns the statement k names, prepared in this transaction the
// first time it is asked for (query gives its SQL).
func (x *tx) prepared(k bulkKey, query func() string) (*sql.Stmt, error) {
	// The statement is run by the caller, outside exec: what the pipeline
	// holds must reach the server first (pipe.go).
	if err := x.sync(); err != nil {
		return nil, err
	}
	if st, ok := x.bulk[k]; ok {
		return st, nil
	}
	q := query()
	st, err := x.t.PrepareContext(x.ctx, x.d.q(q))
	if err != nil {
		return nil, fmt.Errorf("prepare %.40s…: %w", q, err)
	}
	if x.bulk == nil {
		x.bulk = map[bulkKey]*sql.Stmt{}
	}
	x.bulk[k] = st
	return st, nil
}

// ImportedCase finds a case imported under sourceRef. An import asks once
// for every case in its file, so the query is prepared once a transaction.
func (x *tx) ImportedCase(sourceRef string) (caseID, hash string, err error) {
	const q = "SELECT case_id, hash FROM imports WHERE source_ref = ?"
	st, err := x.prepared(bulkKey{sql: q}, func() string { return q })
	if err != nil {
		return "", "", err
	}
	err = st.QueryRowContext(x.ctx, sourceRef).Scan(&caseID, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", store.ErrNotFound
	}
	return caseID, hash, err
}

func (x *tx) Case(id string) (*domain.Case, error) {
	doc, err := x.caseDoc(id)
	if err != nil {
		return nil, err
	}
	return x.decodeRead(doc)
}

// decodeRead decodes the document of a case this write read, noting its
// figures (readFigs).
func (x *tx) decodeRead(doc string) (*domain.Case, error) {
	c, err := decodeCase(doc)
	if err != nil {
		return nil, err
	}
	x.noteRead(c)
	return c, nil
}

// caseAsRead is what a case, as a write read it, has in the tables PutCase
// keeps besides its document: its duties and case_flags rows, as
// indexRows gives them, and its part of the figures (its team and its
// document's part; the part of its closed duties moves only when a write
// closes one). The tables say the same: each write keeps them and the
// document together, in the same transaction, and rebuild checks them.
// PutCase compares the case it writes with this rather than reading the
// rows back: a command read its case already, and most move none of them.
type caseAsRead struct {
	duties, flags map[string]string
	team          string
	live          figs
	// pole is the POLE digest of the case as read, worked out only while
	// the index's keys and digests are deferred (pole.go, indexPoleDeferred):
	// the pole_digests row it stands in for is not kept meanwhile.
	pole string
	// source is store.IndexSource of the case as read, taken while the
	// find and POLE indexes are kept with each write (hasSource): their
	// rows are the case's as read, so a write that leaves the source as
	// it was leaves them as they are (PutCase).
	source    [sha256.Size]byte
	hasSource bool
}

// noteRead keeps the caseAsRead of case c, just read from the record.
func (x *tx) noteRead(c *domain.Case) { x.keepRead(c.ID, asReadOf(c, x.db.deferred.Load())) }

// keepRead keeps r as the caseAsRead of case id, for its PutCase.
func (x *tx) keepRead(id string, r *caseAsRead) {
	if x.asRead == nil {
		x.asRead = map[string]*caseAsRead{}
	}
	x.asRead[id] = r
}

// asReadOf is the caseAsRead of case c as read from the record, before
// anything is folded into it; with its POLE digest if deferred (DB.DeferDerived).
func asReadOf(c *domain.Case, deferred bool) *caseAsRead {
	r := &caseAsRead{duties: map[string]string{}, flags: map[string]string{}, team: c.TeamID, live: liveFigs(c)}
	if deferred {
		r.pole = poleDigest(c)
	} else {
		r.source, r.hasSource = store.IndexSource(c), true
	}
	for i := range c.Duties {
		if d := &c.Duties[i]; d.Status == domain.DutyOpen {
			r.duties[d.ID] = rowKey(appendDutyArgs(make([]any, 0, dutyColumns), c, d))
		}
	}
	for _, f := range c.Flags() {
		r.flags[c.ID+"\x00"+f.Kind] = rowKey([]any{c.ID, f.Kind, fmtTime(f.Since), boolInt(f.Raised)})
	}
	return r
}

// takeRead gives the caseAsRead of case id, if this write read it, once:
// the write it serves changes the rows. What readCase brought of them is
// dropped with it (PostgreSQL), for the same reason.
func (x *tx) takeRead(id string) *caseAsRead {
	r := x.asRead[id]
	if r == nil {
		return nil
	}
	delete(x.asRead, id)
	if pr := x.read[id]; pr != nil {
		pr.duties, pr.flags = nil, nil
	}
	return r
}

// caseDoc reads the stored document of case id: on PostgreSQL with the
// rows PutCase will compare, in the same flight (readCase).
func (x *tx) caseDoc(id string) (string, error) {
	if x.pipe != nil {
		return x.readCase(id)
	}
	return scanDoc(x.queryRow("SELECT doc FROM cases WHERE id = ?", id))
}

// CaseFrom is Case, given what PrefetchCase read before the write began:
// when the stored document is still the one prefetched, byte for byte,
// the case decoded from it then is the answer, and the write does not
// decode it again on the connection every write waits for, nor work out
// again what the case has in the tables PutCase keeps (caseAsRead). A document
// that moved meanwhile is decoded here, as Case would.
func (x *tx) CaseFrom(id string, p any) (*domain.Case, error) {
	pf, ok := p.(*prefetched)
	if !ok || pf.id != id || pf.c == nil {
		return x.Case(id)
	}
	if x.pipe != nil && pf.read != nil {
		return x.caseFromPrefetch(pf) // checked under the head, not read (optimistic.go)
	}
	doc, err := x.caseDoc(id)
	if err != nil {
		return nil, err
	}
	if doc != pf.doc {
		return x.decodeRead(doc)
	}
	c, r := pf.c, pf.asRead
	// The write folds into c, and PutCase takes from r: a second ask
	// decodes afresh.
	pf.c, pf.asRead = nil, nil
	if r == nil {
		r = asReadOf(c, x.db.deferred.Load())
	}
	x.keepRead(id, r)
	return c, nil
}

// Org returns the organisation as of this transaction. It is shared with
// other readers through the cache: callers must not change it (Clone first).
func (x *tx) Org() (*domain.OrgState, error) {
	if o := x.db.cachedOrg(x.orgSeq); o != nil {
		return o, nil
	}
	o, err := loadOrg(x.ctx, x.d, x.t)
	if err != nil {
		return nil, err
	}
	if x.committedOrg == x.orgSeq {
		x.db.cacheOrg(x.orgSeq, o)
	}
	return o, nil
}

func (x *tx) NextCaseNumber(prefix string) (int, error) {
	var ref sql.NullString
	var err error
	if x.d.name == "sqlite" {
		// A range on the unique index (SQLite's LIKE is case-insensitive and
		// would scan every case); refs are ASCII, so "~" sorts after them.
		err = x.t.QueryRowContext(x.ctx, "SELECT MAX(ref) FROM cases WHERE ref >= ? AND ref < ?", prefix, prefix+"~").
			Scan(&ref)
	} else {
		// PostgreSQL: the prefix in the C collation, whatever the database's.
		err = x.t.QueryRowContext(x.ctx, `SELECT MAX(ref COLLATE "C") FROM cases WHERE ref COLLATE "C" LIKE $1`, prefix+"%").Scan(&ref)
	}
	if err != nil {
		return 0, fmt.Errorf("next case number: %w", err)
	}
	if !ref.Valid {
		return 1, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(ref.String, prefix))
	if err != nil {
		return 0, fmt.Errorf("next case number after %q: %w", ref.String, err)
	}
	return n + 1, nil
}

func (x *tx) PutCase(c *domain.Case, prevVersion int64) error {
	read := x.takeRead(c.ID)
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode case %s: %w", c.Ref, err)
	}
	x.wrote(c, doc) // written.go
	if prevVersion == 0 {
		_, err = x.exec(
			`INSERT INTO cases (id, ref, team_id, owner_id, status, version, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID,
			c.Ref,
			c.TeamID,
			c.OwnerID,
			string(c.Status),
			c.Version,
			fmtTime(c.UpdatedAt),
			string(doc),
		)
		if err != nil {
			return fmt.Errorf("insert case %s: %w", c.Ref, err)
		}
		x.cases++
		x.versions += c.Version
		for _, d := range c.Duties {
			if d.Status != domain.DutyOpen {
				continue
			}
			if _, err := x.exec(insertDuty, appendDutyArgs(make([]any, 0, dutyColumns), c, &d)...); err != nil {
				return fmt.Errorf("index duty %s of %s: %w", d.ID, c.Ref, err)
			}
		}
		for _, f := range c.Flags() {
			if _, err := x.exec(insertFlag, c.ID, f.Kind, fmtTime(f.Since), boolInt(f.Raised)); err != nil {
				return fmt.Errorf("flag %s on %s: %w", f.Kind, c.Ref, err)
			}
		}
	} else {
		if err := x.updateCase(c, doc, prevVersion); err != nil {
			return err
		}
		x.versions += c.Version - prevVersion
		duties, flags, err := x.indexRows(c.ID, read)
		if err != nil {
			return fmt.Errorf("read duties and flags of %s: %w", c.Ref, err)
		}
		if err := x.syncDuties(c, duties); err != nil {
			return fmt.Errorf("reindex duties of %s: %w", c.Ref, err)
		}
		if err := x.syncFlags(c, flags); err != nil {
			return fmt.Errorf("reindex flags of %s: %w", c.Ref, err)
		}
	}
	if err := x.putHistory(c); err != nil { // history.go
		return err
	}
	if err := x.putFigures(c, prevVersion == 0, read); err != nil { // figures.go
		return err
	}
	if x.indexAsRead(c, read) {
		return nil
	}
	if err := x.indexCase(c, prevVersion == 0); err != nil { // find.go
		return err
	}
	return x.indexPole(c, prevVersion == 0, read) // pole.go
}

// indexAsRead says whether the find and POLE index rows of c are already
// those it needs: on SQLite, when the write read the case while the
// indexes were kept, c's people are as they were then (store.IndexSource),
// as most commands (a note, a contact) leave them, and no build that
// writes index rows without their case can be running (buildsDone).
// Otherwise indexCase and indexPole read the stored digests to compare:
// two look-ups on the committer a command, most often for nothing.
// PostgreSQL brings the digests with the case (readCase) and checks what
// it read under the head.
func (x *tx) indexAsRead(c *domain.Case, read *caseAsRead) bool {
	return read != nil && read.hasSource && x.d.name == EngineSQLite && !x.db.deferred.Load() &&
		store.IndexSource(c) == read.source && x.buildsDone()
}

// buildsDone says whether every build that writes index rows alone
// (buildTerms, buildPole, buildFigures) is done: while a marker is
// missing, one may run in another process that opened an older record,
// and a case's rows can change though its document did not. Remembered
// once seen, as PostgreSQL's prefetch remembers it (optimistic.go): only
// DeferDerived and a migration remove a marker.
func (x *tx) buildsDone() bool {
	if x.db.buildsDone.Load() {
		return true
	}
	var done bool
	if err := x.queryRow(selectBuildsDone).Scan(&done); err != nil || !done {
		return false
	}
	x.db.buildsDone.Store(true)
	return true
}

const selectBuildsDone = `SELECT EXISTS (SELECT 1 FROM case_terms_built) AND EXISTS (SELECT 1 FROM pole_built)
	AND EXISTS (SELECT 1 FROM figures_built)`

// updateCase writes the cases row of c over version prevVersion, or
// answers store.ErrConflict. Most commands leave the indexed columns as
// they were, and updateCaseDoc rewrites only what changed; when it finds
// no row, the full update decides between a moved column and a conflict.
func (x *tx) updateCase(c *domain.Case, doc []byte, prevVersion int64) error {
	at := fmtTime(c.UpdatedAt)
	if x.pipe != nil {
		// PostgreSQL: the one statement that sets every column, its count
		// judged when it reaches the server with the write's next flight
		// (one wait fewer under the head). Setting unchanged columns costs
		// nothing there: PostgreSQL compares values, not the columns set,
		// to decide which indexes gain an entry.
		return x.execChecked(updateCase, func(n int64) error {
			if n != 1 {
				return fmt.Errorf("case %s changed since version %d: %w", c.Ref, prevVersion, store.ErrConflict)
			}
			return nil
		}, c.TeamID, c.OwnerID, string(c.Status), c.Version, at, string(doc), c.ID, prevVersion)
	}
	res, err := x.exec(updateCaseDoc, c.Version, at, string(doc), c.ID, prevVersion, c.TeamID, c.OwnerID, string(c.Status))
	if err != nil {
		return fmt.Errorf("update case %s: %w", c.Ref, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	res, err = x.exec(updateCase, c.TeamID, c.OwnerID, string(c.Status), c.Version, at, string(doc), c.ID, prevVersion)
	if err != nil {
		return fmt.Errorf("update case %s: %w", c.Ref, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("case %s changed since version %d: %w", c.Ref, prevVersion, store.ErrConflict)
	}
	return nil
}

// syncDuties makes the duties rows of c those of its open duties, writing
// only the rows that differ from old: a command seldom opens or closes a
// duty, and each row rewritten costs seven index entries. old is what
// the table holds: read from it, or, for a case the write read, what the
// case as read has there (caseAsRead). A duty still open but changed is
// updated in place (upsertDuty), not deleted and inserted again.
func (x *tx) syncDuties(c *domain.Case, old map[string]string) error {
	for i := range c.Duties {
		d := &c.Duties[i]
		if d.Status != domain.DutyOpen {
			continue
		}
		args := appendDutyArgs(make([]any, 0, dutyColumns), c, d)
		row, had := old[d.ID]
		delete(old, d.ID)
		key := rowKey(args)
		switch {
		case had && row == key:
			continue
		case had:
			if err := x.upsertDuty(changedDutyColumns(row, key), args); err != nil {
				return fmt.Errorf("duty %s: %w", d.ID, err)
			}
		default:
			if _, err := x.exec(insertDuty, args...); err != nil {
				return fmt.Errorf("duty %s: %w", d.ID, err)
			}
		}
	}
	for id := range old { // no longer open
		if _, err := x.exec(deleteDuty, id); err != nil {
			return err
		}
	}
	return nil
}

// dutyColumnNames are the duties table's columns in insertDuty's order.
var dutyColumnNames = [dutyColumns]string{"id", "case_id", "kind", "accountable", "team_id", "due_at", "escalation",
	"next_at", "subject", "case_ref"}

// changedDutyColumns names the columns in which duties row old differs
// from row now, both as rowKey gives them; every column but the id when
// old cannot be split into its columns (a value holding the separator).
func changedDutyColumns(old, now string) []string {
	o, n := strings.Split(old, "\x00"), strings.Split(now, "\x00")
	var changed []string
	for i := 1; i < dutyColumns; i++ {
		if len(o) != dutyColumns || len(n) != dutyColumns || o[i] != n[i] {
			changed = append(changed, dutyColumnNames[i])
		}
	}
	return changed
}

// upsertDuty writes an open duty's row (args, insertDuty's) over the one
// the table holds, setting only the columns changed: SQLite leaves alone
// every index on a column an UPDATE does not set, and PostgreSQL writes
// no index entry when no indexed column moved, where a delete and insert
// cost all seven indexes twice. Were the row not there, it is inserted
// whole, as the delete and insert did.
func (x *tx) upsertDuty(changed []string, args []any) error {
	set := make([]string, len(changed))
	for i, col := range changed {
		set[i] = col + " = excluded." + col
	}
	q := insertDuty + " ON CONFLICT (id) DO UPDATE SET " + strings.Join(set, ", ")
	if x.d.name != EngineSQLite || x.db.stmt(q) != nil {
		_, err := x.exec(q, args...)
		return err
	}
	// SQLite: another shape, prepared once a transaction rather than
	// parsed on each use.
	st, err := x.prepared(bulkKey{sql: q}, func() string { return q })
	if err != nil {
		return err
	}
	_, err = st.ExecContext(x.ctx, args...)
	return err
}

// syncFlags makes the case_flags rows of c its flags, as syncDuties does
// for duties.
func (x *tx) syncFlags(c *domain.Case, old map[string]string) error {
	for _, f := range c.Flags() {
		args := []any{c.ID, f.Kind, fmtTime(f.Since), boolInt(f.Raised)}
		k := c.ID + "\x00" + f.Kind
		row, had := old[k]
		delete(old, k)
		switch {
		case had && row == rowKey(args):
		case had:
			if _, err := x.exec(updateFlag, args[2], args[3], c.ID, f.Kind); err != nil {
				return fmt.Errorf("flag %s: %w", f.Kind, err)
			}
		default:
			if _, err := x.exec(insertFlag, args...); err != nil {
				return fmt.Errorf("flag %s: %w", f.Kind, err)
			}
		}
	}
	for k := range old { // no longer raised
		kind := k[strings.IndexByte(k, 0)+1:]
		if _, err := x.exec(deleteFlag, c.ID, kind); err != nil {
			return err
		}
	}
	return nil
}

// indexRows reads the duties and case_flags rows of case caseID, each row
// as rowKey gives it: duties by id, flags by case and kind. A case the
// write read has them already (read).
func (x *tx) indexRows(caseID string, read *caseAsRead) (duties, flags map[string]string, err error) {
	if read != nil {
		return read.duties, read.flags, nil
	}
	if r := x.read[caseID]; r != nil && r.duties != nil {
		duties, flags = r.duties, r.flags
		r.duties, r.flags = nil, nil // used once: what PutCase writes changes them
		return duties, flags, nil
	}
	var rows *sql.Rows
	if st := x.db.stmt(selectIndexRows); st != nil {
		rows, err = x.t.StmtContext(x.ctx, st).QueryContext(x.ctx, caseID, caseID)
	} else {
		rows, err = x.t.QueryContext(x.ctx, x.d.q(selectIndexRows), caseID, caseID)
	}
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	duties, flags = map[string]string{}, map[string]string{}
	var tag string
	vals := make([]string, dutyColumns)
	ptrs := []any{&tag}
	for i := range vals {
		ptrs = append(ptrs, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		if tag == "d" {
			duties[vals[0]] = strings.Join(vals, "\x00")
		} else {
			flags[vals[0]+"\x00"+vals[1]] = strings.Join(vals[:4], "\x00")
		}
	}
	return duties, flags, rows.Err()
}

// rowKey is a row's values as indexRows reads them back: text, and integers
// in decimal.
func rowKey(args []any) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(0)
		}
		switch v := a.(type) {
		case string:
			b.WriteString(v)
		case int:
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		default:
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

const dutyColumns = 10

// appendDutyArgs gives the duties row of an open duty, in insertDuty's order.
func appendDutyArgs(args []any, c *domain.Case, d *domain.Duty) []any {
	next := ""
	if !d.NextAt.IsZero() {
		next = fmtTime(d.NextAt)
	}
	return append(
		args,
		d.ID,
		c.ID,
		d.Kind,
		d.Accountable,
		d.TeamID,
		fmtTime(d.Due),
		d.Escalation,
		next,
		d.Subject,
		c.Ref,
	)
}

// PutNewCases writes the projections of cases the record does not hold
// yet, with their duty and flag rows, as PutCase(c, 0) would each, but with
// many rows to a statement (see AppendBatch).
func (x *tx) PutNewCases(cs []*domain.Case) error {
	n, err := store.PrepareNewCases(cs)
	if err != nil {
		return err
	}
	return x.PutPreparedCases(n)
}

// PutPreparedCases is PutNewCases with the documents and index rows
// ready-made in n (store.PrepareNewCases).
func (x *tx) PutPreparedCases(n *store.NewCases) error {
	cs := n.Cases
	if len(cs) == 0 {
		return nil
	}
	cases := make([]any, 0, len(cs)*8)
	var duties, flags []any
	for i, c := range cs {
		cases = append(
			cases,
			c.ID,
			c.Ref,
			c.TeamID,
			c.OwnerID,
			string(c.Status),
			c.Version,
			fmtTime(c.UpdatedAt),
			string(n.Docs[i]),
		)
		for i := range c.Duties {
			if d := &c.Duties[i]; d.Status == domain.DutyOpen {
				duties = appendDutyArgs(duties, c, d)
			}
		}
		for _, f := range c.Flags() {
			flags = append(flags, c.ID, f.Kind, fmtTime(f.Since), boolInt(f.Raised))
		}
	}
	span := cs[0].Ref + " to " + cs[len(cs)-1].Ref
	if err := x.insertRows("cases (id, ref, team_id, owner_id, status, version, updated_at, doc)", 8, cases); err != nil {
		return fmt.Errorf("insert cases %s: %w", span, err)
	}
	for _, c := range cs {
		x.cases++
		x.versions += c.Version
	}
	if err := x.insertRows("duties (id, case_id, kind, accountable, team_id, due_at, escalation, next_at, subject, case_ref)", dutyColumns, duties); err != nil {
		return fmt.Errorf("index duties of cases %s: %w", span, err)
	}
	if err := x.insertRows("case_flags (case_id, kind, since, raised)", 4, flags); err != nil {
		return fmt.Errorf("flag cases %s: %w", span, err)
	}
	if err := x.putHistoryNew(cs); err != nil { // history.go
		return err
	}
	if err := x.putFiguresNew(cs); err != nil { // figures.go
		return err
	}
	if err := x.insertTerms(n.Terms); err != nil { // find.go
		return err
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return x.insertPole(ids, n.People, n.Keys, n.Digests) // pole.go
}

func (x *tx) PutUnit(u *domain.Unit) error {
	doc, err := json.Marshal(u)
	if err != nil {
		return err
	}
	_, err = x.exec(`INSERT INTO units (id, kind, parent_id, doc) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, parent_id = excluded.parent_id, doc = excluded.doc`,
		u.ID, string(u.Kind), u.ParentID, string(doc))
	if err != nil {
		return fmt.Errorf("write unit %s: %w", u.ID, err)
	}
	return nil
}

func (x *tx) PutUser(u *domain.User) error {
	doc, err := json.Marshal(u)
	if err != nil {
		return err
	}
	_, err = x.exec(`INSERT INTO users (id, username, unit_id, active, doc) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET username = excluded.username, unit_id = excluded.unit_id, active = excluded.active, doc = excluded.doc`,
		u.ID, u.Username, u.UnitID, boolInt(u.Active), string(doc))
	if err != nil {
		return fmt.Errorf("write user %s: %w", u.Username, err)
	}
	return nil
}

func (x *tx) SetPassword(userID, hash string) error {
	_, err := x.exec(`INSERT INTO credentials (user_id, password_hash) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash`, userID, hash)
	return err
}

func (x *tx) CreateSession(s store.Session) error {
	_, err := x.exec(`INSERT INTO sessions (token_hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)`,
		s.TokenHash, s.UserID, s.CSRF, fmtTime(s.Expires))
	return err
}

func (x *tx) CreateToken(tokenHash []byte, userID, name string, at time.Time) error {
	_, err := x.exec(`INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES (?, ?, ?, ?)`,
		tokenHash, userID, name, fmtTime(at))
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

type rowScanner interface{ Scan(...any) error }

func scanCase(row rowScanner) (*domain.Case, error) {
	doc, err := scanDoc(row)
	if err != nil {
		return nil, err
	}
	return decodeCase(doc)
}

func scanDoc(row rowScanner) (string, error) {
	var doc string
	if err := row.Scan(&doc); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", store.ErrNotFound
		}
		return "", err
	}
	return doc, nil
}

// decodeCase is a case projection from its stored document.
func decodeCase(doc string) (*domain.Case, error) {
	var c domain.Case
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return nil, fmt.Errorf("decode case projection: %w", err)
	}
	return &c, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func loadOrg(ctx context.Context, d dialect, q querier) (*domain.OrgState, error) {
	o := domain.NewOrgState()
	rows, err := q.QueryContext(ctx, "SELECT doc FROM units")
	if err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	if err := eachDoc(rows, func(b []byte) error {
		var u domain.Unit
		if err := json.Unmarshal(b, &u); err != nil {
			return err
		}
		o.Units[u.ID] = &u
		return nil
	}); err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	rows, err = q.QueryContext(ctx, "SELECT doc FROM users")
	if err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	if err := eachDoc(rows, func(b []byte) error {
		var u domain.User
		if err := json.Unmarshal(b, &u); err != nil {
			return err
		}
		o.Users[u.ID] = &u
		return nil
	}); err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	return o, nil
}

func eachDoc(rows *sql.Rows, fn func([]byte) error) error {
	defer rows.Close()
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return err
		}
		if err := fn([]byte(doc)); err != nil {
			return err
		}
	}
	return rows.Err()
}

// project keeps the inbox: alerts are a projection of escalation and
// finding events, written with them. It also records what was imported.
func (x *tx) project(e *event.Event) error {
	if err := x.projectFind(e); err != nil { // reads and inbox marks: find.go
		return err
	}
	row, err := projectionRow(e)
	if err != nil {
		return err
	}
	switch row.table {
	case "imports":
		if _, err := x.exec("INSERT INTO "+importColumns+" VALUES (?, ?, ?, ?)", row.args...); err != nil {
			return fmt.Errorf("record import of %s: %w", row.args[0], err)
		}
	case "inbox":
		if _, err := x.exec("INSERT INTO "+inboxColumns+" VALUES (?, ?, ?, ?, ?, ?)", row.args...); err != nil {
			return fmt.Errorf("inbox for event %d: %w", e.Seq, err)
		}
	}
	return nil
}

const (
	importColumns = "imports (source_ref, case_id, hash, seq)"
	inboxColumns  = "inbox (seq, user_id, case_id, at, kind, text)"
)

// projRow is the row an event adds to a projection table, if any: one
// answer for Append and AppendBatch.
type projRow struct {
	table string // "", "imports" or "inbox"
	args  []any
}

func projectionRow(e *event.Event) (projRow, error) {
	var user, kind, text string
	switch e.Type {
	case domain.EvDutyEscalated:
		var p domain.DutyEscalated
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return projRow{}, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		user, kind, text = p.To, "escalation", p.Text
	case domain.EvFindingRaised:
		var p domain.FindingRaised
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return projRow{}, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		user, kind, text = p.Finding.MustAct, "finding", p.Finding.Detail
	case domain.EvAlertSent:
		var p domain.AlertSent
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return projRow{}, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		user, kind, text = p.To, p.Kind, p.Text
	case domain.EvCaseImported:
		var p domain.CaseImported
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return projRow{}, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		return projRow{"imports", []any{p.SourceRef, e.CaseID, p.Hash, e.Seq}}, nil
	default:
		return projRow{}, nil
	}
	if user == "" {
		return projRow{}, nil
	}
	return projRow{"inbox", []any{e.Seq, user, e.CaseID, fmtTime(e.At), kind, text}}, nil
}
