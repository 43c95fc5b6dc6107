package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// The POLE index (store/pole.go, migration 00013): written with each case
// like the find index, compared by rebuild, read by matching and the
// network view.

var (
	polePeopleInto = "pole_people (" + strings.Join(store.PolePeopleColumns, ", ") + ")"
	poleKeysInto   = "pole_keys (" + strings.Join(store.PoleKeyColumns, ", ") + ")"
)

// indexPole rewrites c's index rows if they changed (one indexed read when
// they did not, which is nearly every command). The digest is the one
// remembered for the same people when there is one (store.KnownPoleDigest):
// the rows are built only when they are to be written.
func (x *tx) indexPole(c *domain.Case, isNew bool, read *caseAsRead) error {
	if x.db.deferred.Load() { // the keys and digests built once at the end (deferred.go)
		return x.indexPoleDeferred(c, isNew, read)
	}
	var people []store.PolePerson
	var keys []store.PoleKey
	digest, known := "", false
	if !isNew {
		digest, known = store.KnownPoleDigest(c)
	}
	if !known {
		people, keys, digest = store.PoleEntries(c)
	}
	if !isNew {
		var old string
		err := x.queryRow(selectPoleDigest, c.ID).Scan(&old)
		switch {
		case err == nil && old == digest:
			return nil
		case err != nil && err != sql.ErrNoRows:
			return fmt.Errorf("index of %s: %w", c.Ref, err)
		}
		if known {
			people, keys, digest = store.PoleEntries(c)
		}
		before, err := x.matchedOn(c.ID)
		if err != nil {
			return fmt.Errorf("index of %s: %w", c.Ref, err)
		}
		for _, t := range []string{"pole_people", "pole_keys", "pole_digests"} {
			if _, err := x.exec("DELETE FROM "+t+" WHERE case_id = ?", c.ID); err != nil {
				return fmt.Errorf("index of %s: %w", c.Ref, err)
			}
		}
		if err := x.queueChanged(c, people, before); err != nil {
			return err
		}
	} else if err := x.queueChanged(c, people, nil); err != nil {
		return err
	}
	return x.insertPole([]string{c.ID}, people, keys, []string{digest})
}

// indexPoleDeferred is indexPole while the .partial file's POLE keys and
// digests are deferred (DB.DeferDerived). The people rows are still kept
// command by command: each write queues for matching (queueChanged) the
// people it adds or changes, judged against their rows as they stood, and
// an import queues its people from them (QueueImported). Whether a case's
// people moved at all is judged by the digest of the case as the write
// read it (caseAsRead.pole) instead of its pole_digests row: both are the
// digest of the stored document's entries. A case the write did not read
// is compared person by person, as a changed digest is, which queues the
// same people.
func (x *tx) indexPoleDeferred(c *domain.Case, isNew bool, read *caseAsRead) error {
	if isNew {
		people, _, _ := store.PoleEntries(c)
		if err := x.queueChanged(c, people, nil); err != nil {
			return err
		}
		return x.insertPole(nil, people, nil, nil)
	}
	if read != nil && read.pole != "" {
		if d, ok := store.KnownPoleDigest(c); ok && d == read.pole {
			return nil
		}
	}
	people, _, digest := store.PoleEntries(c)
	if read != nil && read.pole == digest {
		return nil
	}
	before, err := x.matchedOn(c.ID)
	if err != nil {
		return fmt.Errorf("index of %s: %w", c.Ref, err)
	}
	if _, err := x.exec("DELETE FROM pole_people WHERE case_id = ?", c.ID); err != nil {
		return fmt.Errorf("index of %s: %w", c.Ref, err)
	}
	if err := x.queueChanged(c, people, before); err != nil {
		return err
	}
	return x.insertPole(nil, people, nil, nil)
}

// poleDigest is the digest PoleEntries gives c, remembered or worked out.
func poleDigest(c *domain.Case) string {
	if d, ok := store.KnownPoleDigest(c); ok {
		return d
	}
	_, _, d := store.PoleEntries(c)
	return d
}

// matchedOn is what each person of a case is matched on, as the index
// holds it now: the pole_people row less the case and role.
func (x *tx) matchedOn(caseID string) (map[string]string, error) {
	rows, err := x.t.QueryContext(x.ctx, x.d.q("SELECT person_id, name, dob, phone, vehicle, address, postcode "+
		"FROM pole_people WHERE case_id = ?"), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var f [7]string
		if err := rows.Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6]); err != nil {
			return nil, err
		}
		out[f[0]] = strings.Join(f[1:], "\x00")
	}
	return out, rows.Err()
}

// queueChanged queues for matching (pole_unmatched, migration 00025) each
// person of c who is new to the index or changed in what they are matched
// on, in the transaction that writes them: the match itself runs after
// the commit, and if it fails the queue keeps them for the watchdog.
func (x *tx) queueChanged(c *domain.Case, people []store.PolePerson, before map[string]string) error {
	at := fmtTime(c.UpdatedAt)
	for i := range people {
		p := &people[i]
		r := store.PersonRow(p)
		if old, ok := before[p.PersonID]; ok && old == strings.Join(r[3:], "\x00") {
			continue
		}
		if _, err := x.exec(`INSERT INTO pole_unmatched (case_id, person_id, version, queued_at, next_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id, person_id) DO UPDATE SET version = excluded.version,
			queued_at = excluded.queued_at, next_at = excluded.next_at, attempts = 0, last_error = ''`,
			c.ID, p.PersonID, c.Version, at, at); err != nil {
			return fmt.Errorf("queue %s of %s for matching: %w", p.PersonID, c.Ref, err)
		}
	}
	return nil
}

// indexPoleNew writes the index rows of cases new to the record.
func (x *tx) indexPoleNew(cs []*domain.Case) error {
	var ids, digests []string
	var people []store.PolePerson
	var keys []store.PoleKey
	for _, c := range cs {
		p, k, d := store.PoleEntries(c)
		people, keys = append(people, p...), append(keys, k...)
		ids, digests = append(ids, c.ID), append(digests, d)
	}
	return x.insertPole(ids, people, keys, digests)
}

// insertPole writes index rows: the people alone while the keys and
// digests are deferred (indexPoleDeferred says why).
func (x *tx) insertPole(ids []string, people []store.PolePerson, keys []store.PoleKey, digests []string) error {
	x.db.dropPoleHeld() // polemem.go
	if x.db.deferred.Load() {
		ids, keys, digests = nil, nil, nil
	}
	args := make([]any, 0, len(people)*len(store.PolePeopleColumns))
	for i := range people {
		args = append(args, anys(store.PersonRow(&people[i]))...)
	}
	if err := x.insertRows(polePeopleInto, len(store.PolePeopleColumns), args); err != nil {
		return fmt.Errorf("index people: %w", err)
	}
	args = make([]any, 0, len(keys)*len(store.PoleKeyColumns))
	for i := range keys {
		args = append(args, anys(store.KeyRow(&keys[i]))...)
	}
	if err := x.insertRows(poleKeysInto, len(store.PoleKeyColumns), args); err != nil {
		return fmt.Errorf("index keys: %w", err)
	}
	args = make([]any, 0, 2*len(ids))
	for i, id := range ids {
		args = append(args, id, digests[i])
	}
	if err := x.insertRows("pole_digests (case_id, digest)", 2, args); err != nil {
		return fmt.Errorf("index digests: %w", err)
	}
	return nil
}

// docsOutsidePole selects the cases the POLE index has no digest row of.
const docsOutsidePole = "SELECT c.id, c.doc FROM cases c WHERE c.id > ? AND NOT EXISTS " +
	"(SELECT 1 FROM pole_digests p WHERE p.case_id = c.id) ORDER BY c.id LIMIT ?"

// buildPole fills the index for the cases written before migration 00013,
// once, a chunk of cases a transaction (buildIndex): it runs after the
// migrations, inside their lock.
func (db *DB) buildPole(ctx context.Context) error {
	if err := db.buildIndex(ctx, "pole_built", docsOutsidePole, []string{"pole_people", "pole_keys"},
		(*tx).indexPoleNew); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// addPole adds c's index rows to d, as indexPole writes them.
func (d Derived) addPole(c *domain.Case) {
	people, keys, digest := store.PoleEntries(c)
	for i := range people {
		r := store.PersonRow(&people[i])
		d["pole_people"][r[0]+" "+r[1]] = r
	}
	for i := range keys {
		r := store.KeyRow(&keys[i])
		d["pole_keys"][strings.Join(r[:4], " ")] = r
	}
	d["pole_digests"][c.ID] = []string{c.ID, digest}
}

const poleCandidateCols = "p.case_id, p.person_id, p.role, p.name, p.dob, p.phone, p.vehicle, p.address, p.postcode, " +
	"c.ref, c.team_id, c.owner_id, c.status, c.version, c.updated_at"

func scanCandidates(rows *sql.Rows) ([]store.PoleCandidate, error) {
	defer rows.Close()
	var out []store.PoleCandidate
	for rows.Next() {
		var p store.PoleCandidate
		var status, updated string
		if err := rows.Scan(&p.CaseID, &p.PersonID, &p.Role, &p.Name, &p.DOB, &p.Phone, &p.Vehicle, &p.Address,
			&p.Postcode, &p.Case.Ref, &p.Case.TeamID, &p.Case.OwnerID, &status, &p.Case.Version,
			&updated); err != nil {
			return nil, err
		}
		p.Case.ID, p.Case.Status = p.CaseID, domain.Status(status)
		t, err := parseTime(updated)
		if err != nil {
			return nil, err
		}
		p.Case.UpdatedAt = t
		out = append(out, p)
	}
	return out, rows.Err()
}

// poleCandidatesOf reads the people bearing one key, with their cases, at
// most perKey+1 rows of the key deep. Left joins, so that every row of the
// key counts towards the depth whether or not its person and case are
// found, as when the key's rows were counted first and their people read
// in a second statement (which, built afresh for each person matched, was
// parsed every time: a quarter of matching's time in the demo's profile).
// The same text every time: prepared once per reading connection.
const poleCandidatesOf = "SELECT k.case_id IS NOT NULL AND c.id IS NOT NULL AND p.case_id IS NOT NULL, " +
	"k.case_id, k.person_id, COALESCE(p.role, ''), COALESCE(p.name, ''), COALESCE(p.dob, ''), COALESCE(p.phone, ''), " +
	"COALESCE(p.vehicle, ''), COALESCE(p.address, ''), COALESCE(p.postcode, ''), COALESCE(c.ref, ''), " +
	"COALESCE(c.team_id, ''), COALESCE(c.owner_id, ''), COALESCE(c.status, ''), COALESCE(c.version, 0), " +
	"COALESCE(c.updated_at, '') FROM (SELECT case_id, person_id FROM pole_keys WHERE kind = ? AND term = ? LIMIT ?) k " +
	"LEFT JOIN pole_people p ON p.case_id = k.case_id AND p.person_id = k.person_id " +
	"LEFT JOIN cases c ON c.id = p.case_id"

// PoleCandidates lists the people bearing any of keys, with their cases,
// each once. Each key is one range of the primary key, read at most
// perKey+1 rows deep: a key borne more widely is skipped. The order is
// the keys' and then the key's rows': matching sorts what it keeps.
func (db *DB) PoleCandidates(ctx context.Context, keys []store.PoleKey, perKey int) ([]store.PoleCandidate,
	error) {
	if err := db.kept("index"); err != nil {
		return nil, err
	}
	if h := db.poleHeld.Load(); h != nil { // polemem.go
		return h.candidates(keys, perKey), nil
	}
	type pk struct{ c, p string }
	seen := map[pk]bool{}
	var out []store.PoleCandidate
	for _, k := range keys {
		rows, err := db.query(ctx, poleCandidatesOf, k.Kind, k.Key, perKey+1)
		if err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
		var got []store.PoleCandidate
		for rows.Next() {
			var p store.PoleCandidate
			var found bool
			var status, updated string
			if err := rows.Scan(&found, &p.CaseID, &p.PersonID, &p.Role, &p.Name, &p.DOB, &p.Phone, &p.Vehicle,
				&p.Address, &p.Postcode, &p.Case.Ref, &p.Case.TeamID, &p.Case.OwnerID, &status, &p.Case.Version,
				&updated); err != nil {
				rows.Close()
				return nil, fmt.Errorf("index: %w", err)
			}
			if !found { // counted, not answered: as the inner join of the people and cases had it
				p.CaseID = ""
			} else {
				p.Case.ID, p.Case.Status = p.CaseID, domain.Status(status)
				if p.Case.UpdatedAt, err = parseTime(updated); err != nil {
					rows.Close()
					return nil, fmt.Errorf("index: %w", err)
				}
			}
			got = append(got, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
		if len(got) > perKey {
			continue
		}
		for _, p := range got {
			if x := (pk{p.CaseID, p.PersonID}); p.CaseID != "" && !seen[x] {
				seen[x] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// PolePeople lists the people of cases, with their cases.
func (db *DB) PolePeople(ctx context.Context, caseIDs []string) ([]store.PoleCandidate, error) {
	if len(caseIDs) == 0 {
		return nil, nil
	}
	return db.queryCandidates(ctx, "SELECT "+poleCandidateCols+" FROM pole_people p JOIN cases c ON c.id = p.case_id"+
		" WHERE p.case_id IN ("+placeholders(len(caseIDs))+") ORDER BY p.case_id, p.person_id", anys(caseIDs)...)
}

// queryCandidates reads people with their cases by q, which selects
// poleCandidateCols.
func (db *DB) queryCandidates(ctx context.Context, q string, args ...any) ([]store.PoleCandidate, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	out, err := scanCandidates(rows)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return out, nil
}

func scanKeys(rows *sql.Rows) ([]store.PoleKey, error) {
	defer rows.Close()
	var out []store.PoleKey
	for rows.Next() {
		var k store.PoleKey
		if err := rows.Scan(&k.Kind, &k.Key, &k.CaseID, &k.PersonID, &k.Shown); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// PoleObjects lists the phones, vehicles and addresses of cases' people.
func (db *DB) PoleObjects(ctx context.Context, caseIDs []string) ([]store.PoleKey, error) {
	if err := db.kept("index"); err != nil {
		return nil, err
	}
	if len(caseIDs) == 0 {
		return nil, nil
	}
	rows, err := db.query(ctx, "SELECT "+strings.Join(store.PoleKeyColumns, ", ")+" FROM pole_keys"+
		" WHERE case_id IN ("+placeholders(len(caseIDs))+") AND kind IN ('phone', 'vehicle', 'address')"+
		" ORDER BY case_id, kind, term, person_id", anys(caseIDs)...)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	out, err := scanKeys(rows)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return out, nil
}

// PoleBearers lists the rows of each object key in keys, on any case. Each
// distinct key is read once, at most limit+1 rows, and up to 50 keys go in
// one statement: the network view asks for every object of forty cases.
func (db *DB) PoleBearers(ctx context.Context, keys []store.PoleKey, limit int) ([]store.PoleKey, error) {
	if err := db.kept("index"); err != nil {
		return nil, err
	}
	type kk struct{ kind, key string }
	seen := map[kk]bool{}
	var uniq []kk
	for _, k := range keys {
		if x := (kk{k.Kind, k.Key}); !seen[x] {
			seen[x] = true
			uniq = append(uniq, x)
		}
	}
	one := "SELECT * FROM (SELECT " + strings.Join(store.PoleKeyColumns, ", ") + " FROM pole_keys" +
		" WHERE kind = ? AND term = ? ORDER BY case_id, person_id LIMIT ?) AS k"
	var out []store.PoleKey
	for len(uniq) > 0 {
		n := min(len(uniq), 50)
		parts := make([]string, n)
		args := make([]any, 0, 3*n)
		for i, k := range uniq[:n] {
			parts[i] = one
			args = append(args, k.kind, k.key, limit+1)
		}
		rows, err := db.query(ctx, strings.Join(parts, " UNION ALL "), args...)
		if err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
		got, err := scanKeys(rows)
		if err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
		out = append(out, got...)
		uniq = uniq[n:]
	}
	return out, nil
}

// PoleCount counts the people in the index.
func (db *DB) PoleCount(ctx context.Context) (int, error) {
	var n int
	if err := db.row(ctx, "SELECT COUNT(*) FROM pole_people").Scan(&n); err != nil {
		return 0, fmt.Errorf("index: %w", err)
	}
	return n, nil
}

// DueUnmatched lists the people queued for matching that are due by due.
func (db *DB) DueUnmatched(ctx context.Context, due time.Time, limit int) ([]store.UnmatchedPerson, error) {
	rows, err := db.query(ctx, "SELECT case_id, person_id, version, queued_at, next_at, attempts, last_error "+
		"FROM pole_unmatched WHERE next_at <= ? ORDER BY next_at, case_id, person_id LIMIT ?", fmtTime(due), limit)
	if err != nil {
		return nil, fmt.Errorf("people to match: %w", err)
	}
	defer rows.Close()
	var out []store.UnmatchedPerson
	for rows.Next() {
		var u store.UnmatchedPerson
		var queued, next string
		if err := rows.Scan(&u.CaseID, &u.PersonID, &u.Version, &queued, &next, &u.Attempts, &u.LastError); err != nil {
			return nil, fmt.Errorf("people to match: %w", err)
		}
		if u.QueuedAt, err = parseTime(queued); err != nil {
			return nil, fmt.Errorf("people to match: %w", err)
		}
		if u.NextAt, err = parseTime(next); err != nil {
			return nil, fmt.Errorf("people to match: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Matched deletes a queued person matched as of version.
func (db *DB) Matched(ctx context.Context, caseID, personID string, version int64) error {
	if _, err := db.w.ExecContext(ctx, db.d.q("DELETE FROM pole_unmatched WHERE case_id = ? AND person_id = ? "+
		"AND version <= ?"), caseID, personID, version); err != nil {
		return fmt.Errorf("matched %s of %s: %w", personID, caseID, err)
	}
	return nil
}

// QueueImported queues the people of the cases imported after since.
func (db *DB) QueueImported(ctx context.Context, since int64, at time.Time) (int, error) {
	res, err := db.w.ExecContext(ctx, db.d.q(`INSERT INTO pole_unmatched (case_id, person_id, version, queued_at, next_at)
		SELECT DISTINCT p.case_id, p.person_id, c.version, ?, ? FROM pole_people p
		JOIN imports i ON i.case_id = p.case_id JOIN cases c ON c.id = p.case_id
		WHERE i.seq > ? ON CONFLICT (case_id, person_id) DO NOTHING`), fmtTime(at), fmtTime(at), since)
	if err != nil {
		return 0, fmt.Errorf("queue imported people for matching: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// MatchFailed counts a failed match and puts the next attempt at next.
func (db *DB) MatchFailed(ctx context.Context, caseID, personID string, next time.Time, reason string) error {
	if _, err := db.w.ExecContext(ctx, db.d.q("UPDATE pole_unmatched SET attempts = attempts + 1, next_at = ?, "+
		"last_error = ? WHERE case_id = ? AND person_id = ?"), fmtTime(next), reason, caseID, personID); err != nil {
		return fmt.Errorf("match of %s of %s failed: %w", personID, caseID, err)
	}
	return nil
}

// PutMatchModel stores a trained model as the next version.
func (db *DB) PutMatchModel(ctx context.Context, at time.Time, people int, params []byte) (int, error) {
	var v int
	err := db.Write(ctx, func(t store.Tx) error {
		x := t.(*tx)
		if err := x.queryRow("SELECT COALESCE(MAX(version), 0) + 1 FROM pole_models").Scan(&v); err != nil {
			return err
		}
		_, err := x.exec("INSERT INTO pole_models (version, trained_at, people, params) VALUES (?, ?, ?, ?)", v,
			fmtTime(at), people, string(params))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store the matching model: %w", err)
	}
	return v, nil
}

// MatchModel answers the newest stored model, version 0 if none.
func (db *DB) MatchModel(ctx context.Context) (int, []byte, error) {
	var v int
	var p string
	err := db.row(ctx, "SELECT version, params FROM pole_models ORDER BY version DESC LIMIT 1").Scan(&v, &p)
	switch {
	case err == sql.ErrNoRows:
		return 0, nil, nil
	case err != nil:
		return 0, nil, fmt.Errorf("the matching model: %w", err)
	}
	return v, []byte(p), nil
}

// IndexPeople lists at most most people of the index.
func (db *DB) IndexPeople(ctx context.Context, most int) ([]store.PolePerson, error) {
	rows, err := db.query(ctx, "SELECT "+strings.Join(store.PolePeopleColumns, ", ")+" FROM pole_people "+
		"ORDER BY case_id, person_id LIMIT ?", most)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	defer rows.Close()
	var out []store.PolePerson
	for rows.Next() {
		var p store.PolePerson
		if err := rows.Scan(&p.CaseID, &p.PersonID, &p.Role, &p.Name, &p.DOB, &p.Phone, &p.Vehicle, &p.Address,
			&p.Postcode); err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

var _ store.MatchQueue = (*DB)(nil)
