package main

import (
	"context"
	"fmt"
	"io"

	"github.com/holdfast/holdfast/internal/replay"
)

func cmdRebuild(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("rebuild")
	dsn := f.db()
	if err := f.parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if pending, err := db.Pending(ctx); err != nil {
		return err
	} else if pending {
		return fmt.Errorf("this database was written by an older Holdfast and its schema is not up to date, so it cannot be compared with its log yet: run holdfast migrate with the same --db first (nothing was checked)")
	}
	st, diff, err := replay.Compare(ctx, db)
	if err != nil {
		return err
	}
	if diff != nil {
		return &exitError{code: 1, err: fmt.Errorf("%s", diff)}
	}
	fmt.Fprintf(
		stdout,
		"replayed %d events: %d cases, %d units, %d users match the live record\n",
		st.Events,
		len(st.Cases),
		len(st.Org.Units),
		len(st.Org.Users),
	)
	return nil
}
