package sqlstore

import "fmt"

// DutyCases is store.DutyTx: the duty index as this transaction sees it,
// with what the writes before it in its group wrote (on PostgreSQL the
// queued statements are sent first, as for every read in a transaction).
func (x *tx) DutyCases(accountable string) ([]string, error) {
	rows, err := x.t.QueryContext(x.ctx, x.d.q(
		"SELECT DISTINCT case_id FROM duties WHERE accountable = ? ORDER BY case_id"), accountable)
	if err != nil {
		return nil, fmt.Errorf("duty cases: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
