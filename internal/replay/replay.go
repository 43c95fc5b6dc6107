// Package replay rebuilds every projection from the event log alone and
// compares it with the live one: proof that current state is what the record says.
package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// State is what the log folds into.
type State struct {
	Org    *domain.OrgState
	Cases  map[string]*domain.Case
	Events int64
	// Rows are the inbox and imports rows the log's events project to;
	// Compare adds the case and organisation rows once the fold is done.
	Rows sqlstore.Derived
	// Seals are the credential digests the ledger sealed in the log.
	Seals *ledger.Seals
}

// Fold replays the whole log.
func Fold(ctx context.Context, st store.Store) (*State, error) {
	s := &State{
		Org:   domain.NewOrgState(),
		Cases: map[string]*domain.Case{},
		Rows:  sqlstore.NewDerived(),
		Seals: ledger.NewSeals(),
	}
	err := st.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
		s.Events++
		if err := s.Rows.AddEvent(e); err != nil {
			return err
		}
		if err := s.Seals.Add(e); err != nil {
			return err
		}
		if domain.IsOrgEvent(e.Type) {
			_, err := s.Org.ApplyOrg(e)
			return err
		}
		if e.CaseID == "" {
			return nil // force-level events (checkpoints, sweeps) change no projection
		}
		c, err := domain.ApplyCase(s.Cases[e.CaseID], e)
		if err != nil {
			return err
		}
		s.Cases[e.CaseID] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("replay log: %w", err)
	}
	return s, nil
}

// Difference describes the first place live state departs from the log.
type Difference struct {
	Kind   string // case, unit or user; or a derived table's row ("duties row")
	ID     string
	Ref    string
	Detail string
}

func (d *Difference) String() string {
	name := d.ID
	if d.Ref != "" {
		name = d.Ref + " (" + d.ID + ")"
	}
	return fmt.Sprintf("%s %s differs from its log: %s", d.Kind, name, d.Detail)
}

// Compare rebuilds from the log and returns the first difference from the
// live projections, in a stable order (units, users, then cases by id), or nil.
func Compare(ctx context.Context, st store.Store) (*State, *Difference, error) {
	want, err := Fold(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	live, err := st.Org(ctx)
	if err != nil {
		return nil, nil, err
	}
	if d := compareMaps("unit", want.Org.Units, live.Units); d != nil {
		return want, d, nil
	}
	if d := compareMaps("user", want.Org.Users, live.Users); d != nil {
		return want, d, nil
	}
	seen := map[string]bool{}
	var diff *Difference
	err = st.ScanCases(ctx, func(c *domain.Case) error {
		seen[c.ID] = true
		w, ok := want.Cases[c.ID]
		if !ok {
			diff = &Difference{
				Kind:   "case",
				ID:     c.ID,
				Ref:    c.Ref,
				Detail: "the live record has a case the log never opened",
			}
			return errStop
		}
		if detail := differ(w, c); detail != "" {
			diff = &Difference{Kind: "case", ID: c.ID, Ref: w.Ref, Detail: detail}
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		return nil, nil, err
	}
	if diff != nil {
		return want, diff, nil
	}
	ids := make([]string, 0, len(want.Cases))
	for id := range want.Cases {
		if !seen[id] {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		sort.Strings(ids)
		return want, &Difference{
			Kind:   "case",
			ID:     ids[0],
			Ref:    want.Cases[ids[0]].Ref,
			Detail: "the log opened this case but the live record has none",
		}, nil
	}
	d, err := compareDerived(ctx, st, want)
	if d != nil || err != nil {
		return want, d, err
	}
	d, err = compareCredentials(ctx, st, want)
	return want, d, err
}

// credentialStore reads password hashes and API tokens as digests.
type credentialStore interface {
	Credentials(ctx context.Context) ([]sqlstore.Credential, error)
}

// compareCredentials names a password hash or API token stored that
// differs from what the ledger sealed in the log, was deleted after it was
// sealed, or belongs to no user the log created (internal/ledger's seal).
// Credentials newer than the last seal are not yet sealed and not judged.
func compareCredentials(ctx context.Context, st store.Store, want *State) (*Difference, error) {
	cs, ok := st.(credentialStore)
	if !ok || !want.Seals.Any {
		return nil, nil
	}
	live, err := cs.Credentials(ctx)
	if err != nil {
		return nil, err
	}
	if _, problems := want.Seals.Check(live); len(problems) > 0 {
		p := problems[0]
		return &Difference{Kind: p.Credential.Kind, ID: p.Credential.Key, Detail: p.String()}, nil
	}
	return nil, nil
}

// derivedStore reads the tables derived from the log as stored.
type derivedStore interface {
	LiveDerived(ctx context.Context) (sqlstore.Derived, error)
}

// compareDerived compares every table the store derives from the log —
// the columns beside each document, duties, flags, inbox, imports — with
// what the replayed log says it should hold. The watchdog and work lists
// read these tables, not the documents: a duty row deleted behind the
// service's back drops a case from the overdue list, a team_id edited moves
// it between teams' lists, so each is compared row by row and column by column.
func compareDerived(ctx context.Context, st store.Store, want *State) (*Difference, error) {
	ds, ok := st.(derivedStore)
	if !ok {
		return nil, nil
	}
	live, err := ds.LiveDerived(ctx)
	if err != nil {
		return nil, err
	}
	exp := want.Rows
	if err := exp.AddOrg(want.Org); err != nil {
		return nil, err
	}
	for _, c := range want.Cases {
		exp.AddCase(c)
	}
	for _, t := range sqlstore.DerivedTables {
		if d := compareRows(t.Name, t.Cols, exp[t.Name], live[t.Name], want); d != nil {
			return d, nil
		}
	}
	return nil, nil
}

func compareRows(table string, cols []string, want, live sqlstore.Rows, st *State) *Difference {
	keys := make([]string, 0, len(want)+len(live))
	for k := range want {
		keys = append(keys, k)
	}
	for k := range live {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		w, l := want[k], live[k]
		d := &Difference{Kind: table + " row", ID: k}
		row := w
		if row == nil {
			row = l
		}
		// Name the case a row belongs to, so the operator knows where to look.
		for i, c := range cols {
			if (c == "case_id" || (table == "cases" && c == "id")) && st.Cases[row[i]] != nil {
				d.Ref = st.Cases[row[i]].Ref
			}
		}
		switch {
		case w == nil:
			d.Detail = "present in the live record but not derived from the log"
			return d
		case l == nil:
			d.Detail = "derived from the log but missing from the live record"
			return d
		}
		for i := range cols {
			if w[i] != l[i] && cols[i] == "doc" {
				d.Detail = "its document: " + differ(json.RawMessage(w[i]), json.RawMessage(l[i]))
				return d
			}
			if w[i] != l[i] {
				d.Detail = fmt.Sprintf(
					"column %s is %q in the live record but %q by the log",
					cols[i],
					clip([]byte(l[i])),
					clip([]byte(w[i])),
				)
				return d
			}
		}
	}
	return nil
}

var errStop = fmt.Errorf("stop")

func compareMaps[T any](kind string, want, live map[string]*T) *Difference {
	ids := map[string]bool{}
	for id := range want {
		ids[id] = true
	}
	for id := range live {
		ids[id] = true
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	for _, id := range sorted {
		w, l := want[id], live[id]
		switch {
		case w == nil:
			return &Difference{Kind: kind, ID: id, Detail: "present in the live record but never created in the log"}
		case l == nil:
			return &Difference{Kind: kind, ID: id, Detail: "created in the log but missing from the live record"}
		}
		if d := differ(w, l); d != "" {
			return &Difference{Kind: kind, ID: id, Detail: d}
		}
	}
	return nil
}

// differ compares two projections by their JSON, naming the first field
// that differs so an operator knows where to look.
func differ(want, live any) string {
	wb, _ := json.Marshal(want)
	lb, _ := json.Marshal(live)
	if bytes.Equal(wb, lb) {
		return ""
	}
	var wm, lm map[string]json.RawMessage
	json.Unmarshal(wb, &wm)
	json.Unmarshal(lb, &lm)
	keys := map[string]bool{}
	for k := range wm {
		keys[k] = true
	}
	for k := range lm {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		if !bytes.Equal(wm[k], lm[k]) {
			return fmt.Sprintf("field %q is %s in the live record but %s by the log", k, clip(lm[k]), clip(wm[k]))
		}
	}
	return "contents differ"
}

func clip(b []byte) string {
	if b == nil {
		return "absent"
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}
