package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/persons"
	"github.com/holdfast/holdfast/internal/store"
)

// The match queue (store.MatchQueue, migration 00025): a person added to a
// case, or changed in what they are matched on, is queued by the write
// itself; matching them after the commit takes them off. A match that
// fails — the database busy, the process stopped between the commit and
// the match — stays queued, and the watchdog's sweep retries it, backing
// off, so no person recorded goes unmatched. A pair reviewed "not the same
// person" is never raised again however often either is changed: the
// review is on both cases, keyed by the people's ids, which an edit keeps.

// matchRetry is the wait before a failed match is tried again, doubling
// with each failure up to matchRetryMost.
const (
	matchRetry     = time.Minute
	matchRetryMost = 6 * time.Hour
)

// matchGrace is how old a queued person must be before the sweep matches
// them: younger ones are being matched by the command that queued them.
const matchGrace = 30 * time.Second

// matchQueue is the store's queue, or nil for a store without one.
func (s *Service) matchQueue() store.MatchQueue {
	q, _ := s.st.(store.MatchQueue)
	return q
}

// matchFailed keeps a failed match queued for the next try.
func (s *Service) matchFailed(ctx context.Context, caseID, person string, attempts int, cause error) {
	q := s.matchQueue()
	if q == nil {
		return
	}
	wait := matchRetry << min(attempts, 16)
	if wait > matchRetryMost {
		wait = matchRetryMost
	}
	if err := q.MatchFailed(context.WithoutCancel(ctx), caseID, person, s.clock.Now().UTC().Add(wait),
		cause.Error()); err != nil {
		s.log.Error("keeping a failed match for a retry", "case", caseID, "person", person, "error", err)
	}
}

// queueImported queues for matching the people of the cases imported
// after log position since, as a new case's people are queued by its
// write: an import writes its index rows in bulk and does not, so without
// this imported people would never be linked to anyone (issue 19). The
// next sweep matches them. The import has committed by now; a failure here
// is logged, and the people stay unqueued until their case next changes.
func (s *Service) queueImported(ctx context.Context, since int64) {
	q := s.matchQueue()
	if q == nil {
		return
	}
	n, err := q.QueueImported(context.WithoutCancel(ctx), since, s.clock.Now().UTC())
	if err != nil {
		s.log.Error("queueing imported people for matching", "error", err)
		return
	}
	s.log.Debug("imported people queued for matching", "people", n)
}

// MatchQueued matches the people queued and due as of asOf (at most
// limit) against the index, raising the links found; each failure is
// kept for a later try. It answers how many were matched and how many
// links raised. The watchdog's sweep runs it.
func (s *Service) MatchQueued(ctx context.Context, asOf time.Time, limit int) (matched, raised int, err error) {
	q := s.matchQueue()
	if q == nil || deferred(ctx) {
		// A bulk writer that defers links (the demo, whose simulated sweeps
		// run as it writes the past) matches its people itself at the end.
		return 0, 0, nil
	}
	due, err := q.DueUnmatched(ctx, asOf.Add(-matchGrace), limit)
	if err != nil {
		return 0, 0, err
	}
	for _, u := range due {
		n, err := s.RaiseLinks(ctx, u.CaseID, u.PersonID)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				// The case is gone from the record: nothing to match.
				if err := q.Matched(ctx, u.CaseID, u.PersonID, u.Version); err != nil {
					return matched, raised, err
				}
				continue
			}
			s.matchFailed(ctx, u.CaseID, u.PersonID, u.Attempts, err)
			continue
		}
		matched, raised = matched+1, raised+n
	}
	return matched, raised, nil
}

// models keeps the matching model decoded, by the store's newest version.
type modelCache struct {
	mu      sync.Mutex
	version int
	model   *persons.Model
}

var modelCaches sync.Map // store.MatchQueue → *modelCache

// storedModel is the newest model trained on the force's own index
// (`holdfast persons train`), or the shipped one when none was trained or
// the stored one cannot be read. One indexed read of the version a call.
func storedModel(ctx context.Context, ix store.Indexer) *persons.Model {
	q, ok := ix.(store.MatchQueue)
	if !ok {
		return matchModel()
	}
	v, params, err := q.MatchModel(ctx)
	if err != nil || v == 0 {
		return matchModel()
	}
	c, _ := modelCaches.LoadOrStore(q, &modelCache{})
	mc := c.(*modelCache)
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.version == v {
		return mc.model
	}
	m, err := decodeModel(params)
	if err != nil {
		return matchModel()
	}
	mc.version, mc.model = v, m
	return m
}

func decodeModel(b []byte) (*persons.Model, error) {
	var p persons.Params
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("the stored matching model: %w", err)
	}
	return persons.NewModel(p)
}

// matchPerSweep is the most queued people one sweep matches: the rest wait
// for the next sweep, which keeps a sweep after an outage short.
const matchPerSweep = 500

// TrainModel is the input of Service.TrainMatchModel.
type TrainModel struct {
	// Most is the most people of the index trained on (default and at most
	// TrainMost): enough that the same people recur across cases.
	Most int `json:"most,omitempty"`
}

// TrainMost is the most people a model is trained on: about half a
// minute of one core, and a few hundred megabytes.
const TrainMost = 300_000

// ReadTraining is the view the index is read through to train a model.
const ReadTraining = "match_training"

// TrainedModel says what a training stored.
type TrainedModel struct {
	Version     int      `json:"version"`
	People      int      `json:"people"`
	Pairs       int      `json:"pairs"`       // candidate pairs compared
	Likely      int      `json:"likely"`      // of them, at probability 0.9 or more
	Comparisons []string `json:"comparisons"` // in order
	Iterations  int      `json:"iterations"`  // of expectation-maximisation
	Lambda      float64  `json:"lambda"`
}

// TrainMatchModel trains the matching model on the force's own index
// (persons.Train: without labels, the index against itself) and stores it
// as the next version, which matching uses from then on. The system
// (`holdfast persons train`) or an administrator.
func (s *Service) TrainMatchModel(ctx context.Context, a *Actor, in TrainModel) (*TrainedModel, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if !a.System {
		if err := a.need("train the matching model", domain.RoleAdmin); err != nil {
			return nil, err
		}
	}
	var p domain.Problems
	if in.Most < 0 || in.Most > TrainMost {
		p.Add("most", "range", fmt.Sprintf("Train on between 1 and %d people, or leave it out.", TrainMost))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if in.Most == 0 {
		in.Most = TrainMost
	}
	q := s.matchQueue()
	if q == nil {
		return nil, fmt.Errorf("the %s store keeps no index of people", s.st.Engine())
	}
	people, err := q.IndexPeople(ctx, in.Most)
	if err != nil {
		return nil, err
	}
	if len(people) < 2 {
		return nil, domain.Problems{{Field: "most", Rule: "too_few", Message: fmt.Sprintf(
			"The index holds %d people: a model needs people recorded on several cases to learn from.", len(people))}}
	}
	recs := make([]persons.Record, len(people))
	for i := range people {
		recs[i] = people[i].Record()
	}
	// Training reads every person given: one read of the index, recorded
	// before the model is made (naming each case would make one event of
	// hundreds of thousands).
	if err := s.RecordRead(ctx, a, ReadTraining, fmt.Sprintf("training the matching model on %d people of the index",
		len(people)), nil); err != nil {
		return nil, err
	}
	params, res := persons.Train(recs)
	js, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	if _, err := persons.NewModel(params); err != nil {
		return nil, fmt.Errorf("the trained model does not load: %w", err)
	}
	v, err := q.PutMatchModel(ctx, s.clock.Now().UTC(), len(people), js)
	if err != nil {
		return nil, err
	}
	out := &TrainedModel{Version: v, People: len(people), Pairs: len(res.Pairs), Comparisons: params.Comparisons,
		Iterations: res.Model.Iterations, Lambda: params.Lambda}
	for _, pr := range res.Pairs {
		if pr.Probability >= MatchThreshold {
			out.Likely++
		}
	}
	s.log.Info("matching model trained on the index", "version", v, "people", len(people), "pairs", len(res.Pairs))
	return out, nil
}
