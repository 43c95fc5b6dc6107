package service

import (
	"context"
)

// Permissions says what one person may do on one case now, by command name
// (the names of the case page's forms and the API's case routes, e.g.
// "add-note", "approve-closure"), and, where not, why and who may. The
// pages ask it so that nobody is offered a button the service will refuse;
// it is computed by the same rules that refuse the command.
//
// PLACEHOLDER: answers "allowed" for everything until the rules are wired
// (owner: the service-rules engineer; replaced in their first landing).
type Permissions struct {
	byCmd map[string]Permission
}

// Permission is one command's answer for one person.
type Permission struct {
	Allowed bool
	Reason  string          // a plain sentence, when not allowed
	Who     []string        // user ids who may, where a rank or role rule refuses
	Targets map[string]bool // per action / victim / duty id, where it depends on one
}

// Permissions answers for caseID (the case's id) and actor a.
func (s *Service) Permissions(ctx context.Context, a *Actor, caseID string) (*Permissions, error) {
	return &Permissions{}, nil
}

// Can reports whether the command may be run at all.
func (p *Permissions) Can(cmd string) bool {
	if p == nil || p.byCmd == nil {
		return true
	}
	return p.byCmd[cmd].Allowed
}

// CanOn reports whether the command may be run on one target (an action,
// a victim, a duty), for commands that depend on one.
func (p *Permissions) CanOn(cmd, target string) bool {
	if p == nil || p.byCmd == nil {
		return true
	}
	pm := p.byCmd[cmd]
	if !pm.Allowed {
		return false
	}
	if pm.Targets == nil {
		return true
	}
	return pm.Targets[target]
}

// Why is the plain sentence saying why the command is not allowed (and,
// where a rank rule refuses, who may), or "" when it is.
func (p *Permissions) Why(cmd string) string {
	if p == nil || p.byCmd == nil {
		return ""
	}
	return p.byCmd[cmd].Reason
}
