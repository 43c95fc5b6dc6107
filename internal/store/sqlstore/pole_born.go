package sqlstore

import (
	"context"
	"fmt"

	"github.com/holdfast/holdfast/internal/store"
)

// Finding people by date of birth (search): the index's blocking keys of
// rule dob (store.KeyMatch "dob"), on the cases of the searcher's teams.

// bornOnFrom and bornOnWhere are BornOn's query, less the list of teams
// and its order: the keys of the date first, then their cases and people
// (CROSS JOIN keeps that order on SQLite; PostgreSQL plans it as the join
// it is), as termMatchesQuery finds words. The team is filtered in the
// query, so the limit counts only the people the searcher may see.
const (
	bornOnFrom = "SELECT " + poleCandidateCols + " FROM pole_keys k CROSS JOIN cases c CROSS JOIN pole_people p" +
		" WHERE k.kind = '" + store.KeyMatch + "dob' AND k.term = ?" +
		" AND c.id = k.case_id AND p.case_id = k.case_id AND p.person_id = k.person_id"
	bornOnTeams = " AND c.team_id IN (%s)"
	bornOnOrder = " ORDER BY k.case_id DESC, k.person_id DESC LIMIT ?"
)

// BornOn lists the people born on dob (YYYYMMDD) on cases of teamIDs (nil:
// any team), newest case first, at most limit.
func (db *DB) BornOn(ctx context.Context, dob string, teamIDs []string, limit int) ([]store.PoleCandidate,
	error) {
	if teamIDs != nil && len(teamIDs) == 0 || limit <= 0 {
		return nil, nil
	}
	if err := db.kept("index"); err != nil {
		return nil, err
	}
	q, args := bornOnFrom, []any{dob}
	if teamIDs != nil {
		q += fmt.Sprintf(bornOnTeams, placeholders(len(teamIDs)))
		args = append(args, anys(teamIDs)...)
	}
	return db.queryCandidates(ctx, q+bornOnOrder, append(args, limit)...)
}
