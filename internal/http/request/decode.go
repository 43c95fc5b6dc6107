package request

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/strictjson"
)

// MaxBody bounds a request body. Nothing Holdfast accepts is near it.
const MaxBody = 1 << 20

// Error is input refused before it reached the service: every problem
// found, and the status it is answered with (400; 413 or 415 for a body
// refused whole). It unwraps to its domain.Problems, so a caller treats it
// like any other refusal.
type Error struct {
	Status   int
	Problems domain.Problems
}

func (e *Error) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, "; ")
}

func (e *Error) Unwrap() error { return e.Problems }

func refuse(status int, field, rule, msg string) *Error {
	return &Error{Status: status, Problems: domain.Problems{{Field: field, Rule: rule, Message: msg}}}
}

// The decoder fills a command's input struct, a pointer passed as v, the
// same way from a JSON body (the API) and from a form (the pages):
//   - a field is named by its json tag (an untagged exported field by its
//     Go name, as encoding/json does); json:"-" fields are skipped;
//   - a field tagged path:"name" (and json:"-") comes from the path segment
//     {name} in the API and from the form field name in the pages;
//   - embedded structs are flattened; a named struct field's fields are
//     nested: "rationale.outcome" in a form, an object in JSON.
//
// In a form, a value that is empty or absent leaves its field as it was
// (zero): the service says what is required. Ints and floats must parse;
// bools are yes/true/on/1 or no/false/off/0 (an unticked box sends
// nothing); a []string takes every value of a repeated field, each split
// into lines with blank lines dropped, so both a textarea (one item a line)
// and repeated inputs work; a type with UnmarshalText (time.Time) parses
// itself. Form fields the struct does not name are ignored: pages carry
// csrf and their own controls. Every bad field is reported at once.

// DecodeJSON reads one JSON object into v, refusing unknown fields, wrong
// types, trailing data and oversized bodies with problems naming the field,
// then fills v's path fields from r's path. It is strict where Go's decoder
// is lenient (see strictJSON), and checks every text field against the
// domain's limits (domain.CheckFields).
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return refuse(http.StatusUnsupportedMediaType, "", "content_type",
				fmt.Sprintf("content type %q: send application/json", ct))
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		return jsonError(reflect.TypeOf(v), err)
	}
	if err := strictJSON(body, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(reflect.TypeOf(v), err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return refuse(http.StatusBadRequest, "", "single_object", "the body must hold exactly one JSON object")
	}
	var ps domain.Problems
	walk(reflect.ValueOf(v), "", func(name string, path bool, f reflect.Value) {
		if path {
			if p := setString(f, name, r.PathValue(name)); p != nil {
				ps = append(ps, *p)
			}
		}
	})
	return refused(append(ps, domain.CheckFields(v)...))
}

// strictJSON refuses what encoding/json would quietly accept (invalid
// UTF-8 or a lone surrogate escape, a key in another case, a key twice):
// see strictjson.Check, which the import applies too. t is the type the
// body decodes into. Syntax errors are left for the decoder to describe.
func strictJSON(body []byte, t reflect.Type) error {
	if p := strictjson.Check(body, t); p != nil {
		msg := p.Message
		if strings.HasPrefix(msg, "not valid UTF-8") {
			msg = "the body is " + msg
		}
		return refuse(http.StatusBadRequest, p.Field, p.Rule, msg)
	}
	return nil
}

// DecodeForm fills v from a parsed form (see the rules above). A string
// field the form does not name, but whose date input it holds ("dob-day",
// "dob-month", "dob-year"), is the ISO date those make (DateInput).
func DecodeForm(form url.Values, v any, opts ...FormOption) error {
	var o formOptions
	for _, opt := range opts {
		opt(&o)
	}
	var ps domain.Problems
	if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		ps = append(ps, domain.Problem{Rule: "unsupported",
			Message: fmt.Sprintf("a form cannot fill a %T: a fault in Holdfast, report it", v)})
	}
	walk(reflect.ValueOf(v), "", func(name string, path bool, f reflect.Value) {
		vals := form[name]
		var p *domain.Problem
		switch {
		case len(vals) == 0 && !path && f.Kind() == reflect.String && HasDateInput(form, name):
			iso, bad := DateInput(form, name, o.label(name))
			if bad == nil {
				f.SetString(iso)
			}
			p = bad
		case len(vals) == 0:
		case path:
			p = setString(f, name, vals[0])
		default:
			p = set(f, name, vals)
		}
		if p != nil {
			ps = append(ps, *p)
		}
	})
	return refused(append(ps, domain.CheckFields(v)...))
}

// refused is nil without problems; with any, the error for them all: a
// fault of ours (a field no request can fill) outranks bad input.
func refused(ps domain.Problems) error {
	if len(ps) == 0 {
		return nil
	}
	status := http.StatusBadRequest
	for _, p := range ps {
		if p.Rule == "unsupported" {
			status = http.StatusInternalServerError
		}
	}
	return &Error{Status: status, Problems: ps}
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// walk calls fn for every field of the struct v points to that a request
// may set, with its name in a form and whether it comes from the path.
// Anything but a non-nil pointer to a struct has no fields.
func walk(v reflect.Value, prefix string, fn func(name string, path bool, f reflect.Value)) {
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return
	}
	s := v.Elem()
	for i := range s.NumField() {
		sf, f := s.Type().Field(i), s.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if p := sf.Tag.Get("path"); p != "" {
			if f.CanSet() {
				fn(p, true, f)
			}
			continue
		}
		if name == "-" {
			continue
		}
		st := sf.Type
		if sf.Anonymous && name == "" {
			if st.Kind() == reflect.Pointer && st.Elem().Kind() == reflect.Struct && f.CanSet() {
				if f.IsNil() {
					f.Set(reflect.New(st.Elem()))
				}
				walk(f, prefix, fn)
			} else if st.Kind() == reflect.Struct {
				walk(f.Addr(), prefix, fn)
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if st.Kind() == reflect.Struct && !reflect.PointerTo(st).Implements(textUnmarshaler) {
			walk(f.Addr(), prefix+name+".", fn)
			continue
		}
		if f.CanSet() {
			fn(prefix+name, false, f)
		}
	}
}

func setString(f reflect.Value, name, s string) *domain.Problem {
	if f.Kind() != reflect.String {
		return unsupported(f, name)
	}
	f.SetString(s)
	return nil
}

func unsupported(f reflect.Value, name string) *domain.Problem {
	return &domain.Problem{Field: name, Rule: "unsupported",
		Message: fmt.Sprintf(
			"field %q (%s) cannot be read from a request: a fault in Holdfast, report it",
			name,
			f.Type(),
		)}
}

// set stores a form field's values in f.
func set(f reflect.Value, name string, vals []string) *domain.Problem {
	s := vals[0]
	if f.Kind() != reflect.Slice && strings.TrimSpace(s) == "" {
		return nil
	}
	bad := func(rule, want string) *domain.Problem {
		return &domain.Problem{
			Field:   name,
			Rule:    rule,
			Message: fmt.Sprintf("%s must be %s, not %q", label(name), want, s),
		}
	}
	if u, ok := f.Addr().Interface().(encoding.TextUnmarshaler); ok {
		if err := u.UnmarshalText([]byte(strings.TrimSpace(s))); err != nil {
			return bad("format", "in the expected format")
		}
		return nil
	}
	switch f.Kind() {
	case reflect.Pointer:
		e := reflect.New(f.Type().Elem())
		if p := set(e.Elem(), name, vals); p != nil {
			return p
		}
		f.Set(e)
	case reflect.String:
		f.SetString(s)
	case reflect.Bool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "yes", "true", "on", "1":
			f.SetBool(true)
		case "no", "false", "off", "0":
			f.SetBool(false)
		default:
			return bad("yes_no", "yes or no")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, f.Type().Bits())
		if err != nil {
			return bad("whole_number", "a whole number")
		}
		f.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, f.Type().Bits())
		if err != nil {
			return bad("whole_number", "a whole number from 0")
		}
		f.SetUint(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(strings.TrimSpace(s), f.Type().Bits())
		if err != nil {
			return bad("number", "a number")
		}
		f.SetFloat(n)
	case reflect.Slice:
		if f.Type().Elem().Kind() != reflect.String {
			return unsupported(f, name)
		}
		items := reflect.MakeSlice(f.Type(), 0, len(vals))
		for _, v := range vals {
			for _, l := range strings.Split(v, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					items = reflect.Append(items, reflect.ValueOf(l).Convert(f.Type().Elem()))
				}
			}
		}
		if items.Len() > 0 {
			f.Set(items)
		}
	default:
		return unsupported(f, name)
	}
	return nil
}

// label is a field's name as a person reads it: "every days" for
// "every_days", "lines considered" for "rationale.lines_considered".
func label(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return strings.ReplaceAll(name, "_", " ")
}

func jsonError(t reflect.Type, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return refuse(
			http.StatusRequestEntityTooLarge,
			"",
			"too_large",
			fmt.Sprintf("the body is over %d bytes", MaxBody),
		)
	case errors.As(err, &syn):
		return refuse(
			http.StatusBadRequest,
			"",
			"json",
			fmt.Sprintf("the body is not valid JSON (at byte %d)", syn.Offset),
		)
	case errors.As(err, &typ):
		f := jsonField(t, typ.Field)
		return refuse(http.StatusBadRequest, f, "type",
			fmt.Sprintf("field %q must be %s, not %s", f, jsonType(typ.Type.Kind()), typ.Value))
	case errors.Is(err, io.EOF):
		return refuse(http.StatusBadRequest, "", "required", "the body is empty: send a JSON object")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return refuse(http.StatusBadRequest, f, "unknown_field",
			fmt.Sprintf("field %q is not part of this command: check its spelling against /api/v1/openapi.json", f))
	}
	return refuse(http.StatusBadRequest, "", "json", "the body could not be read: "+err.Error())
}

// jsonField drops the Go names of embedded structs from a decoder's field
// path ("Versioned.version" → "version"), following the path through t.
func jsonField(t reflect.Type, path string) string {
	var keep []string
	for _, seg := range strings.Split(path, ".") {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			t = t.Elem()
		}
		embedded := false
		if t != nil && t.Kind() == reflect.Struct {
			next := reflect.Type(nil)
			for i := range t.NumField() {
				sf := t.Field(i)
				name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if sf.Anonymous && name == "" && ft.Name() == seg {
					next, embedded = sf.Type, true
					break
				}
				if name == seg || (name == "" && sf.Name == seg) {
					next = sf.Type
				}
			}
			t = next
		}
		if seg != "" && !embedded {
			keep = append(keep, seg)
		}
	}
	return strings.Join(keep, ".")
}

func jsonType(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}
