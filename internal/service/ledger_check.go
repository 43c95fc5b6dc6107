package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/store"
)

// The ledger check an inspector runs in the browser: what `holdfast ledger
// check` proves from outside, done here through the proofs the log serves
// and checked against the signed checkpoint, so that a reader who trusts
// the force's public key need not trust the page's own figures. It writes
// nothing but the record of a read when it looks at a case's events.

// ReadLedgerCheck names the read of a case's events by the ledger check.
const ReadLedgerCheck = "ledger.check"

// LedgerCheckRequest is what to check beyond the latest checkpoint's
// signature: an earlier checkpoint the inspector kept (its signed text)
// or, without one, the checkpoint before the latest; and the events of a
// case (by reference) or one event (by number) to prove included.
type LedgerCheckRequest struct {
	Earlier string `json:"earlier,omitempty"` // a signed checkpoint saw before
	Case    string `json:"case,omitempty"`    // a case reference
	Event   string `json:"event,omitempty"`   // an event's number
}

// LedgerStep is one thing checked, said in words, and whether it held.
type LedgerStep struct {
	What   string `json:"what"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Unchecked: the step could not be carried out (neither held nor failed).
	Unchecked bool `json:"unchecked,omitempty"`
}

// LedgerCheck is the outcome: every step held or not. Unable means a step
// could not be carried out (the database did not answer): nothing is known
// to be wrong, but nothing is proved either.
type LedgerCheck struct {
	OK     bool         `json:"ok"`
	Failed bool         `json:"failed,omitempty"` // a step found the record altered
	Unable bool         `json:"unable,omitempty"` // a step could not be carried out
	Steps  []LedgerStep `json:"steps"`
	// Checkpoint is the latest signed checkpoint, of Size events signed at
	// At, both as its signed text says; At is zero for a checkpoint cut
	// before checkpoints carried their time (its time is not signed).
	Checkpoint string    `json:"checkpoint,omitempty"`
	Size       uint64    `json:"size"`
	At         time.Time `json:"at,omitzero"`
}

func (c *LedgerCheck) step(ok bool, what, detail string, args ...any) {
	c.Steps = append(c.Steps, LedgerStep{What: what, OK: ok, Detail: fmt.Sprintf(detail, args...)})
	if !ok {
		c.OK, c.Failed = false, true
	}
}

// notChecked records a step that could not be carried out: not a finding
// that the record was altered, and never one that it was not.
func (c *LedgerCheck) notChecked(what, detail string, args ...any) {
	c.Steps = append(c.Steps, LedgerStep{What: what, Detail: fmt.Sprintf(detail, args...), Unchecked: true})
	c.OK, c.Unable = false, true
}

// unable records a step the database kept from being carried out: said as
// such, not as the record altered, and the error logged for the
// administrator.
func (l *Ledger) unable(ctx context.Context, c *LedgerCheck, what string, err error) {
	l.s.log.ErrorContext(ctx, "ledger check: could not read the record", "step", what, "err", err)
	c.notChecked(what, "Could not be checked: the database did not answer. This does not mean the record "+
		"was altered. Try again in a few minutes; if it keeps failing, tell the administrator.")
}

// rehashing lets one full re-hash of the record run at a time on this
// instance: each takes about a second and both cores per million events.
var rehashing = make(chan struct{}, 1)

// maxRehashed is the largest record the check re-hashes in full (about 13
// seconds on two cores); beyond it the page says the record was not
// re-hashed here and names the command that does it.
const maxRehashed = 10_000_000

// maxCheckedEvents is the most events of one case the check proves.
const maxCheckedEvents = 500

// Check verifies the latest checkpoint's signature and that it matches the
// record; that an earlier checkpoint is a prefix of it (consistency); and
// that the events asked for are in it (inclusion), each leaf hashed again
// from the stored event. Auditors, inspectors and administrators may run
// it; it records a read only when it looks at a case's events.
func (l *Ledger) Check(ctx context.Context, a *Actor, in LedgerCheckRequest) (*LedgerCheck, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	if err := a.need("check the ledger", ledgerReaders...); err != nil {
		return nil, err
	}
	var ps domain.Problems
	var seq int64
	if v := strings.TrimSpace(in.Event); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			ps.Add("event", "whole_number", "Enter the event's number as a whole number, like 1042")
		}
		seq = n
	}
	var earlier *ledger.Checkpoint
	if t := strings.TrimSpace(in.Earlier); t != "" {
		cp, err := ledger.Open([]byte(strings.ReplaceAll(t, "\r\n", "\n")+"\n"), l.log.Verifier())
		if err != nil {
			ps.Add("earlier", "signed", "The earlier checkpoint does not carry a valid signature from this force's "+
				"key: paste the whole text you kept, from its first line to its last signature line")
		} else {
			earlier = &cp
		}
	}
	var caseID, caseRef string
	if ref := strings.TrimSpace(in.Case); ref != "" {
		id, err := l.s.CaseID(ctx, a, ref)
		if errors.Is(err, ErrNotFound) {
			ps.Add("case", "exists", "There is no case "+ref+" that you may see")
		} else if err != nil {
			return nil, err
		}
		caseID, caseRef = id, ref
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}

	out := &LedgerCheck{OK: true}
	const latestStep = "The latest signed checkpoint"
	latest, err := l.log.Latest(ctx)
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, store.ErrNotFound):
		out.step(false, latestStep, "No checkpoint has been signed yet: there is nothing to check "+
			"against. An administrator can sign one now, or the schedule will.")
		return out, nil
	case err != nil:
		l.unable(ctx, out, latestStep, err)
		return out, nil
	}
	out.Checkpoint = string(latest.Note)
	cp, err := ledger.Open(latest.Note, l.log.Verifier())
	if err != nil {
		out.step(false, "The latest checkpoint's signature", "It does not verify with the force's public key: "+
			"the checkpoint is forged or damaged.")
		return out, nil
	}
	out.Size = cp.Size
	when := "Its time is not signed: it was cut before Holdfast signed the time with the checkpoint."
	if !cp.Time.IsZero() {
		when = "It was signed " + clock.GovUK(cp.Time) + "."
	}
	out.step(true, "The latest checkpoint's signature", "Signed with the force's key %s, covering the first %s. %s",
		l.log.Origin(), EventCount(cp.Size), when)
	if !l.figures(ctx, out, latest, cp) {
		return out, nil
	}

	what := "the earlier checkpoint you gave"
	if earlier == nil {
		if earlier, err = l.previous(ctx, cp.Size); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			l.unable(ctx, out, "Consistency with the checkpoint before it", err)
			return out, nil
		}
		what = "the checkpoint before it"
	}
	if !l.rehash(ctx, out, cp) {
		return out, nil
	}
	switch {
	case earlier == nil:
		out.step(true, "Consistency with an earlier checkpoint", "There is no earlier checkpoint to compare with.")
	case earlier.Size > cp.Size:
		out.step(false, "Consistency with "+what, "It covers %s, more than the latest checkpoint's %s: the log "+
			"has been cut back, or the latest checkpoint is not the latest.", EventCount(earlier.Size),
			EventCount(cp.Size))
	default:
		p, err := l.log.ConsistencyProof(ctx, earlier.Size, cp.Size)
		if err != nil && !errors.Is(err, ledger.ErrTampered) && !errors.Is(err, ledger.ErrRange) {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			l.unable(ctx, out, "Consistency with "+what, err)
			return out, nil
		}
		if err == nil {
			err = ledger.VerifyConsistency(earlier.Size, cp.Size, p.Proof, earlier.Root, cp.Root)
		}
		if err != nil {
			out.step(false, "Consistency with "+what, "The first %s are not the same now as when %s was "+
				"signed: history has been rewritten.", EventCount(earlier.Size), what)
		} else {
			out.step(true, "Consistency with "+what, "The first %s are unchanged from when that checkpoint was "+
				"signed: the latest checkpoint only adds events after them.", EventCount(earlier.Size))
		}
	}

	var seqs []int64
	label := ""
	if caseID != "" {
		evs, err := l.s.st.CaseEvents(ctx, caseID)
		if err != nil {
			return nil, err
		}
		if err := l.s.RecordRead(ctx, a, ReadLedgerCheck, caseRef, []string{caseID}); err != nil {
			return nil, err
		}
		for _, e := range evs {
			seqs = append(seqs, e.Seq)
		}
		sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
		if len(seqs) > maxCheckedEvents {
			seqs = seqs[:maxCheckedEvents]
		}
		label = "The events of " + caseRef
	}
	if seq > 0 {
		seqs = append(seqs, seq)
		if label == "" {
			label = "Event " + strconv.FormatInt(seq, 10)
		} else {
			label += " and event " + strconv.FormatInt(seq, 10)
		}
	}
	if label != "" {
		l.inclusion(ctx, out, label, seqs, cp)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return out, nil
}

// figures checks the checkpoint's stored columns against its signed text
// (ledger.Agrees: the size stored must be the size signed, and the time
// stored the time signed); a checkpoint cut before checkpoints carried
// their time has only the stored one, which must be no earlier than the
// last event it covers and is not shown as the checkpoint's (At stays
// zero: "not signed").
func (l *Ledger) figures(ctx context.Context, out *LedgerCheck, stored *store.Checkpoint, cp ledger.Checkpoint) bool {
	const what = "The latest checkpoint's stored figures"
	if err := ledger.Agrees(*stored, cp); err != nil {
		out.step(false, what, "%s", domain.Sentence(err.Error()))
		return false
	}
	var last time.Time
	if cp.Size > 0 {
		err := l.s.st.ScanEvents(ctx, int64(cp.Size), int64(cp.Size), func(e *event.Event) error {
			last = e.At
			return nil
		})
		if err != nil {
			l.unable(ctx, out, what, err)
			return false
		}
	}
	// A signed time is to the second, so may fall within the second of
	// the last event it covers.
	if !last.IsZero() && !stored.Created.IsZero() && stored.Created.Before(last.Truncate(time.Second)) {
		out.step(false, what, "The checkpoints table says it was cut %s, before the last event it covers "+
			"(%s): the table has been altered.", clock.GovUK(stored.Created),
			clock.GovUK(last))
		return false
	}
	out.At = cp.Time
	return true
}

// rehash reads every stored event again, re-hashes it and rebuilds the
// tree, as `holdfast ledger verify` does, and checks the tree against
// every stored checkpoint and the latest (whose consistency with an
// earlier one the next step proves from it): the check's
// claim about the record rests on the rows as stored now, not on the tree
// this instance keeps in memory. It writes nothing.
func (l *Ledger) rehash(ctx context.Context, out *LedgerCheck, cp ledger.Checkpoint) bool {
	const step = "The stored record against the latest checkpoint"
	if cp.Size > maxRehashed {
		out.notChecked(step, "Not checked here: the checkpoint covers %s, more than this page re-hashes (%s). "+
			"Nothing below says the record was not altered; run holdfast ledger verify for the whole record.",
			EventCount(cp.Size), EventCount(maxRehashed))
		return true
	}
	select {
	case rehashing <- struct{}{}:
		defer func() { <-rehashing }()
	case <-ctx.Done():
		return false
	}
	anchors := []ledger.Anchor{{Checkpoint: cp, What: "latest signed checkpoint"}}
	r, err := ledger.VerifyWith(ctx, l.s.st, l.log.Verifier(), anchors, l.s.Now())
	if err != nil {
		if ctx.Err() == nil {
			l.unable(ctx, out, step, err)
		}
		return false
	}
	if !r.OK {
		out.step(false, step, "Every stored event was read and hashed again, and the record has been altered: "+
			"%s.", r.Problem)
		return false
	}
	out.step(true, step, "All %s stored now were read and hashed again, each linked to the one before, and "+
		"their tree has the root every stored checkpoint signed, the latest included: none of the first %s has "+
		"changed since it was signed.", EventCount(uint64(r.Events)), EventCount(cp.Size))
	return true
}

// inclusion proves each event of seqs is in the checkpoint's tree, its
// leaf hashed again from the event as stored now.
func (l *Ledger) inclusion(ctx context.Context, out *LedgerCheck, label string, seqs []int64, cp ledger.Checkpoint) {
	var in, later int
	for _, seq := range seqs {
		if seq > int64(cp.Size) {
			later++
			continue
		}
		var leaf []byte
		err := l.s.st.ScanEvents(ctx, seq, seq, func(e *event.Event) error {
			b, err := e.Leaf()
			leaf = event.LeafHash(b)
			return err
		})
		if err != nil {
			l.unable(ctx, out, label, err)
			return
		}
		if leaf == nil {
			out.step(false, label, "Event %s is covered by the checkpoint but the record no longer holds it: "+
				"it has been removed.", strconv.FormatInt(seq, 10))
			return
		}
		p, err := l.log.InclusionProof(ctx, seq, cp.Size)
		switch {
		case errors.Is(err, ledger.ErrTampered) || errors.Is(err, ledger.ErrRange):
			out.step(false, label, "Event %s cannot be proved in the checkpoint: the record this instance "+
				"keeps stops short of it or has been altered.", strconv.FormatInt(seq, 10))
			return
		case err != nil:
			l.unable(ctx, out, label, err)
			return
		}
		if ledger.VerifyInclusion(uint64(seq-1), cp.Size, leaf, p.Proof, cp.Root) != nil {
			out.step(false, label, "Event %s, hashed again as stored now, does not lead to the root the "+
				"checkpoint signed: it has been altered since it was signed.", strconv.FormatInt(seq, 10))
			return
		}
		in++
	}
	detail := fmt.Sprintf("%s, hashed again as stored now, %s in the tree the latest checkpoint signed.",
		domain.Capitalise(EventCount(uint64(in))), map[bool]string{true: "is", false: "are"}[in == 1])
	switch {
	case in == 0 && later == 0:
		detail = "There are no events to check."
	case in == 0:
		detail = ""
	}
	if later > 0 {
		detail = strings.TrimSpace(detail + " " + domain.Capitalise(EventCount(uint64(later))) + " came after the " +
			"checkpoint: the next checkpoint will cover " + map[bool]string{true: "it", false: "them"}[later == 1] + ".")
	}
	out.step(true, label, "%s", detail)
}

// previous is the newest stored checkpoint smaller than size, signature
// checked, or nil if there is none.
func (l *Ledger) previous(ctx context.Context, size uint64) (*ledger.Checkpoint, error) {
	all, err := l.s.st.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	var best *store.Checkpoint
	for i := range all {
		if c := &all[i]; uint64(c.Size) < size && c.Size > 0 && (best == nil || c.Size > best.Size) {
			best = c
		}
	}
	if best == nil {
		return nil, nil
	}
	cp, err := ledger.Open(best.Note, l.log.Verifier())
	if err != nil {
		return &ledger.Checkpoint{Size: uint64(best.Size)}, nil // its root is nil: the proof fails, and says so
	}
	return &cp, nil
}

// EventCount is a number of events in words: "1 event", "1,042 events".
func EventCount(n uint64) string {
	if n == 1 {
		return "1 event"
	}
	d := strconv.FormatUint(n, 10)
	for i := len(d) - 3; i > 0; i -= 3 {
		d = d[:i] + "," + d[i:]
	}
	return d + " events"
}
