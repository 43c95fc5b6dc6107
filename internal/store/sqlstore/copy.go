package sqlstore

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyMinArgs is the size from which PostgreSQL is sent rows by COPY
// rather than a multi-row INSERT: COPY costs a round trip to learn the
// columns' types, and then parses and plans nothing, which for an
// import's thousands of rows a batch is most of the server's work.
const copyMinArgs = 4 * maxBulkArgs / 10

// copyRows is insertRows by PostgreSQL's COPY, inside the transaction:
// pgx's CopyFrom on the transaction's own connection, which is in the
// transaction already, so the rows commit or roll back with it.
func (x *tx) copyRows(into string, ncol int, args []any) error {
	table, cols, ok := strings.Cut(into, " (")
	if !ok {
		return fmt.Errorf("copy into %q: no columns", into)
	}
	columns := strings.Split(strings.TrimSuffix(cols, ")"), ", ")
	if len(columns) != ncol {
		return fmt.Errorf("copy into %q: %d columns, %d values a row", into, len(columns), ncol)
	}
	rows := make([][]any, len(args)/ncol)
	for i := range rows {
		rows[i] = args[i*ncol : (i+1)*ncol : (i+1)*ncol]
	}
	return x.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy into %s: not a pgx connection (%T)", table, dc)
		}
		n, err := c.Conn().CopyFrom(x.ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		if err != nil {
			return fmt.Errorf("copy into %s: %w", table, err)
		}
		if n != int64(len(rows)) {
			return fmt.Errorf("copy into %s: %d rows of %d", table, n, len(rows))
		}
		return nil
	})
}
