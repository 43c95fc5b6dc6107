package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

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
}

// LedgerCheck is the outcome: every step held or not.
type LedgerCheck struct {
	OK    bool         `json:"ok"`
	Steps []LedgerStep `json:"steps"`
	// Checkpoint is the latest signed checkpoint, of Size events, cut at At.
	Checkpoint string    `json:"checkpoint,omitempty"`
	Size       uint64    `json:"size"`
	At         time.Time `json:"at,omitzero"`
}

func (c *LedgerCheck) step(ok bool, what, detail string, args ...any) {
	c.Steps = append(c.Steps, LedgerStep{What: what, OK: ok, Detail: fmt.Sprintf(detail, args...)})
	if !ok {
		c.OK = false
	}
}

// maxCheckedEvents is the most events of one case the check proves.
const maxCheckedEvents = 500

// Check verifies the latest checkpoint's signature and that it matches the
// record; that an earlier checkpoint is a prefix of it (consistency); and
// that the events asked for are in it (inclusion), each leaf hashed again
// from the stored event. Auditors, inspectors and administrators may run
// it; it records a read only when it looks at a case's events.
func (l *Ledger) Check(ctx context.Context, a *Actor, in LedgerCheckRequest) (*LedgerCheck, error) {
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
	latest, err := l.log.Latest(ctx)
	if err != nil {
		out.step(false, "The latest signed checkpoint", "No checkpoint has been signed yet: there is nothing to check "+
			"against. An administrator can sign one now, or the schedule will.")
		return out, nil
	}
	out.Checkpoint, out.Size, out.At = string(latest.Note), uint64(latest.Size), latest.Created
	cp, err := ledger.Open(latest.Note, l.log.Verifier())
	if err != nil {
		out.step(false, "The latest checkpoint's signature", "It does not verify with the force's public key: "+
			"the checkpoint is forged or damaged (%v)", err)
		return out, nil
	}
	out.step(true, "The latest checkpoint's signature", "Signed with the force's key %s, covering the first %s.",
		l.log.Origin(), EventCount(cp.Size))
	now, err := l.log.ConsistencyProof(ctx, cp.Size, cp.Size)
	if err != nil {
		out.step(false, "The record against the latest checkpoint", "The record does not hold the %s it covers: %v",
			EventCount(cp.Size), err)
		return out, nil
	}
	out.step(bytes.Equal(now.Root1, cp.Root), "The record against the latest checkpoint", "%s",
		map[bool]string{true: "The record's tree of those events has the root the checkpoint signed: none of " +
			"them has changed since.", false: "The record's tree of those events does not have the root the " +
			"checkpoint signed: the record has been altered since it was signed."}[bytes.Equal(now.Root1, cp.Root)])

	what := "the earlier checkpoint you gave"
	if earlier == nil {
		if earlier, err = l.previous(ctx, cp.Size); err != nil {
			return nil, err
		}
		what = "the checkpoint before it"
	}
	switch {
	case earlier == nil:
		out.step(true, "Consistency with an earlier checkpoint", "There is no earlier checkpoint to compare with.")
	case earlier.Size > cp.Size:
		out.step(false, "Consistency with "+what, "It covers %s, more than the latest checkpoint's %d: the log "+
			"has been cut back, or the latest checkpoint is not the latest.", EventCount(earlier.Size), cp.Size)
	default:
		p, err := l.log.ConsistencyProof(ctx, earlier.Size, cp.Size)
		if err == nil {
			err = ledger.VerifyConsistency(earlier.Size, cp.Size, p.Proof, earlier.Root, cp.Root)
		}
		if err != nil {
			out.step(false, "Consistency with "+what, "The first %s are not the same now as when %s was "+
				"signed: history has been rewritten (%v)", EventCount(earlier.Size), what, err)
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
	return out, nil
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
		if err == nil && leaf == nil {
			err = fmt.Errorf("the record no longer holds it")
		}
		var p *ledger.Inclusion
		if err == nil {
			p, err = l.log.InclusionProof(ctx, seq, cp.Size)
		}
		if err == nil {
			err = ledger.VerifyInclusion(uint64(seq-1), cp.Size, leaf, p.Proof, cp.Root)
		}
		if err != nil {
			out.step(false, label, "Event %d is not in the checkpoint as it is stored now: it has been altered or "+
				"removed (%v)", seq, err)
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
