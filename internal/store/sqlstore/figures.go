package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// The figures the dashboard and the team board add up (migration 00043,
// store.Figures): each write of a case takes back what the case added to
// its team's figures before (case_figures) and adds what it adds now, in
// the same transaction, so the counts are never behind the record.

const (
	upsertFigure = `INSERT INTO figures (team_id, figure, n) VALUES (?, ?, ?)
		ON CONFLICT (team_id, figure) DO UPDATE SET n = figures.n + excluded.n`
	dropZeroFigure   = `DELETE FROM figures WHERE team_id = ? AND figure = ? AND n = 0`
	selectCaseFigure = `SELECT team_id, live, hist FROM case_figures WHERE case_id = ?`
	upsertCaseFigure = `INSERT INTO case_figures (case_id, team_id, live, hist) VALUES (?, ?, ?, ?)
		ON CONFLICT (case_id) DO UPDATE SET team_id = excluded.team_id, live = excluded.live, hist = excluded.hist`
	caseFigureTable = "case_figures (case_id, team_id, live, hist)"
	caseFigureCols  = 4
	selectFigures   = `SELECT team_id, figure, n FROM figures`
	selectDueFrom   = `SELECT c.team_id, d.team_id, d.due_at FROM duties d JOIN cases c ON c.id = d.case_id
		WHERE d.due_at >= ? AND d.due_at <= ?`
	// The board's teams are its duties': those due since the start of
	// the day, through the (team_id, due_at) index.
	countTeamDueFrom = `SELECT COUNT(*) FROM duties WHERE due_at >= ? AND due_at <= ? AND team_id IN (`
	// boardPrefix picks the team board's figures (store.FigBoard).
	boardPrefix = "substr(figure, 1, ?) = ?"
)

// figs is what a case adds to figures: by figure name, a name with
// "@team|" in front when it counts under a team other than the case's
// (store.UnderTeam).
type figs map[string]int

func (f figs) add(k string, n int) {
	if f[k] += n; f[k] == 0 {
		delete(f, k)
	}
}

// encode writes f as the text case_figures keeps: "name=n" lines, sorted,
// so equal figures are equal text (rebuild compares them).
func (f figs) encode() string {
	ks := make([]string, 0, len(f))
	for k := range f {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var b strings.Builder
	for _, k := range ks {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(f[k]))
		b.WriteByte('\n')
	}
	return b.String()
}

func decodeFigs(s string) (figs, error) {
	f := figs{}
	for line := range strings.SplitSeq(s, "\n") {
		if line == "" {
			continue
		}
		i := strings.LastIndexByte(line, '=')
		n, err := strconv.Atoi(line[i+1:])
		if i < 0 || err != nil {
			return nil, fmt.Errorf("case figures: bad line %q", line)
		}
		f[line[:i]] += n
	}
	return f, nil
}

// resolve adds f, of a case of team, to the counts by team and figure.
func (f figs) resolve(team string, sign int, into map[[2]string]int) {
	for k, n := range f {
		t, name := team, k
		if strings.HasPrefix(k, "@") {
			t, name, _ = strings.Cut(k[1:], "|")
		}
		into[[2]string{t, name}] += sign * n
	}
}

// liveFigs and histFigs are what c's document and its closed duties
// count towards.
func liveFigs(c *domain.Case) figs {
	f := figs{}
	store.LiveFigures(c, f.add)
	return f
}

func histFigs(f figs, closed []domain.Duty) figs {
	for i := range closed {
		store.DutyFigures(&closed[i], f.add)
	}
	return f
}

// unmoved reports whether writing c leaves its part of the figures as
// the write read it (read, nil if it read none): the same team, no duty
// closed and the same document figures. Most commands (a note, a
// contact) move none.
func unmoved(c *domain.Case, read *caseAsRead, live figs) bool {
	return read != nil && read.team == c.TeamID && len(c.ClosedDuties) == 0 && maps.Equal(read.live, live)
}

// putFigures moves c's part of the figures to what its write makes it
// (PutCase). Most commands change none: then, when the write read the
// case (read, from tx.noteRead), it reads and writes nothing; otherwise
// it reads one row and writes nothing.
func (x *tx) putFigures(c *domain.Case, isNew bool, read *caseAsRead) error {
	if x.db.deferred.Load() { // built once at the end (deferred.go)
		return nil
	}
	live := liveFigs(c)
	if !isNew && unmoved(c, read, live) {
		return nil
	}
	oldTeam, oldLive, oldHist := "", figs{}, figs{}
	if !isNew {
		var live, hist string
		err := x.queryRow(selectCaseFigure, c.ID).Scan(&oldTeam, &live, &hist)
		switch {
		case err == nil:
			if oldLive, err = decodeFigs(live); err == nil {
				oldHist, err = decodeFigs(hist)
			}
			if err != nil {
				return fmt.Errorf("figures of %s: %w", c.Ref, err)
			}
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("figures of %s: %w", c.Ref, err)
		}
	}
	oldHistText := oldHist.encode()
	hist := histFigs(oldHist, c.ClosedDuties)
	liveText, histText := live.encode(), hist.encode()
	if !isNew && oldTeam == c.TeamID && liveText == oldLive.encode() && histText == oldHistText {
		return nil
	}
	delta := map[[2]string]int{}
	if prev, err := decodeFigs(oldHistText); err == nil {
		prev.resolve(oldTeam, -1, delta)
	}
	oldLive.resolve(oldTeam, -1, delta)
	live.resolve(c.TeamID, 1, delta)
	hist.resolve(c.TeamID, 1, delta)
	if err := x.applyFigures(delta); err != nil {
		return fmt.Errorf("figures of %s: %w", c.Ref, err)
	}
	if _, err := x.exec(upsertCaseFigure, c.ID, c.TeamID, liveText, histText); err != nil {
		return fmt.Errorf("figures of %s: %w", c.Ref, err)
	}
	return nil
}

// applyFigures adds delta to the figures, in key order so that two
// writers never wait on each other's rows in opposite orders, and drops
// the rows it brings to nought (rebuild expects none).
func (x *tx) applyFigures(delta map[[2]string]int) error {
	ks := make([][2]string, 0, len(delta))
	for k, n := range delta {
		if n != 0 {
			ks = append(ks, k)
		}
	}
	sort.Slice(ks, func(i, j int) bool {
		return ks[i][0] < ks[j][0] || ks[i][0] == ks[j][0] && ks[i][1] < ks[j][1]
	})
	for _, k := range ks {
		n := delta[k]
		if _, err := x.exec(upsertFigure, k[0], k[1], n); err != nil {
			return err
		}
		// A row comes to nought by a negative delta, or from below: an
		// overdue figure goes below nought (-1 when a duty overdue in an
		// earlier month is met), so a +1 can bring it back. Every other
		// figure is a sum of +1s, never below nought, so a positive delta
		// leaves it above and the drop would find nothing: half the
		// statements of a write that moves figures. The statements run
		// in order, also queued in PostgreSQL's pipeline.
		if n > 0 && !strings.HasPrefix(k[1], store.FigOverdue) {
			continue
		}
		if _, err := x.exec(dropZeroFigure, k[0], k[1]); err != nil {
			return err
		}
	}
	return nil
}

// putFiguresNew adds the figures of cases new to the record, their
// case_figures rows many to a statement (PutPreparedCases).
func (x *tx) putFiguresNew(cs []*domain.Case) error {
	if x.db.deferred.Load() { // built once at the end (deferred.go)
		return nil
	}
	delta := map[[2]string]int{}
	if err := x.insertCaseFigures(cs, delta); err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	return x.applyFigures(delta)
}

// insertCaseFigures writes the case_figures rows of cases new to them,
// many to a statement, and adds their parts to delta.
func (x *tx) insertCaseFigures(cs []*domain.Case, delta map[[2]string]int) error {
	args := make([]any, 0, len(cs)*caseFigureCols)
	for _, c := range cs {
		live, hist := liveFigs(c), histFigs(figs{}, c.ClosedDuties)
		live.resolve(c.TeamID, 1, delta)
		hist.resolve(c.TeamID, 1, delta)
		args = append(args, c.ID, c.TeamID, live.encode(), hist.encode())
	}
	return x.insertRows(caseFigureTable, caseFigureCols, args)
}

// buildFigures counts, once, the cases written before migration 00043: a
// batch of cases at a time with their duty history, so the pass keeps no
// more than a batch and the team totals. It runs after the migrations,
// inside their lock.
func (db *DB) buildFigures(ctx context.Context) error {
	if done, err := db.built(ctx, "figures_built"); err != nil || done {
		return err
	}
	return db.Write(ctx, func(t store.Tx) error {
		x := t.(*tx)
		delta := map[[2]string]int{}
		after := ""
		for {
			batch, err := x.figureBatch(after, delta)
			if err != nil {
				return fmt.Errorf("figures: %w", err)
			}
			if batch == "" {
				break
			}
			after = batch
		}
		if err := x.applyFigures(delta); err != nil {
			return fmt.Errorf("figures: %w", err)
		}
		_, err := x.exec("INSERT INTO figures_built (id) VALUES (1)")
		return err
	})
}

const (
	figureBatchSize   = 500
	selectFigureBatch = `SELECT id, team_id, doc FROM cases WHERE id > ? ORDER BY id LIMIT ?`
)

// figureBatch counts the cases after id after, up to figureBatchSize,
// into delta and case_figures, and says the last it counted ("" at the
// end).
func (x *tx) figureBatch(after string, delta map[[2]string]int) (string, error) {
	rows, err := x.t.QueryContext(x.ctx, x.d.q(selectFigureBatch), after, figureBatchSize)
	if err != nil {
		return "", err
	}
	var cs []*domain.Case
	byID := map[string]*domain.Case{}
	if err := func() error {
		defer rows.Close()
		for rows.Next() {
			var id, team, doc string
			if err := rows.Scan(&id, &team, &doc); err != nil {
				return err
			}
			c, err := decodeCase(doc)
			if err != nil {
				return fmt.Errorf("case %s: %w", id, err)
			}
			c.ClosedDuties = nil
			cs = append(cs, c)
			byID[c.ID] = c
		}
		return rows.Err()
	}(); err != nil || len(cs) == 0 {
		return "", err
	}
	ids := make([]any, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	hist, err := x.t.QueryContext(x.ctx, x.d.q("SELECT case_id, doc FROM duty_history WHERE case_id IN ("+
		placeholders(len(ids))+")"), ids...)
	if err != nil {
		return "", err
	}
	if err := func() error {
		defer hist.Close()
		for hist.Next() {
			var id, doc string
			if err := hist.Scan(&id, &doc); err != nil {
				return err
			}
			var d domain.Duty
			if err := json.Unmarshal([]byte(doc), &d); err != nil {
				return fmt.Errorf("duty history of %s: %w", id, err)
			}
			if c := byID[id]; c != nil {
				c.ClosedDuties = append(c.ClosedDuties, d)
			}
		}
		return hist.Err()
	}(); err != nil {
		return "", err
	}
	if err := x.insertCaseFigures(cs, delta); err != nil {
		return "", err
	}
	return cs[len(cs)-1].ID, nil
}

// TeamFigures reads every team's kept figures: a few rows a team, however
// many cases it has.
func (db *DB) TeamFigures(ctx context.Context) (map[string]map[string]int, error) {
	if err := db.kept("figures"); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, selectFigures)
	if err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var team, fig string
		var n int
		if err := rows.Scan(&team, &fig, &n); err != nil {
			return nil, fmt.Errorf("figures: %w", err)
		}
		if out[team] == nil {
			out[team] = map[string]int{}
		}
		out[team][fig] = n
	}
	return out, rows.Err()
}

// DueBetween lists the open duties due from from to to with their case's
// team, through the due-time index.
func (db *DB) DueBetween(ctx context.Context, from, to time.Time) ([]store.DueDuty, error) {
	rows, err := db.query(ctx, selectDueFrom, fmtTime(from), fmtTime(to))
	if err != nil {
		return nil, fmt.Errorf("duties due: %w", err)
	}
	defer rows.Close()
	var out []store.DueDuty
	for rows.Next() {
		var d store.DueDuty
		var due string
		if err := rows.Scan(&d.CaseTeam, &d.DutyTeam, &due); err != nil {
			return nil, fmt.Errorf("duties due: %w", err)
		}
		if d.Due, err = parseTime(due); err != nil {
			return nil, fmt.Errorf("duties due: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

var _ store.Figures = (*DB)(nil)

// TeamDutyCounts counts the open duties of teams, and those due by t: the
// kept daily counts of the teams' duties (FigBoard), and the duties due
// today by t through the (team_id, due_at) index, so the cost follows
// the days with duties due, not the number of duties.
func (db *DB) TeamDutyCounts(ctx context.Context, teamIDs []string, t time.Time) (open, due int, err error) {
	if len(teamIDs) == 0 {
		return 0, 0, nil
	}
	if err := db.kept("count team duties"); err != nil {
		return 0, 0, err
	}
	// The board's figures by equality on their prefix, not a text range:
	// a range follows the database's collation, and under ICU or en_GB
	// ':' and ';' do not sort by byte, so the range held none of them.
	q := "SELECT figure, n FROM figures WHERE team_id IN (" + placeholders(len(teamIDs)) + ") AND " + boardPrefix
	rows, err := db.query(ctx, q, append(anys(teamIDs), len(store.FigBoard), store.FigBoard)...)
	if err != nil {
		return 0, 0, fmt.Errorf("count team duties: %w", err)
	}
	defer rows.Close()
	today := store.DayKey(t)
	for rows.Next() {
		var fig string
		var n int
		if err := rows.Scan(&fig, &n); err != nil {
			return 0, 0, fmt.Errorf("count team duties: %w", err)
		}
		open += n
		if fig[len(store.FigBoard):] < today {
			due += n
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("count team duties: %w", err)
	}
	day := time.Date(t.UTC().Year(), t.UTC().Month(), t.UTC().Day(), 0, 0, 0, 0, time.UTC)
	var n int
	if err := db.row(ctx, countTeamDueFrom+placeholders(len(teamIDs))+")",
		append([]any{fmtTime(day), fmtTime(t)}, anys(teamIDs)...)...).Scan(&n); err != nil {
		return 0, 0, fmt.Errorf("count team duties due: %w", err)
	}
	return open, due + n, nil
}

// addFigures adds c's case_figures row and its part of the figures to d,
// as putFigures keeps them. A fold of the whole log keeps every duty each
// case closed.
func (d Derived) addFigures(c *domain.Case) {
	live, hist := liveFigs(c), histFigs(figs{}, c.ClosedDuties)
	d["case_figures"][c.ID] = texts(c.ID, c.TeamID, live.encode(), hist.encode())
	delta := map[[2]string]int{}
	live.resolve(c.TeamID, 1, delta)
	hist.resolve(c.TeamID, 1, delta)
	for k, n := range delta {
		key := k[0] + " " + k[1]
		if r := d["figures"][key]; r != nil {
			old, _ := strconv.Atoi(r[2])
			n += old
		}
		if n == 0 {
			delete(d["figures"], key)
			continue
		}
		d["figures"][key] = texts(k[0], k[1], n)
	}
}
