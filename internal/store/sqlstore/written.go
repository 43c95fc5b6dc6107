package sqlstore

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/holdfast/holdfast/internal/domain"
)

// Cases kept as written, for the next write of the same case, while a
// record is generated (DeferDerived: `holdfast demo`'s .partial file).
// The generator works each case in a run of commands, and every command's
// prefetch read back the document the one before had just written and
// decoded it: a seventh of generating's CPU (issue 20's profile: 14.4 s
// decoding, 7 s reading, of 95.7 s). Now a write that put a case hands
// the store, on its caller's goroutine once the batch has committed, a
// copy of the case as decoding its document would give it (asDecoded);
// the next prefetch of that case takes the copy instead of reading and
// decoding. Nothing rests on the copy being current: the write still
// compares the stored document with the one the copy stands for, byte for
// byte, and decodes the stored one when they differ (tx.CaseFrom).

// writtenCase is a case's document as a write put it, and the case as
// decoding that document would give it, owned by the cache until taken.
type writtenCase struct {
	doc string
	c   *domain.Case
}

// putCase is a case a running write put, and its document: kept by the
// write's caller once the batch has committed (keepWritten).
type putCase struct {
	c   *domain.Case
	doc []byte
}

// checkWritten, if set (by a test), is shown each case kept and its
// document.
var checkWritten func(kept *domain.Case, doc string)

// writtenMax bounds the cache: the cases the generator works at once are
// a few hundred at most, and a case closed is never prefetched again.
const writtenMax = 1024

type writtenCases struct {
	mu sync.Mutex
	m  map[string]writtenCase
	// taken counts the prefetches answered from the cache (export_test.go).
	taken atomic.Int64
}

// put keeps wc for case id; when full, the cache starts afresh (a case
// not found is read and decoded, as before).
func (w *writtenCases) put(id string, wc writtenCase) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil || len(w.m) >= writtenMax {
		w.m = make(map[string]writtenCase, 64)
	}
	w.m[id] = wc
}

// take hands out the case kept for id, once: the write folds into it.
func (w *writtenCases) take(id string) (writtenCase, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	wc, ok := w.m[id]
	if ok {
		delete(w.m, id)
		w.taken.Add(1)
	}
	return wc, ok
}

func (w *writtenCases) clear() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.m = nil
}

// wrote notes, inside a write, that it put case c as doc; kept only while
// the derived tables are deferred (the generator's .partial file).
func (x *tx) wrote(c *domain.Case, doc []byte) {
	if x.req != nil && x.db.deferred.Load() {
		x.req.put = append(x.req.put, putCase{c: c, doc: doc})
	}
}

// keepWritten keeps, for the next prefetch, what a committed write put.
// It runs on the write's caller's goroutine, after the commit and before
// Write returns: the committer is done with the cases, and the caller has
// not yet had them back, so nothing changes one while it is copied.
func (db *DB) keepWritten(put []putCase) {
	for i, p := range put {
		if later(put[i+1:], p.c.ID) {
			continue // the write put it again: the last one stands
		}
		c, ok := asDecoded(p.c)
		if !ok {
			continue
		}
		if checkWritten != nil {
			checkWritten(c, string(p.doc))
		}
		db.written.put(p.c.ID, writtenCase{doc: string(p.doc), c: c})
	}
}

func later(put []putCase, id string) bool {
	for _, p := range put {
		if p.c.ID == id {
			return true
		}
	}
	return false
}

// asDecoded is what json.Unmarshal of json.Marshal(c) would give, copied
// field by field without the text in between (a tenth of the decoding's
// time): the fields the document leaves out (json:"-", unexported, empty
// under omitempty or zero under omitzero) are left zero, slices and maps
// keep their nil or not, times are as parsed back. ok is false for a
// value holding anything whose text form this does not mirror (an
// interface, a type with its own marshalling, invalid UTF-8, NaN): that
// case is decoded as before. TestAsDecoded compares the two.
func asDecoded(c *domain.Case) (*domain.Case, bool) {
	out := new(domain.Case)
	if !copyAsJSON(reflect.ValueOf(out).Elem(), reflect.ValueOf(c).Elem()) {
		return nil, false
	}
	return out, true
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	isZeroerType    = reflect.TypeFor[interface{ IsZero() bool }]()
)

// copyAsJSON sets dst, a zero value of src's type, to src as a JSON round
// trip would leave it; false if it cannot say.
func copyAsJSON(dst, src reflect.Value) bool {
	switch src.Kind() {
	case reflect.Bool:
		dst.SetBool(src.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		dst.SetInt(src.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		dst.SetUint(src.Uint())
	case reflect.Float32, reflect.Float64:
		f := src.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false // the encoder refuses it
		}
		dst.SetFloat(f)
	case reflect.String:
		s := src.String()
		if !utf8.ValidString(s) {
			return false // the encoder would replace the invalid bytes
		}
		dst.SetString(s)
	case reflect.Pointer:
		if src.IsNil() {
			return true
		}
		p := reflect.New(src.Type().Elem())
		if !copyAsJSON(p.Elem(), src.Elem()) {
			return false
		}
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return true
		}
		n := src.Len()
		s := reflect.MakeSlice(src.Type(), n, n)
		if src.Type().Elem().Kind() == reflect.Uint8 && plain(src.Type().Elem()) {
			reflect.Copy(s, src) // base64 there and back
		} else {
			for i := 0; i < n; i++ {
				if !copyAsJSON(s.Index(i), src.Index(i)) {
					return false
				}
			}
		}
		dst.Set(s)
	case reflect.Array:
		for i := 0; i < src.Len(); i++ {
			if !copyAsJSON(dst.Index(i), src.Index(i)) {
				return false
			}
		}
	case reflect.Map:
		t := src.Type()
		if t.Key().Kind() != reflect.String || !plain(t.Key()) {
			return false
		}
		if src.IsNil() {
			return true
		}
		m := reflect.MakeMapWithSize(t, src.Len())
		for it := src.MapRange(); it.Next(); {
			if !utf8.ValidString(it.Key().String()) {
				return false
			}
			v := reflect.New(t.Elem()).Elem()
			if !copyAsJSON(v, it.Value()) {
				return false
			}
			m.SetMapIndex(it.Key(), v)
		}
		dst.Set(m)
	case reflect.Struct:
		return copyStruct(dst, src)
	default: // interfaces, channels, functions, complex numbers
		return false
	}
	return true
}

func copyStruct(dst, src reflect.Value) bool {
	if src.Type() == timeType {
		t := src.Interface().(time.Time)
		if t.Location() == time.UTC {
			dst.Set(reflect.ValueOf(t.Round(0))) // as parsed from "…Z": no monotonic reading
			return true
		}
		b, err := t.MarshalJSON()
		if err != nil {
			return false
		}
		var back time.Time
		if err := back.UnmarshalJSON(b); err != nil {
			return false
		}
		dst.Set(reflect.ValueOf(back))
		return true
	}
	fs, ok := structFields(src.Type())
	if !ok {
		return false
	}
	for _, f := range fs {
		v := src.Field(f.i)
		if f.omitEmpty && emptyJSON(v) || f.omitZero && zeroJSON(v) {
			continue
		}
		if !copyAsJSON(dst.Field(f.i), v) {
			return false
		}
	}
	return true
}

// plain says t has no marshalling of its own.
func plain(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	for _, i := range []reflect.Type{marshalerType, unmarshalerType, textMarshaler, textUnmarshaler} {
		if t.Implements(i) || p.Implements(i) {
			return false
		}
	}
	return true
}

type jsonField struct {
	i                   int
	omitEmpty, omitZero bool
}

type fieldsOf struct {
	fs []jsonField
	ok bool
}

var structPlans sync.Map // reflect.Type → fieldsOf

// structFields are the fields of struct type t that its JSON carries;
// false for a struct whose JSON this does not mirror field by field (its
// own marshalling, embedded structs, two fields of one name, a type with
// IsZero on its pointer).
func structFields(t reflect.Type) ([]jsonField, bool) {
	if p, ok := structPlans.Load(t); ok {
		return p.(fieldsOf).fs, p.(fieldsOf).ok
	}
	p := fieldsOf{ok: plain(t)}
	names := map[string]bool{}
	for i := 0; p.ok && i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous {
			p.ok = false
			break
		}
		tag := sf.Tag.Get("json")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		if names[strings.ToLower(name)] {
			p.ok = false
			break
		}
		names[strings.ToLower(name)] = true
		f := jsonField{i: i}
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "omitempty":
				f.omitEmpty = true
			case "omitzero":
				f.omitZero = true
				pz := reflect.PointerTo(sf.Type).Implements(isZeroerType)
				if sf.Type.Kind() == reflect.Pointer || pz && !sf.Type.Implements(isZeroerType) {
					p.ok = false
				}
			}
		}
		p.fs = append(p.fs, f)
	}
	structPlans.Store(t, p)
	return p.fs, p.ok
}

// emptyJSON is encoding/json's test for omitempty.
func emptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// zeroJSON is encoding/json's test for omitzero: IsZero if the type has
// one, else the zero value.
func zeroJSON(v reflect.Value) bool {
	if v.Type().Implements(isZeroerType) {
		return v.Interface().(interface{ IsZero() bool }).IsZero()
	}
	return v.IsZero()
}
