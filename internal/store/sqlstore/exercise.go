package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// ErrExerciseExists is SaveExercise's refusal: a database holds one
// exercise, set up once.
var ErrExerciseExists = errors.New("the database already holds an exercise")

// SaveExercise records that the database is an exercise (holdfast exercise
// new), with its seed and its plan as the exercise package encodes it.
func (db *DB) SaveExercise(ctx context.Context, seed uint64, plan []byte) error {
	res, err := db.w.ExecContext(ctx, db.d.q("INSERT INTO exercise (id, seed, plan) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING"),
		strconv.FormatUint(seed, 10), string(plan))
	if err != nil {
		return fmt.Errorf("save exercise: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		if err != nil {
			return fmt.Errorf("save exercise: %w", err)
		}
		return ErrExerciseExists
	}
	return nil
}

// Exercise returns the plan SaveExercise recorded; ok is false in a
// database that is not an exercise — any live one.
func (db *DB) Exercise(ctx context.Context) (plan []byte, ok bool, err error) {
	var s string
	err = db.r.QueryRowContext(ctx, "SELECT plan FROM exercise WHERE id = 1").Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read exercise: %w", err)
	}
	return []byte(s), true, nil
}
