// Package event defines the record: an append-only, hash-chained log of events.
// It owns the envelope, its canonical byte encoding (the Merkle leaf) and the chain hash.
package event

import (
	"crypto/sha256"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// Event is one immutable entry of the log. Seq is global and gap-free; it
// gives every event, whatever its case, one total order.
type Event struct {
	Seq            int64           `json:"seq"`
	At             time.Time       `json:"at"`
	Actor          string          `json:"actor"`
	CaseID         string          `json:"case,omitempty"`
	CaseVersion    int64           `json:"case_version,omitempty"`
	Type           string          `json:"type"`
	PayloadVersion int             `json:"v"`
	Source         string          `json:"source,omitempty"`
	Payload        json.RawMessage `json:"payload"`
	PrevHash       []byte          `json:"-"`
	Hash           []byte          `json:"-"`
}

// LeafFormat names the canonical encoding, so a verifier knows what it reads.
const LeafFormat = "holdfast-event/1"

// Leaf returns the canonical bytes of e: the input of the Merkle leaf hash,
// to which the chain hash also commits. It is one JSON object with the
// fields in this fixed order, the time in UTC with nanoseconds, and the
// payload bytes exactly as stored (an empty payload is {}):
//
//	{"format":"holdfast-event/1","seq":1,"at":"...","actor":"...","case":"...",
//	 "case_version":0,"type":"...","v":1,"source":"","payload":{...}}
//
// Strings are escaped as JSON requires and no more (see appendString).
// Changing this changes every leaf hash: add a new format instead.
func (e *Event) Leaf() ([]byte, error) {
	return e.AppendLeaf(make([]byte, 0, 160+len(e.Payload))), nil
}

// AppendLeaf appends the canonical bytes of e to b.
func (e *Event) AppendLeaf(b []byte) []byte {
	var at [len(time.RFC3339Nano) + 8]byte
	return appendLeaf(
		b,
		e.Seq,
		AppendLeafTime(at[:0], e.At),
		e.Actor,
		e.CaseID,
		e.CaseVersion,
		e.Type,
		e.PayloadVersion,
		e.Source,
		e.Payload,
	)
}

// AppendLeafTime appends t as a leaf writes it: in UTC, RFC 3339 with as
// many fraction digits as it needs (time.RFC3339Nano).
func AppendLeafTime(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(b, time.RFC3339Nano)
}

// Raw is an event as a store streams it to the ledger's verifier: its text
// as bytes, valid only while the callback that receives it runs. Reading a
// whole record through Raw makes no string per field and so allocates
// nothing per event; its leaf is byte for byte the Event's.
type Raw struct {
	Seq            int64
	At             []byte // as AppendLeafTime writes it
	Actor          []byte
	CaseID         []byte
	CaseVersion    int64
	Type           []byte
	PayloadVersion int
	Source         []byte
	Payload        []byte
	PrevHash       []byte
	Hash           []byte
}

// AppendLeaf appends the canonical bytes of r to b: the same bytes as
// Event.AppendLeaf for the same event.
func (r *Raw) AppendLeaf(b []byte) []byte {
	return appendLeaf(b, r.Seq, r.At, r.Actor, r.CaseID, r.CaseVersion, r.Type, r.PayloadVersion, r.Source, r.Payload)
}

// appendLeaf is the one encoder behind Event.AppendLeaf and Raw.AppendLeaf,
// so the two cannot drift apart.
func appendLeaf[S ~string | ~[]byte](
	b []byte,
	seq int64,
	at []byte,
	actor, caseID S,
	caseVersion int64,
	typ S,
	v int,
	source S,
	payload []byte,
) []byte {
	b = append(b, `{"format":"`+LeafFormat+`","seq":`...)
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, `,"at":"`...)
	b = append(b, at...)
	b = append(b, `","actor":`...)
	b = appendString(b, actor)
	b = append(b, `,"case":`...)
	b = appendString(b, caseID)
	b = append(b, `,"case_version":`...)
	b = strconv.AppendInt(b, caseVersion, 10)
	b = append(b, `,"type":`...)
	b = appendString(b, typ)
	b = append(b, `,"v":`...)
	b = strconv.AppendInt(b, int64(v), 10)
	b = append(b, `,"source":`...)
	b = appendString(b, source)
	b = append(b, `,"payload":`...)
	if len(payload) == 0 {
		b = append(b, "{}"...)
	} else {
		b = append(b, payload...)
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string: quote, backslash and control
// characters escaped, invalid UTF-8 bytes as \ufffd, all else as is.
func appendString[S ~string | ~[]byte](b []byte, s S) []byte {
	b = append(b, '"')
	// Most strings (ids, types) need no escaping: copy the plain run
	// before the first byte that might, in one append. The ledger's
	// verifier encodes every leaf, so this is on its hot path.
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < utf8.RuneSelf && s[i] != '"' && s[i] != '\\' {
		i++
	}
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		var r [utf8.UTFMax]byte
		n := copy(r[:], s[i:])
		if c, size := utf8.DecodeRune(r[:n]); c == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
			i++
		} else {
			b = append(b, s[i:i+size]...)
			i += size
		}
	}
	return append(b, '"')
}

// LeafHash is the RFC 6962 leaf hash of the canonical bytes:
// SHA-256(0x00 || leaf). It is both the Merkle tree leaf and what the chain
// hash commits to, so each event's bytes are hashed once.
func LeafHash(leaf []byte) []byte {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(leaf)
	return h.Sum(nil)
}

// ChainHash is SHA-256(prev || leafHash): each event commits to every event
// before it, so an edit, a deletion or a swap breaks the chain where it is.
func ChainHash(prev, leafHash []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(leafHash)
	return h.Sum(nil)
}

// Seal sets e.PrevHash and e.Hash given the hash of the event before it.
func (e *Event) Seal(prev []byte) error {
	l, err := e.Leaf()
	if err != nil {
		return err
	}
	e.PrevHash = prev
	e.Hash = ChainHash(prev, LeafHash(l))
	return nil
}
