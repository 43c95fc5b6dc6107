package casefile

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// splitLine is what decodeLine needs of a line before decoding it: its
// "type" and the canonical body the record decodes from and is hashed by
// (stripType's result), found in one pass over the line instead of
// decoding it whole twice. ok is false for anything out of the ordinary —
// not a JSON object, a key written with an escape or needing one, a key
// given twice, a "type" that is not a plain ASCII string or is spelt in another
// case — and the caller then takes the slow path, which says exactly what
// is wrong; FuzzSplitLine holds the two to the same answers.
func splitLine(raw []byte) (typ string, body []byte, ok bool) {
	if !json.Valid(raw) {
		return "", nil, false
	}
	type member struct{ key, val []byte }
	var ms []member
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return "", nil, false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		i = len(raw) // an empty object: no members
	}
	size := 2
	for i < len(raw) {
		// raw is valid JSON, so here is a key, a colon and a value, then
		// a comma or the closing brace.
		kEnd := stringEnd(raw, i)
		key := raw[i+1 : kEnd-1]
		if !plainKey(key) {
			return "", nil, false
		}
		i = skipSpace(raw, kEnd)
		i = skipSpace(raw, i+1) // the colon
		vEnd := valueEnd(raw, i)
		ms = append(ms, member{key, raw[i:vEnd]})
		size += len(key) + 4 + vEnd - i
		i = skipSpace(raw, vEnd)
		if raw[i] == '}' {
			break
		}
		i = skipSpace(raw, i+1) // the comma
	}
	slices.SortFunc(ms, func(a, b member) int { return bytes.Compare(a.key, b.key) })
	out := make([]byte, 0, size)
	out = append(out, '{')
	for j, m := range ms {
		if j > 0 && bytes.Equal(m.key, ms[j-1].key) {
			return "", nil, false // the last would win: the slow path says so
		}
		if strings.EqualFold(string(m.key), "type") {
			if string(m.key) != "type" || len(m.val) < 2 || m.val[0] != '"' || !plainKey(m.val[1:len(m.val)-1]) {
				return "", nil, false
			}
			typ = string(m.val[1 : len(m.val)-1])
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, '"')
		out = append(out, m.key...)
		out = append(out, '"', ':')
		out = appendCompact(out, m.val)
	}
	return typ, append(out, '}'), true
}

// plainKey reports whether key, as written between its quotes, is the key
// itself and json.Marshal writes it the same: printable ASCII without an
// escape or a character it escapes.
func plainKey(key []byte) bool {
	for _, c := range key {
		if c < 0x20 || c >= 0x7f || c == '\\' || c == '"' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd is the index just past the JSON string starting at b[i] ('"').
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// valueEnd is the index just past the JSON value starting at b[i], which
// is valid JSON.
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = stringEnd(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return len(b)
	default: // a number, true, false or null
		for ; i < len(b); i++ {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
		}
		return len(b)
	}
}

// appendCompact appends the valid JSON value src to dst as json.Marshal
// writes a json.RawMessage: without the space between tokens, and with <,
// >, & and U+2028, U+2029 escaped.
func appendCompact(dst, src []byte) []byte {
	const hex = "0123456789abcdef"
	in := false // inside a string
	start := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '<' || c == '>' || c == '&':
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			start = i + 1
		case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8:
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[src[i+2]&0xF])
			i += 2
			start = i + 1
		case in && c == '\\':
			i++ // the escaped character, which may be a quote
		case c == '"':
			in = !in
		case !in && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			dst = append(dst, src[start:i]...)
			start = i + 1
		}
	}
	return append(dst, src[start:]...)
}
