package domain

import (
	"errors"
	"strings"
)

// Problem is one reason a command was refused, in words an officer
// understands, naming the field and the rule broken.
type Problem struct {
	Field   string `json:"field,omitempty"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Problems is every reason a command was refused. Commands collect all of
// them rather than stopping at the first, so the user can fix them at once.
type Problems []Problem

func (p Problems) Error() string {
	msgs := make([]string, len(p))
	for i, pr := range p {
		if pr.Field != "" {
			msgs[i] = pr.Field + ": " + pr.Message
		} else {
			msgs[i] = pr.Message
		}
	}
	return "refused: " + strings.Join(msgs, "; ")
}

// Add records a problem. The message is made a sentence (capitalised,
// with a full stop): a person reads it.
func (p *Problems) Add(field, rule, message string) {
	*p = append(*p, Problem{Field: field, Rule: rule, Message: Sentence(message)})
}

// Err returns p as an error, or nil when there is none.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}

// AsProblems extracts Problems from err.
// Each message comes out as a sentence (capitalised, with a full stop),
// whoever wrote it: this is how pages and the API read refusals.
func AsProblems(err error) (Problems, bool) {
	var p Problems
	if errors.As(err, &p) {
		out := make(Problems, len(p))
		for i, x := range p {
			x.Message = Sentence(x.Message)
			out[i] = x
		}
		return out, true
	}
	return nil, false
}
