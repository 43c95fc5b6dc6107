package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/persons"
)

// The POLE index (persons, objects, locations, events): every person
// recorded on a case — victim, suspect, witness, parent or carer, anyone
// else — with their role there, and the phones, vehicles and addresses
// they bear, each linked to its case. It is derived from each case's
// projection whenever the case is written (like case_terms), so it is a
// projection of the log that `holdfast rebuild` compares. Each person's
// blocking keys (persons.BlockKeys) are kept beside them, so the
// candidates for matching a person are an indexed lookup however large
// the index grows (docs/persons.md#the-index).

// Kinds of object in pole_keys; a blocking key's kind is KeyMatch and
// the rule's id ("m:dob").
const (
	ObjectPhone   = "phone"   // E.164 (audit.NormalisePhone)
	ObjectVehicle = "vehicle" // a registration mark (audit.NormaliseVehicle)
	ObjectAddress = "address" // audit.NormaliseAddress: the postcode, then the rest
	KeyMatch      = "m:"
)

// Person roles in the index beyond those of domain.Person.
const (
	RoleVictim  = "victim"
	RoleSuspect = "suspect"
)

// PolePerson is a person as the index holds them: one row per person per
// case. Phone, Vehicle and Postcode are normalised; Address is the rest
// of the address after its postcode, normalised (audit.NormaliseAddress),
// or the address as recorded in lower case when it has no postcode.
type PolePerson struct {
	CaseID   string `json:"case_id"`
	PersonID string `json:"person_id"` // the victim's, suspect's or person's id on the case
	Role     string `json:"role"`
	Name     string `json:"name"`
	DOB      string `json:"dob,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Vehicle  string `json:"vehicle,omitempty"`
	Address  string `json:"address,omitempty"`
	Postcode string `json:"postcode,omitempty"`
}

// Record is the person as the matcher reads them: the last word of the
// name is the family name, the rest the given names.
func (p *PolePerson) Record() persons.Record {
	words := strings.Fields(p.Name)
	r := persons.Record{ID: p.CaseID + "/" + p.PersonID, DOB: p.DOB, Postcode: p.Postcode, Phone: p.Phone}
	if n := len(words); n > 0 {
		r.Family = words[n-1]
		r.Given = strings.Join(words[:n-1], " ")
	}
	if p.Address != "" {
		r.Address = []string{p.Address}
	}
	return r
}

// PoleKey is one key of the index: an object a person bears (a phone,
// vehicle or address, with the value as recorded in Shown) or one of
// their blocking keys (Kind "m:" and the rule).
type PoleKey struct {
	Kind     string `json:"kind"`
	Key      string `json:"key"`
	CaseID   string `json:"case_id"`
	PersonID string `json:"person_id"`
	Shown    string `json:"shown,omitempty"`
}

// PoleEntries lists the index rows of c: its people, their keys, and a
// digest of both by which a write tells whether they changed. Stable order.
// The digest is remembered for KnownPoleDigest (digestmemo.go).
func PoleEntries(c *domain.Case) (people []PolePerson, keys []PoleKey, digest string) {
	people, keys, digest = poleEntries(c)
	poleMemo.put(indexSource(c), digest)
	return people, keys, digest
}

// poleEntries is PoleEntries without the memo: the oracle of its tests.
func poleEntries(c *domain.Case) (people []PolePerson, keys []PoleKey, digest string) {
	type kk struct{ kind, key, person string }
	seen := map[kk]bool{}
	add := func(p *PolePerson, kind, key, shown string) {
		if key == "" || seen[kk{kind, key, p.PersonID}] {
			return
		}
		seen[kk{kind, key, p.PersonID}] = true
		keys = append(keys, PoleKey{Kind: kind, Key: key, CaseID: c.ID, PersonID: p.PersonID, Shown: shown})
	}
	person := func(p PolePerson, phones, vehicle, address string) {
		for i, ph := range splitPhones(phones) {
			n := audit.NormalisePhone(ph)
			if i == 0 || p.Phone == "" {
				p.Phone = n
			}
			add(&p, ObjectPhone, n, ph)
		}
		if v := audit.NormaliseVehicle(vehicle); v != "" {
			p.Vehicle = v
			add(&p, ObjectVehicle, v, strings.TrimSpace(vehicle))
		}
		if a := strings.TrimSpace(address); a != "" {
			k := audit.NormaliseAddress(a)
			if pc, rest, ok := strings.Cut(k, "|"); ok {
				p.Postcode, p.Address = strings.ReplaceAll(pc, " ", ""), rest
				add(&p, ObjectAddress, k, a)
			} else {
				p.Address = strings.ToLower(strings.Join(strings.Fields(a), " "))
			}
		}
		for _, k := range persons.BlockKeys(p.Record()) {
			add(&p, KeyMatch+k.Rule, k.Key, "")
		}
		people = append(people, p)
	}
	for _, v := range c.Victims {
		person(PolePerson{CaseID: c.ID, PersonID: v.ID, Role: RoleVictim, Name: v.Name, DOB: v.DateOfBirth},
			v.Contact, "", "")
	}
	for _, s := range c.Suspects {
		person(PolePerson{CaseID: c.ID, PersonID: s.ID, Role: RoleSuspect, Name: s.Name, DOB: s.DateOfBirth},
			s.Phone, s.Vehicle, s.Address)
	}
	for _, p := range c.People {
		person(PolePerson{CaseID: c.ID, PersonID: p.ID, Role: p.Role, Name: p.Name}, "", "", "")
	}
	sort.Slice(people, func(i, j int) bool { return people[i].PersonID < people[j].PersonID })
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.PersonID < b.PersonID
	})
	h := sha256.New()
	for _, p := range people {
		for _, f := range PersonRow(&p)[1:] {
			h.Write([]byte(f))
			h.Write([]byte{0})
		}
	}
	for _, k := range keys {
		for _, f := range KeyRow(&k) {
			h.Write([]byte(f))
			h.Write([]byte{0})
		}
	}
	return people, keys, hex.EncodeToString(h.Sum(nil))[:32]
}

// PersonRow is p as a pole_people row, in PolePeopleColumns' order.
func PersonRow(p *PolePerson) []string {
	return []string{p.CaseID, p.PersonID, p.Role, p.Name, p.DOB, p.Phone, p.Vehicle, p.Address, p.Postcode}
}

// KeyRow is k as a pole_keys row, in PoleKeyColumns' order.
func KeyRow(k *PoleKey) []string {
	return []string{k.Kind, k.Key, k.CaseID, k.PersonID, k.Shown}
}

// Columns of the index's tables, in the order of PersonRow and KeyRow.
var (
	PolePeopleColumns = []string{"case_id", "person_id", "role", "name", "dob", "phone", "vehicle", "address",
		"postcode"}
	PoleKeyColumns = []string{"kind", "term", "case_id", "person_id", "shown"}
)

// splitPhones splits a field that may hold several numbers.
func splitPhones(v string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == '\n' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// PoleCandidate is a person in the index with their case's list row.
type PoleCandidate struct {
	PolePerson
	Case CaseRow `json:"case"`
}

// Indexer is what the POLE index answers beyond Store. Every engine in
// sqlstore implements it; the service asks for it by type.
type Indexer interface {
	// PoleCandidates lists the people bearing any of keys (kind and key
	// only), each with their case, skipping a key borne by more than
	// perKey people (it says little, and would make the lookup unbounded).
	PoleCandidates(ctx context.Context, keys []PoleKey, perKey int) ([]PoleCandidate, error)
	// BornOn lists the people born on dob (their blocking key "m:dob",
	// YYYYMMDD) on cases of teamIDs (nil: any team), newest case first,
	// at most limit.
	BornOn(ctx context.Context, dob string, teamIDs []string, limit int) ([]PoleCandidate, error)
	// PolePeople lists the people of cases, with their cases.
	PolePeople(ctx context.Context, caseIDs []string) ([]PoleCandidate, error)
	// PoleObjects lists the object keys (phone, vehicle, address) of the
	// people of cases.
	PoleObjects(ctx context.Context, caseIDs []string) ([]PoleKey, error)
	// PoleBearers lists the object keys equal to keys (kind and key), on
	// any case, at most limit.
	PoleBearers(ctx context.Context, keys []PoleKey, limit int) ([]PoleKey, error)
	// PoleCount counts the people in the index.
	PoleCount(ctx context.Context) (int, error)
}

// UnmatchedPerson is a person queued to be matched against the index: added
// to a case, or changed in what they are matched on, by the write of
// Version (migration 00025). Matching them deletes the row; a failure puts
// NextAt back.
type UnmatchedPerson struct {
	CaseID    string
	PersonID  string
	Version   int64
	QueuedAt  time.Time
	NextAt    time.Time
	Attempts  int
	LastError string
}

// MatchQueue is the outbox of people to match against the index, and the
// matching models trained on it. Every engine in sqlstore implements it.
type MatchQueue interface {
	// DueUnmatched lists the people queued with NextAt at or before due,
	// oldest first, at most limit.
	DueUnmatched(ctx context.Context, due time.Time, limit int) ([]UnmatchedPerson, error)
	// Matched deletes the person's row if it was queued by a write no later
	// than version (a later change queues them again, and stays).
	Matched(ctx context.Context, caseID, personID string, version int64) error
	// MatchFailed counts a failed attempt and puts the next at next.
	MatchFailed(ctx context.Context, caseID, personID string, next time.Time, reason string) error
	// QueueImported queues for matching, as of at, every person of the
	// cases imported after log position since (the imports' own bulk
	// writes do not queue them), leaving any already queued as they are.
	// It answers how many it queued.
	QueueImported(ctx context.Context, since int64, at time.Time) (int, error)
	// PutMatchModel stores a trained model's parameters (persons.Params as
	// JSON) as the next version, and answers it.
	PutMatchModel(ctx context.Context, at time.Time, people int, params []byte) (int, error)
	// MatchModel answers the newest stored model: its version (0 when there
	// is none, and then no params) and parameters.
	MatchModel(ctx context.Context) (int, []byte, error)
	// IndexPeople lists the people of the index, at most most, in the order
	// of their case and id: what a model is trained on.
	IndexPeople(ctx context.Context, most int) ([]PolePerson, error)
}
