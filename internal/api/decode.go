package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
)

// MaxBody bounds a request body. Nothing Holdfast accepts is near it.
const MaxBody = 1 << 20

type inputError struct {
	status  int
	msg     string
	problem *domain.Problem
}

func (e *inputError) Error() string { return e.msg }

func badInput(field, rule, msg string) error {
	return &inputError{status: http.StatusBadRequest, msg: msg, problem: &domain.Problem{Field: field, Rule: rule, Message: msg}}
}

// decode reads one JSON object into v, refusing unknown fields, wrong
// types, trailing data and oversized bodies with a message naming the field.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return &inputError{status: http.StatusUnsupportedMediaType, msg: fmt.Sprintf("content type %q: send application/json", ct)}
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return badInput("", "single_object", "the body must hold exactly one JSON object")
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return &inputError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("the body is over %d bytes", MaxBody)}
	case errors.As(err, &syn):
		return badInput("", "json", fmt.Sprintf("the body is not valid JSON (at byte %d)", syn.Offset))
	case errors.As(err, &typ):
		f := jsonField(typ.Field)
		return badInput(f, "type", fmt.Sprintf("field %q must be %s, not %s", f, jsonType(typ.Type.Kind().String()), typ.Value))
	case errors.Is(err, io.EOF):
		return badInput("", "required", "the body is empty: send a JSON object")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badInput(f, "unknown_field", fmt.Sprintf("field %q is not part of this command: check its spelling against /api/v1/openapi.json", f))
	}
	return badInput("", "json", "the body could not be read: "+err.Error())
}

// jsonField drops the Go names of embedded structs from a decoder's field
// path ("Versioned.version" → "version"): JSON names here are lower case.
func jsonField(path string) string {
	var keep []string
	for _, seg := range strings.Split(path, ".") {
		if seg != "" && !(seg[0] >= 'A' && seg[0] <= 'Z') {
			keep = append(keep, seg)
		}
	}
	return strings.Join(keep, ".")
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice":
		return "a list"
	}
	return "an object"
}
