package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// AddCosignatures adds witnesses' cosignature lines to the stored
// checkpoint of size, skipping any it already carries, so the checkpoint an
// inspector reads from the database shows who witnessed it.
func (db *DB) AddCosignatures(ctx context.Context, size int64, lines []byte) error {
	var note string
	err := db.w.QueryRowContext(ctx, db.d.q("SELECT note FROM checkpoints WHERE size = ?"), size).Scan(&note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cosignatures of checkpoint %d: %w", size, err)
	}
	merged := note
	for _, l := range strings.SplitAfter(string(lines), "\n") {
		if l != "" && !strings.Contains(merged, l) {
			merged += l
		}
	}
	if merged == note {
		return nil
	}
	_, err = db.w.ExecContext(
		ctx,
		db.d.q("UPDATE checkpoints SET note = ? WHERE size = ? AND note = ?"),
		merged,
		size,
		note,
	)
	if err != nil {
		return fmt.Errorf("cosignatures of checkpoint %d: %w", size, err)
	}
	return nil
}
