package casefile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/strictjson"
)

// Unit is a force, department or team named in the file.
type Unit struct {
	Ref    string `json:"ref"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`             // force | department | team
	Parent string `json:"parent,omitempty"` // a unit ref in the file, or the name of a unit already in Holdfast
}

// Officer is a person who worked a case. Officers are matched to existing
// users by collar number; others become users without a password.
type Officer struct {
	Ref    string    `json:"ref"`
	Name   string    `json:"name"`
	Collar string    `json:"collar"`
	Rank   string    `json:"rank"`
	Unit   string    `json:"unit"`
	Left   time.Time `json:"left,omitzero"`
	// Roles are Holdfast's roles (investigator, supervisor, manager, …):
	// who supervises a team is who holds the supervisor role in it.
	Roles []string `json:"roles,omitempty"`
	// Accreditations are what the officer is trained for (issue 21):
	// checked as the service's AwardAccreditation checks them.
	Accreditations []Accreditation `json:"accreditations,omitempty"`
}

// Accreditation is one of an officer's accreditations: a kind the
// force's policy lists, dates as YYYY-MM-DD London days.
type Accreditation struct {
	Kind      string `json:"kind"`
	AwardedOn string `json:"awarded_on"`
	Expires   string `json:"expires,omitempty"` // when a refresh is due; empty: does not lapse
	Evidence  string `json:"evidence,omitempty"`
}

// Case is one case with its history.
type Case struct {
	Ref          string     `json:"ref"` // the source system's reference: the key for re-imports
	Team         string     `json:"team"`
	Opened       time.Time  `json:"opened"`
	Summary      string     `json:"summary"`
	OffenceTypes []string   `json:"offence_types"`
	Marking      string     `json:"marking,omitempty"`
	Owner        string     `json:"owner,omitempty"` // officer ref
	Victims      []Victim   `json:"victims,omitempty"`
	Suspects     []Suspect  `json:"suspects,omitempty"`
	Actions      []Action   `json:"actions,omitempty"`
	Contacts     []Contact  `json:"contacts,omitempty"`
	Reviews      []Review   `json:"reviews,omitempty"`
	Transfers    []Transfer `json:"transfers,omitempty"`
	Plan         *Plan      `json:"plan,omitempty"`
	Closure      *Closure   `json:"closure,omitempty"`
	// Notes, the decision log and Victims' Right to Review requests:
	// history.go.
	Notes     []Note     `json:"notes,omitempty"`
	Decisions []Decision `json:"decisions,omitempty"`
	VRRs      []VRR      `json:"vrrs,omitempty"`
}

// Plan is the investigation plan as last written.
type Plan struct {
	Text string    `json:"text"`
	By   string    `json:"by,omitempty"`
	At   time.Time `json:"at"`
}

type Victim struct {
	Ref   string    `json:"ref"`
	Name  string    `json:"name"`
	DOB   string    `json:"dob,omitempty"` // YYYY-MM-DD
	Added time.Time `json:"added"`
	// Enhanced is the Victims' Code enhanced entitlement; absent means
	// entitled, as every victim of these offences is.
	Enhanced        *bool          `json:"enhanced,omitempty"`
	ContactPlan     *ContactPlan   `json:"contact_plan,omitempty"`
	SupportReferral time.Time      `json:"support_referral,omitzero"`
	NeedsAssessment time.Time      `json:"needs_assessment,omitzero"`
	Notifications   []Notification `json:"notifications,omitempty"`
}

// ContactPlan is how often and how the victim agreed to be updated.
type ContactPlan struct {
	EveryDays int       `json:"every_days"`
	Method    string    `json:"method"`
	Agreed    time.Time `json:"agreed"`
	By        string    `json:"by,omitempty"` // officer who agreed it
}

// Notification is a key decision the victim was told of (Victims' Code
// Right 6): a suspect interviewed or charged, the case closed, ….
type Notification struct {
	Decision string    `json:"decision"`
	At       time.Time `json:"at"`
	Method   string    `json:"method,omitempty"`
	By       string    `json:"by,omitempty"`
}

type Suspect struct {
	Ref         string    `json:"ref"`
	Name        string    `json:"name,omitempty"`
	Description string    `json:"description,omitempty"`
	DOB         string    `json:"dob,omitempty"`
	Added       time.Time `json:"added"`
	Status      string    `json:"status,omitempty"` // the last known: interviewed, charged, no_further_action, ...
	StatusOn    string    `json:"status_on,omitempty"`
	// Statuses is the suspect's whole history, each change with its date,
	// oldest first; status and status_on, if also given, are its last.
	Statuses []SuspectStatus `json:"statuses,omitempty"`
	Phone    string          `json:"phone,omitempty"`
	Vehicle  string          `json:"vehicle,omitempty"`
	Address  string          `json:"address,omitempty"`
}

// SuspectStatus is one change of a suspect's status.
type SuspectStatus struct {
	Status string `json:"status"`
	On     string `json:"on"` // YYYY-MM-DD
}

// OffenceMap maps the source system's offence text to a Holdfast offence
// code for this file (docs/import-format.md).
type OffenceMap struct {
	Text string `json:"text"`
	Code string `json:"code"`
}

type Action struct {
	Ref         string    `json:"ref"`
	Title       string    `json:"title"`
	Raised      time.Time `json:"raised"`
	RaisedBy    string    `json:"raised_by,omitempty"`
	AllocatedTo string    `json:"allocated_to,omitempty"`
	Target      time.Time `json:"target,omitzero"`  // agreed completion date; default: the policy's
	Result      string    `json:"result,omitempty"` // what was done and found
	// Outcome is how the line of enquiry ended (one of
	// domain.ActionOutcomes: completed, nothing_found, ...) and Reference
	// the statement or exhibit it produced: both only with a result, both
	// optional, as a result recorded before Holdfast asked them has neither.
	Outcome   string    `json:"outcome,omitempty"`
	Reference string    `json:"reference,omitempty"`
	Resulted  time.Time `json:"resulted,omitzero"`
	Filed     time.Time `json:"filed,omitzero"`
	FiledBy   string    `json:"filed_by,omitempty"`
}

// Contact is one contact with a victim: Note is what she was told and
// said, optional here because legacy systems often kept none.
type Contact struct {
	Victim string    `json:"victim"` // victim ref
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Method string    `json:"method,omitempty"`
	Note   string    `json:"note,omitempty"`
	By     string    `json:"by,omitempty"`
}

type Review struct {
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Summary string    `json:"summary"`
}

type Transfer struct {
	At       time.Time `json:"at"`
	To       string    `json:"to"` // unit ref or name
	Reason   string    `json:"reason"`
	By       string    `json:"by,omitempty"`
	Accepted time.Time `json:"accepted,omitzero"`
	Owner    string    `json:"owner,omitempty"` // the receiving owner
}

type Closure struct {
	Outcome    string    `json:"outcome"`
	Proposed   time.Time `json:"proposed"`
	ProposedBy string    `json:"proposed_by"`
	Approved   time.Time `json:"approved,omitzero"`
	ApprovedBy string    `json:"approved_by,omitempty"`
	// Closed is when a legacy record closed the case approved by nobody:
	// it arrives closed as decided, and the audits flag it.
	Closed    time.Time `json:"closed,omitzero"`
	Rationale struct {
		LinesConsidered string `json:"lines_considered,omitempty"`
		WhyNoneRemain   string `json:"why_none_remain,omitempty"`
		SuspectsStatus  string `json:"suspects_status,omitempty"`
		VictimView      string `json:"victim_view,omitempty"`
	} `json:"rationale"`
}

// Line is a record and where it came from.
type Line[T any] struct {
	N      int
	Record T
	Hash   string // of the line's canonical JSON: a re-import compares it
}

// File is everything read from one file.
type File struct {
	Units    []Line[Unit]
	Officers []Line[Officer]
	Cases    []Line[Case]
	// OffenceMaps map the source system's offence texts to codes.
	OffenceMaps []Line[OffenceMap]
}

// Problem is one thing wrong with the file.
type Problem struct {
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Field != "" {
		return fmt.Sprintf("line %d: %s: %s", p.Line, p.Field, p.Message)
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Message)
}

// Problems is every problem found; a file with any is refused whole.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s; nothing was imported:", domain.Plural(len(ps), "problem", "problems"))
	for i, p := range ps {
		if i == 50 {
			fmt.Fprintf(&b, "\n  … and %d more", len(ps)-50)
			break
		}
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// MaxLine bounds one line, so a damaged file cannot exhaust memory.
const MaxLine = 4 << 20

// ReadJSONL reads the JSON Lines format (docs/import-format.md). It checks
// the shape of each record; the service checks what the records refer to.
// Lines are decoded on every core, a batch at a time, and put together in
// file order, so the result is exactly that of reading them one by one.
func ReadJSONL(r io.Reader) (*File, error) {
	f := &File{}
	var ps Problems
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	seen := map[string]int{}
	var batch []rawLine
	var out []parsedLine // as long as the longest batch: a small file stays cheap
	flush := func() {
		if len(out) < len(batch) {
			out = make([]parsedLine, len(batch))
		}
		decodeLines(batch, out)
		for i := range batch {
			p := &out[i]
			ps = append(ps, p.ps...)
			switch p.kind {
			case "unit":
				ps = dup(ps, seen, "unit "+p.unit.Ref, p.n)
				f.Units = append(f.Units, Line[Unit]{N: p.n, Record: p.unit, Hash: p.hash})
			case "officer":
				ps = dup(ps, seen, "officer "+p.officer.Ref, p.n)
				f.Officers = append(f.Officers, Line[Officer]{N: p.n, Record: p.officer, Hash: p.hash})
			case "case":
				f.Cases = append(f.Cases, Line[Case]{N: p.n, Record: p.kase, Hash: p.hash})
			case "offence_map":
				ps = dup(ps, seen, "offence_map "+strings.ToLower(strings.TrimSpace(p.omap.Text)), p.n)
				f.OffenceMaps = append(f.OffenceMaps, Line[OffenceMap]{N: p.n, Record: p.omap, Hash: p.hash})
			}
			*p = parsedLine{}
		}
		batch = batch[:0]
	}
	n := 0
	for sc.Scan() {
		n++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 || raw[0] == '#' {
			continue
		}
		batch = append(batch, rawLine{n: n, b: bytes.Clone(raw)})
		if len(batch) == jsonlBatch {
			flush()
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			ps = append(ps, Problem{Line: n + 1, Message: fmt.Sprintf("line longer than %d bytes", MaxLine)})
		} else {
			return nil, fmt.Errorf("read case file: %w", err)
		}
	}
	ps = append(ps, f.duplicateCases()...)
	if len(ps) > 0 {
		return f, ps
	}
	return f, nil
}

// jsonlBatch is how many lines are decoded together: enough to keep every
// core busy, few enough that a large file is not all held twice.
const jsonlBatch = 1024

type rawLine struct {
	n int
	b []byte
}

// parsedLine is one line decoded: its record (kind says which, "" if it
// had none) and the problems found in it alone.
type parsedLine struct {
	n       int
	kind    string
	unit    Unit
	officer Officer
	kase    Case
	omap    OffenceMap
	hash    string
	ps      Problems
}

// decodeLines decodes lines into out[:len(lines)], sharing them among the
// cores. Each line is decoded on its own, so the order does not matter.
func decodeLines(lines []rawLine, out []parsedLine) {
	workers := min(runtime.GOMAXPROCS(0), (len(lines)+63)/64)
	if workers <= 1 {
		for i, l := range lines {
			out[i] = decodeLine(l.n, l.b)
		}
		return
	}
	var wg sync.WaitGroup
	per := (len(lines) + workers - 1) / workers
	for lo := 0; lo < len(lines); lo += per {
		hi := min(lo+per, len(lines))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				out[i] = decodeLine(lines[i].n, lines[i].b)
			}
		})
	}
	wg.Wait()
}

// decodeLine decodes and checks one line (numbered n) by itself; what
// needs the other lines (refs defined twice, duplicate cases) is checked
// when they are put together.
func decodeLine(n int, raw []byte) parsedLine {
	p := parsedLine{n: n}
	// Nearly every line is split in one pass; the rest are decoded whole,
	// which also says what is wrong with them.
	typ, body, fast := splitLine(raw)
	if !fast {
		var head struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			p.ps = Problems{{Line: n, Message: "not a JSON object: " + jsonError(err)}}
			return p
		}
		typ = head.Type
	}
	var bad *Problem
	if t, ok := lineTypes[typ]; ok {
		bad = strictLine(raw, t, n)
	}
	if bad != nil {
		p.ps = Problems{*bad}
		return p
	}
	if !fast {
		body = stripType(raw)
	}
	switch typ {
	case "unit":
		if bad = strict(body, &p.unit, n); bad == nil {
			p.kind, p.ps = "unit", p.unit.check(n)
		}
	case "officer":
		if bad = strict(body, &p.officer, n); bad == nil {
			p.kind, p.ps = "officer", p.officer.check(n)
		}
	case "case":
		if bad = strict(body, &p.kase, n); bad == nil {
			p.kind, p.ps = "case", p.kase.check(n)
		}
	case "offence_map":
		if bad = strict(body, &p.omap, n); bad == nil {
			p.kind, p.ps = "offence_map", p.omap.check(n)
		}
	case "":
		bad = &Problem{Line: n, Field: "type", Message: `missing: say what the line is ("unit", "officer", "case" or "offence_map")`}
	default:
		bad = &Problem{
			Line:  n,
			Field: "type",
			Message: fmt.Sprintf("%q is not a record type: use \"unit\", \"officer\", \"case\" or \"offence_map\"",
				typ),
		}
	}
	if bad != nil {
		p.ps = Problems{*bad}
		return p
	}
	p.hash = hash(body)
	return p
}

// duplicateCases allows the same case twice only if both lines say the
// same; otherwise which one is true cannot be known.
func (f *File) duplicateCases() Problems {
	var ps Problems
	first := map[string]Line[Case]{}
	kept := f.Cases[:0]
	for _, l := range f.Cases {
		if prev, ok := first[l.Record.Ref]; ok {
			if prev.Hash != l.Hash {
				ps = append(
					ps,
					Problem{
						Line:  l.N,
						Field: "ref",
						Message: fmt.Sprintf(
							"case %s appears again (first on line %d) with different contents",
							l.Record.Ref,
							prev.N,
						),
					},
				)
			}
			continue
		}
		first[l.Record.Ref] = l
		kept = append(kept, l)
	}
	f.Cases = kept
	return ps
}

func dup(ps Problems, seen map[string]int, key string, n int) Problems {
	if prev, ok := seen[key]; ok {
		return append(
			ps,
			Problem{Line: n, Field: "ref", Message: fmt.Sprintf("%s is defined twice (also on line %d)", key, prev)},
		)
	}
	seen[key] = n
	return ps
}

// lineTypes is what each kind of line decodes into, with its "type" key,
// for the strict check: the same one the API applies (strictjson), before
// stripType re-encodes the line and so would hide what it finds (invalid
// UTF-8 and lone surrogates become U+FFFD; a key given twice, its last).
var lineTypes = map[string]reflect.Type{
	"unit": reflect.TypeFor[struct {
		typed
		Unit
	}](),
	"officer": reflect.TypeFor[struct {
		typed
		Officer
	}](),
	"case": reflect.TypeFor[struct {
		typed
		Case
	}](),
	"offence_map": reflect.TypeFor[struct {
		typed
		OffenceMap
	}](),
}

type typed struct {
	Type string `json:"type"`
}

// strictLine is the strict checker's first problem with line n, if any.
func strictLine(raw []byte, t reflect.Type, n int) *Problem {
	p := strictjson.Check(raw, t)
	if p == nil {
		return nil
	}
	msg := p.Message
	switch p.Rule {
	case "invalid_text":
		if p.Field == "" {
			msg = "the line is " + strings.TrimPrefix(msg, "the text ")
		}
	case "duplicate_key":
		msg = "given twice on one line: give each field once"
	case "key_case":
		msg = strings.TrimPrefix(msg, fmt.Sprintf("field %q ", p.Field))
	}
	return &Problem{Line: n, Field: p.Field, Message: msg}
}

// stripType removes the "type" member so each record decodes strictly.
func stripType(raw []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	delete(m, "type")
	b, _ := json.Marshal(m) // sorted keys: a canonical form for the hash
	return b
}

func strict(b []byte, v any, n int) *Problem {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		field := ""
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			field = ute.Field
		}
		msg := jsonError(err)
		if field == "" {
			field = culprit(b, v)
		}
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			field = strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			msg = "not a field of this record type (see docs/import-format.md)"
		}
		return &Problem{Line: n, Field: field, Message: msg}
	}
	return nil
}

// culprit finds which top-level member of b fails to decode into v's type,
// when the decoder's error does not say (a bad time, say).
func culprit(b []byte, v any) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t := reflect.TypeOf(v).Elem()
	for _, k := range keys {
		one, _ := json.Marshal(map[string]json.RawMessage{k: m[k]})
		if json.Unmarshal(one, reflect.New(t).Interface()) != nil {
			return k
		}
	}
	return ""
}

func jsonError(err error) string {
	var te *time.ParseError
	if errors.As(err, &te) {
		return fmt.Sprintf("%q is not a time: write it as RFC 3339, e.g. 2014-03-02T10:00:00Z", te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func hash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
