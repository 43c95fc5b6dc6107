package service

import (
	"testing"

	"github.com/holdfast/holdfast/internal/duty"
)

// TestDecisionCommandsAreCaseCommands: the board offers each decision
// through decisionCommands, the one list of its commands and their links'
// words; each is a case command Service.permissions decides, by its own
// name, and has a word to say.
func TestDecisionCommandsAreCaseCommands(t *testing.T) {
	for _, kind := range []string{duty.TransferAccept, duty.ClosureApproval, duty.AllocateReferral} {
		if len(decisionCommands[kind]) == 0 {
			t.Errorf("the board has no command for %s", kind)
		}
	}
	for kind, cmds := range decisionCommands {
		for _, c := range cmds {
			if cmd := CaseCommandNamed(c.Name); cmd == nil || cmd.Name != c.Name {
				t.Errorf("%s: %q is not a case command's name", kind, c.Name)
			}
			if c.Label == "" {
				t.Errorf("%s: %q has no word for its link", kind, c.Name)
			}
		}
	}
}
