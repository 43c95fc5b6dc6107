// Package strictjson refuses JSON that encoding/json would quietly accept
// and change. It is the one checker used by every door that reads JSON
// (the API's request decoder and the case-file import), so both refuse the
// same things; it depends on nothing but the domain's Problem.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/holdfast/holdfast/internal/domain"
)

// Check returns the first thing in body that encoding/json would accept
// but change, or nil: invalid UTF-8 and a \uD800–\uDFFF escape that is not
// a high+low pair (both would become U+FFFD), a key that names a field in
// another case ("Version" for "version": Go matches keys case-insensitively)
// and a key given twice in one object (the last would win, so two readers
// of one document could see two different things). t is the type body
// decodes into (nil for any keys). Syntax errors are left to the decoder,
// which describes them better. The problem's rule is invalid_text,
// key_case or duplicate_key, with the field named where one is to blame.
func Check(body []byte, t reflect.Type) *domain.Problem {
	if !utf8.Valid(body) {
		at := 0
		for at < len(body) {
			r, n := utf8.DecodeRune(body[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return &domain.Problem{Rule: "invalid_text",
			Message: fmt.Sprintf("not valid UTF-8 (at byte %d): send text encoded as UTF-8", at)}
	}
	c := checker{dec: json.NewDecoder(bytes.NewReader(body)), body: body}
	c.dec.UseNumber()
	if p := c.value(t, ""); p != nil && p.Rule != "" {
		return p
	}
	return nil
}

// badSyntax stops value at a syntax error, which the decoder proper then
// describes.
var badSyntax = &domain.Problem{}

type checker struct {
	dec  *json.Decoder
	body []byte
}

// token reads the next token, refusing a string that holds a lone
// surrogate escape. name is the field the string is or belongs to.
func (c *checker) token(name string) (json.Token, *domain.Problem) {
	from := c.dec.InputOffset()
	tok, err := c.dec.Token()
	if err != nil {
		return nil, badSyntax
	}
	// The body is valid UTF-8, so U+FFFD in a string is written as such,
	// escaped as \ufffd, or made from a bad surrogate: only then look.
	if s, ok := tok.(string); ok && strings.ContainsRune(s, utf8.RuneError) &&
		LoneSurrogate(c.body[from:c.dec.InputOffset()]) {
		where := "the text"
		if name != "" {
			where = fmt.Sprintf("field %q", name)
		}
		return nil, &domain.Problem{Field: name, Rule: "invalid_text", Message: where +
			` holds a \u escape for half a UTF-16 surrogate pair (\uD800 to \uDFFF) without its other half:` +
			` send the character itself, or both halves`}
	}
	return tok, nil
}

// value reads one JSON value, checking every object's keys against t (the
// Go type it fills; nil or an interface for any keys). It returns the first
// problem, or badSyntax where the body stops making sense.
func (c *checker) value(t reflect.Type, at string) *domain.Problem {
	tok, p := c.token(at)
	if p != nil {
		return p
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch tok {
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for c.dec.More() {
			if p := c.value(elem, at); p != nil {
				return p
			}
		}
		c.dec.Token()
	case json.Delim('{'):
		fields := map[string]reflect.Type{}
		structured := t != nil && t.Kind() == reflect.Struct && !reflect.PointerTo(t).Implements(textUnmarshaler)
		if structured {
			jsonFields(t, fields)
		}
		seen := map[string]bool{}
		for c.dec.More() {
			kt, p := c.token(at)
			if p != nil {
				return p
			}
			key, _ := kt.(string)
			name := key
			if at != "" {
				name = at + "." + key
			}
			if seen[key] {
				return &domain.Problem{Field: name, Rule: "duplicate_key",
					Message: fmt.Sprintf("field %q is given twice: send each field once", name)}
			}
			seen[key] = true
			var next reflect.Type
			if structured {
				ft, ok := fields[key]
				if !ok {
					for f := range fields {
						if strings.EqualFold(f, key) {
							return &domain.Problem{Field: name, Rule: "key_case", Message: fmt.Sprintf(
								"field %q is spelt %q: field names are matched exactly, case and all", name, f)}
						}
					}
				}
				next = ft
			} else if t != nil && t.Kind() == reflect.Map {
				next = t.Elem()
			}
			if p := c.value(next, name); p != nil {
				return p
			}
		}
		c.dec.Token()
	}
	return nil
}

// LoneSurrogate reports whether raw JSON text holds a \u escape in the
// range D800–DFFF that is not a high half (D800–DBFF) followed at once by
// an escaped low half (DC00–DFFF). An escaped backslash is not an escape.
func LoneSurrogate(raw []byte) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		if raw[i+1] != 'u' {
			i++ // skip the escaped character, which may be a backslash
			continue
		}
		r, ok := hex4(raw, i+2)
		if !ok {
			continue
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			lo, ok := hex4(raw, i+8)
			if !ok || raw[i+6] != '\\' || raw[i+7] != 'u' || lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		default:
			i += 5
		}
	}
	return false
}

// hex4 is the four hex digits at raw[i:i+4] as a number.
func hex4(raw []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(raw) {
		return 0, false
	}
	var r rune
	for _, b := range raw[i : i+4] {
		switch {
		case '0' <= b && b <= '9':
			r = r<<4 | rune(b-'0')
		case 'a' <= b && b <= 'f':
			r = r<<4 | rune(b-'a'+10)
		case 'A' <= b && b <= 'F':
			r = r<<4 | rune(b-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// jsonFields adds the JSON names of struct t's fields, as encoding/json
// names them (embedded structs flattened), with their types.
func jsonFields(t reflect.Type, into map[string]reflect.Type) {
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			jsonFields(ft, into)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		into[name] = sf.Type
	}
}
