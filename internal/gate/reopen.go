package gate

import (
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
)

// Reopen checks a reopening.
func Reopen(c *domain.Case, reason string) domain.Problems {
	return check("reopen", Input{Case: c, Reason: reason})
}

func reopenReason(in *Input, report Report) {
	if in.Case.Status != domain.StatusClosed {
		report("", "%s is not closed, so there is nothing to reopen.", in.Case.Ref)
	}
	if len(strings.TrimSpace(in.Reason)) < 10 {
		report("reason", "Say why the case is being reopened, in at least a sentence.")
	}
}
