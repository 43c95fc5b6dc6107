package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/policy"
)

// Forbidden is a refusal because of who is asking, not what they typed: a
// role they do not hold, a case outside their chain of command, a decision
// that is someone else's. It is ErrForbidden (403) with a plain sentence
// saying who may, and a rule id for tests and support.
type Forbidden struct {
	Rule    string
	Message string
	Who     []string // user ids who may, where one rule names them
	// Doing is what was refused, as it completes "You cannot …" ("read
	// the security log"), where the rule says: the page's title.
	Doing string
}

func (f *Forbidden) Error() string { return f.Message }

// Is makes a Forbidden match ErrForbidden.
func (f *Forbidden) Is(target error) bool { return target == ErrForbidden }

// AsForbidden extracts a Forbidden from err.
func AsForbidden(err error) (*Forbidden, bool) {
	var f *Forbidden
	if errors.As(err, &f) {
		return f, true
	}
	return nil, false
}

// Permissions says what one person may do on one case now, by command name
// (the names of the case page's forms and the API's case routes, e.g.
// "add-note", "approve-closure"; CaseCommands lists them), and, where not,
// why and who may. The pages ask it so that nobody is offered a button the
// service will refuse; it is computed by the same checks that refuse the
// command (CaseCommand.may and .on, which the commands call).
type Permissions struct {
	byCmd map[string]Permission
	glass *domain.BreakGlass // the emergency access the person sees the case through (breakglass.go)
	k     *check             // for the pickers' per-officer answers (Unmet, may_training.go)
}

// Permission is one command's answer for one person.
type Permission struct {
	Allowed bool
	Reason  string          // a plain sentence, when not allowed
	Rule    string          // the rule that refuses, when not allowed
	Who     []string        // user ids who may, where a rank or role rule refuses
	Targets map[string]bool // per action / victim / suspect / duty / finding id, where it depends on one
	// TargetWhy is the plain sentence why one target is refused.
	TargetWhy map[string]string
}

// CaseCommand is one command on a case: its name (the case page's form and
// the API route), the roles that run it and the checks that do not depend
// on what is typed — who is asking, the case's state, the target's state.
// The command runs the same checks (see Service.workflow and run), so a
// page that asks Permissions offers exactly what the service will accept.
type CaseCommand struct {
	Name string // e.g. "add-note"
	// What names it in error prefixes and logs ("add note").
	What string
	// Doing completes "Only … can …" ("add notes").
	Doing string
	// Target is what CanOn's target names: "action", "victim", "suspect",
	// "person" (any of a case's people),
	// "duty", "finding" or "standard"; "" when the command has none.
	Target string
	// Roles run the command, in the case's chain of command (unless auth
	// replaces that check).
	Roles []domain.Role
	// ClosedOK lets the command run on a closed case.
	ClosedOK bool
	// auth replaces the role and chain check.
	auth func(k *check) error
	// may is the rest of the whole-case check (state, second person…).
	may func(k *check) error
	// on checks one target; targets lists the candidates for Permissions.
	on      func(k *check, id string) error
	targets func(k *check) []string
	// who names, when the command is refused, who may.
	who func(k *check) []string
}

// check is what the checks look at.
type check struct {
	s   *Service
	a   *Actor
	c   *domain.Case
	org *domain.OrgState
	pol *policy.Policy
	now time.Time
}

func (s *Service) newCheck(a *Actor, c *domain.Case, org *domain.OrgState, now time.Time) *check {
	return &check{s: s, a: a, c: c, org: org, pol: s.Policy(), now: now}
}

// whole runs the command's checks that need no target: a *Forbidden, or
// domain.Problems for the case's state.
func (cmd *CaseCommand) whole(k *check) error {
	if cmd.auth != nil {
		if err := cmd.auth(k); err != nil {
			return err
		}
	} else if err := k.a.mayDo(k.org, k.c, cmd.Doing, cmd.Roles...); err != nil {
		return err
	}
	var p domain.Problems
	if !cmd.ClosedOK && !k.c.Status.IsOpen() {
		p.Add("", "case_closed", fmt.Sprintf("%s is closed: reopen it first.", k.c.Ref))
	}
	if cmd.may != nil {
		if err := cmd.may(k); err != nil {
			ps, ok := domain.AsProblems(err)
			if !ok {
				return err
			}
			p = append(p, ps...)
		}
	}
	return p.Err()
}

// run is how a command applies its checks: a Forbidden stops it; the
// state's problems are added to p, with what the input's own checks add.
func (cmd *CaseCommand) run(k *check, target string, p *domain.Problems) error {
	add := func(err error) error {
		if err == nil {
			return nil
		}
		if ps, ok := domain.AsProblems(err); ok {
			*p = append(*p, ps...)
			return nil
		}
		return err
	}
	if err := add(cmd.whole(k)); err != nil {
		return err
	}
	if cmd.on != nil {
		return add(cmd.on(k, target))
	}
	return nil
}

// CaseCommands is every command on a case, by name. Tests iterate it; the
// pages ask Permissions by these names.
var CaseCommands = caseCommands()

var caseCommandByName = commandsByName(CaseCommands)

func commandsByName(cmds []*CaseCommand) map[string]*CaseCommand {
	m := make(map[string]*CaseCommand, len(cmds))
	for _, c := range cmds {
		m[c.Name] = c
	}
	return m
}

// aliases are other names pages use for a command.
var aliases = map[string]string{"close": "propose-closure", "propose-transfer": "transfer",
	"add-victim-view": "victim-view", "waive": "waive-duty"}

// CaseCommandNamed returns the command called name (or an alias of it).
func CaseCommandNamed(name string) *CaseCommand {
	if n, ok := aliases[name]; ok {
		name = n
	}
	return caseCommandByName[name]
}

func mustCommand(name string) *CaseCommand {
	cmd := CaseCommandNamed(name)
	if cmd == nil {
		panic("service: no case command " + name)
	}
	return cmd
}

// idsOf lists the ids of a case's actions, victims, suspects or duties:
// the targets a per-target command is answered for.
func idsOf[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func actionIDs(k *check) []string {
	return idsOf(k.c.Actions, func(a domain.Action) string { return a.ID })
}

func victimIDs(k *check) []string {
	return idsOf(k.c.Victims, func(v domain.Victim) string { return v.ID })
}

func suspectIDs(k *check) []string {
	return idsOf(k.c.Suspects, func(v domain.Suspect) string { return v.ID })
}

func dutyIDs(k *check) []string {
	return idsOf(k.c.Duties, func(d domain.Duty) string { return d.ID })
}

func findingIDs(k *check) []string {
	c := k.c
	var out []string
	for _, f := range c.Findings {
		if domain.IsAuditFinding(f.Kind) {
			out = append(out, f.ID)
		}
	}
	return out
}

func problem(field, rule, msg string) error {
	return domain.Problems{{Field: field, Rule: rule, Message: domain.Sentence(msg)}}
}

// action finds the target action, or says it is not on the case.
func (k *check) action(id string) (*domain.Action, error) {
	if act := k.c.Action(id); act != nil {
		return act, nil
	}
	return nil, problem("action_id", "unknown_action", fmt.Sprintf("There is no such action on %s.", k.c.Ref))
}

func (k *check) victim(id string) error {
	if k.c.Victim(id) == nil {
		return problem("victim_id", "unknown_victim", fmt.Sprintf("There is no such victim on %s.", k.c.Ref))
	}
	return nil
}

// leaverOwnsOpenDuties reports whether c's officer in charge has left
// while a duty is still open on it.
func leaverOwnsOpenDuties(c *domain.Case, org *domain.OrgState) bool {
	u := org.Users[c.OwnerID]
	if u == nil || u.Active {
		return false
	}
	for _, d := range c.Duties {
		if d.Status == domain.DutyOpen {
			return true
		}
	}
	return false
}

// Filing a result is the receiver's and the office manager's: in MIRSAP a
// resulted action is read and reviewed by them and only then filed
// (../shared/domain.md §4; reference/domain-sources.md §4.2–4.3), so a
// result is filed only by a supervisor or manager in the case's chain
// (file-action's Roles) — never by the officer in charge as such, who
// accepted another officer's result unread by any supervisor — and never
// by the officer who resulted it, whatever their rank. The review duty
// goes to such a person (duty.actionReviewer). Referring a result back
// files nothing: the action returns to its officer and stays open, so the
// officer in charge, who directs the enquiry, may ask for more as well.

// filer is the rule for filing a resulted action: a second pair of eyes.
// The role is file-action's own check.
func (k *check) filer(act *domain.Action) error {
	if act.ResultedBy == k.a.ID() && !k.a.System {
		return problem("action_id", "second_pair_of_eyes", fmt.Sprintf("You resulted action A%d, so another "+
			"supervisor must review and file it.", act.Number))
	}
	return nil
}

// reviewer is the rule for referring back a resulted action: a second
// pair of eyes, who is the officer in charge or a supervisor.
func (k *check) reviewer(act *domain.Action, doing string) error {
	var p domain.Problems
	if act.ResultedBy == k.a.ID() && !k.a.System {
		p.Add("action_id", "second_pair_of_eyes", fmt.Sprintf("You resulted action A%d, so someone else must %s it: "+
			"the officer in charge or a supervisor.", act.Number, doing))
	}
	if k.a.ID() != k.c.OwnerID && !k.a.has(supervisors...) {
		p.Add("action_id", "reviewer", fmt.Sprintf("Only the officer in charge or a supervisor can %s an action.", doing))
	}
	return p.Err()
}

// filedBy names who will review and file a resulted action: whoever owes
// its review, else a supervisor.
func (k *check) filedBy(act *domain.Action) string {
	for _, d := range k.c.Duties {
		if d.Kind == duty.ActionReview && d.Subject == act.ID && d.Status == domain.DutyOpen {
			if u := k.org.Users[d.Accountable]; u != nil {
				return domain.PersonName(u)
			}
		}
	}
	return "a supervisor"
}

func caseCommands() []*CaseCommand {
	return []*CaseCommand{
		{Name: "update-case", What: "update case", Doing: "correct a case", Roles: caseWriters, ClosedOK: true},
		// A closed case whose officer in charge has left, with a duty
		// still open on it (telling a victim of the decision), takes a
		// new one: otherwise what is owed stays with the leaver.
		{Name: "assign-owner", What: "assign owner", Doing: "assign a case's owner", Roles: supervisors,
			ClosedOK: true, may: func(k *check) error {
				if k.c.Status.IsOpen() || leaverOwnsOpenDuties(k.c, k.org) {
					return nil
				}
				return problem("", "case_closed", fmt.Sprintf("%s is closed: reopen it first.", k.c.Ref))
			}},
		{Name: "add-victim", What: "add victim", Doing: "add victims", Roles: liaison},
		{Name: "add-suspect", What: "add suspect", Doing: "add suspects", Roles: caseWriters},
		{Name: "add-person", What: "add person", Doing: "link people to a case", Roles: caseWriters},
		{Name: "raise-action", What: "raise action", Doing: "raise lines of enquiry", Roles: caseWriters},
		{Name: "raise-standard", What: "raise action", Doing: "raise lines of enquiry", Roles: caseWriters,
			Target: "standard",
			targets: func(k *check) []string {
				var out []string
				for _, sa := range k.pol.StandardActions {
					out = append(out, sa.Key)
				}
				return out
			},
			on: func(k *check, key string) error {
				var found bool
				for _, sa := range k.pol.StandardActions {
					found = found || sa.Key == key
				}
				if !found {
					return problem("standard", "unknown_standard_action",
						fmt.Sprintf("%q is not a standard action in the force's policy: choose one from the list.", key))
				}
				for _, x := range k.c.Actions {
					if x.Standard == key {
						return problem("standard", "already_raised",
							fmt.Sprintf("This standard action is already action A%d.", x.Number))
					}
				}
				return nil
			}},
		{Name: "add-note", What: "add note", Doing: "add notes", Roles: liaison},
		{Name: "allocate-action", What: "allocate action", Doing: "allocate lines of enquiry", Roles: caseWriters,
			Target: "action", targets: actionIDs,
			on: func(k *check, id string) error {
				act, err := k.action(id)
				if err != nil {
					return err
				}
				if act.Ended() {
					return problem("action_id", "action_ended", fmt.Sprintf("Action A%d is %s: it cannot be allocated.",
						act.Number, domain.ActionStateLabel(act.State)))
				}
				if act.State == domain.ActionStateResulted {
					// Reallocating would put the action back to Allocated
					// with its result unread: the review (read, then filed
					// or referred back, ../shared/domain.md §4) would be
					// skipped. More work on it goes through a referral back.
					return problem("action_id", "awaiting_filing", fmt.Sprintf(
						"The result of action A%d is waiting to be reviewed and filed by %s: it can be referred back "+
							"instead.", act.Number, k.filedBy(act)))
				}
				return nil
			}},
		{Name: "result-action", What: "result action", Doing: "record the result of a line of enquiry",
			Roles: caseWriters, Target: "action", targets: actionIDs,
			on: func(k *check, id string) error {
				act, err := k.action(id)
				if err != nil {
					return err
				}
				var p domain.Problems
				if act.State != domain.ActionStateAllocated {
					p.Add("action_id", "not_allocated", fmt.Sprintf(
						"Action A%d is %s: only an allocated action can be resulted.", act.Number,
						domain.ActionStateLabel(act.State)))
				} else if k.a.ID() != act.AllocatedTo && k.a.ID() != k.c.OwnerID && !k.a.has(supervisors...) {
					who := "another officer"
					if u := k.org.Users[act.AllocatedTo]; u != nil {
						who = domain.PersonName(u)
					}
					p.Add("action_id", "allocated_to", fmt.Sprintf("Action A%d is allocated to %s: only they, the "+
						"officer in charge or a supervisor can record its result.", act.Number, who))
				}
				return p.Err()
			}},
		{Name: "file-action", What: "file action", Doing: "file lines of enquiry", Roles: supervisors,
			Target: "action", targets: actionIDs,
			on: func(k *check, id string) error {
				act, err := k.action(id)
				if err != nil {
					return err
				}
				if act.State != domain.ActionStateResulted {
					return problem("action_id", "not_resulted", fmt.Sprintf(
						"Action A%d is %s: it must be resulted before it is filed.", act.Number,
						domain.ActionStateLabel(act.State)))
				}
				return k.filer(act)
			}},
		{Name: "refer-back-action", What: "refer back action", Doing: "refer lines of enquiry back",
			Roles: caseWriters, Target: "action", targets: actionIDs,
			on: func(k *check, id string) error {
				act, err := k.action(id)
				if err != nil {
					return err
				}
				if act.State != domain.ActionStateResulted {
					return problem("action_id", "not_resulted", fmt.Sprintf(
						"Action A%d is %s: only a resulted action can be referred back.", act.Number,
						domain.ActionStateLabel(act.State)))
				}
				return k.reviewer(act, "refer back")
			}},
		{Name: "cancel-action", What: "cancel action", Doing: "cancel lines of enquiry", Roles: supervisors,
			Target: "action", targets: actionIDs,
			on: func(k *check, id string) error {
				act, err := k.action(id)
				if err != nil {
					return err
				}
				if act.Ended() {
					return problem("action_id", "action_ended", fmt.Sprintf("Action A%d is already %s.",
						act.Number, domain.ActionStateLabel(act.State)))
				}
				return nil
			}},
		{Name: "contact-plan", What: "agree contact plan", Doing: "agree a victim's contact plan", Roles: liaison,
			Target: "victim", targets: victimIDs, on: func(k *check, id string) error { return k.victim(id) }},
		{Name: "record-contact", What: "record victim contact", Doing: "record contact with victims",
			Roles: liaison, ClosedOK: true,
			Target: "victim", targets: victimIDs, on: func(k *check, id string) error { return k.victim(id) }},
		{Name: "victim-view", What: "record victim's view", Doing: "record a victim's view", Roles: liaison,
			Target: "victim", targets: victimIDs, on: func(k *check, id string) error { return k.victim(id) }},
		{Name: "correct-person", What: "correct person", Doing: "correct a person's details", Roles: caseWriters,
			ClosedOK: true, Target: "person", targets: personIDs,
			on: func(k *check, id string) error {
				if personKind(k.c, id) == "" {
					return problem("person_id", "unknown_person", fmt.Sprintf("There is no such person on %s.", k.c.Ref))
				}
				return nil
			}},
		{Name: "suspect-status", What: "change suspect status", Doing: "record a suspect's status",
			Roles: caseWriters, Target: "suspect", targets: suspectIDs,
			on: func(k *check, id string) error {
				if k.c.Suspect(id) == nil {
					return problem("suspect_id", "unknown_suspect",
						fmt.Sprintf("There is no such suspect on %s.", k.c.Ref))
				}
				return nil
			}},
		{Name: "review", What: "record supervisory review", Doing: "record supervisory reviews",
			Roles: supervisors,
			may: func(k *check) error {
				if k.a.ID() == k.c.OwnerID {
					return problem("", "own_case", "You are the officer in charge: a supervisory review must be by "+
						"someone else, such as your supervisor.")
				}
				return nil
			}},
		{Name: "plan", What: "set investigation plan", Doing: "set the investigation plan", Roles: caseWriters},
		{Name: "decision", What: "record decision", Doing: "add to the decision log", Roles: caseWriters},
		{Name: "transfer", What: "propose transfer", Doing: "propose a transfer", Roles: caseWriters,
			may: func(k *check) error {
				if k.c.Transfer != nil {
					return problem("", "transfer_target", "A transfer to another team is already waiting to be "+
						"accepted: wait for the receiving team to decide.")
				}
				return nil
			}},
		// A manager's time-boxed override of the training gate
		// (training_override.go): an emergency, so managers only.
		{Name: "override-training", What: "override training requirement",
			Doing: "override a training requirement", Roles: []domain.Role{domain.RoleManager}},
		{Name: "accept-transfer", What: "accept transfer", Doing: "accept a transfer", Roles: supervisors,
			auth: transferAuth("accept"), who: transferDeciders},
		{Name: "reject-transfer", What: "reject transfer", Doing: "reject a transfer", Roles: supervisors,
			auth: transferAuth("reject"), who: transferDeciders},
		{Name: "propose-closure", What: "propose closure", Doing: "propose closing a case", Roles: caseWriters,
			may: func(k *check) error {
				var p domain.Problems
				if k.c.Closure.Open() {
					p.Add("", "already_proposed", "A closure is already waiting for approval.")
				}
				if k.c.Status == domain.StatusReferral {
					p.Add("", "unallocated", "Assign an owner to the referral before closing it.")
				}
				return p.Err()
			}},
		{Name: "approve-closure", What: "approve closure", Doing: "approve closures", Roles: supervisors,
			may: func(k *check) error {
				if !k.c.Closure.Open() {
					return problem("", "no_proposal", fmt.Sprintf("No closure of %s is waiting for approval.", k.c.Ref))
				}
				ps := gate.Approval(k.c, &k.a.User, k.org, k.pol)
				// The training gate (may_training.go), on the approver's
				// record as it is now: an accreditation may have been
				// awarded since they signed in.
				if u := k.org.Users[k.a.ID()]; len(ps) == 0 && !k.a.System && u != nil {
					k.trained(&ps, "", workApprover, u, k.mayApprove)
				}
				return ps.Err()
			},
			who: approvers},
		{Name: "reject-closure", What: "reject closure", Doing: "send closures back", Roles: supervisors,
			may: func(k *check) error {
				if !k.c.Closure.Open() {
					return problem("", "no_proposal", fmt.Sprintf("No closure of %s is waiting for approval.", k.c.Ref))
				}
				return nil
			}},
		{Name: "reopen", What: "reopen case", Doing: "reopen cases", Roles: supervisors, ClosedOK: true,
			auth: func(k *check) error {
				if k.a.has(domain.RoleAuditor) && !k.a.System {
					return nil // the audit route: force-wide, with a reason
				}
				return k.a.mayDo(k.org, k.c, "reopen cases", supervisors...)
			},
			may: func(k *check) error {
				if k.c.Status != domain.StatusClosed {
					return problem("", "reopen_reason", fmt.Sprintf("%s is not closed.", k.c.Ref))
				}
				return nil
			}},
		{Name: "request-vrr", What: "record review request", Doing: "record a victim's request for a review",
			Roles: liaison, ClosedOK: true, Target: "victim", targets: victimIDs,
			may: func(k *check) error {
				if k.c.Status != domain.StatusClosed || k.c.Closure == nil {
					return problem("", "not_closed", "A Victims' Right to Review applies to a decision to close, "+
						"and this case is not closed.")
				}
				if k.c.PendingVRR() != nil {
					return problem("", "pending", "A review request is already open on this case: it must be "+
						"decided first.")
				}
				return nil
			},
			on: func(k *check, id string) error { return k.victim(id) }},
		{Name: "acknowledge-vrr", What: "acknowledge review request", Doing: "acknowledge review requests",
			Roles: supervisors, ClosedOK: true,
			may: func(k *check) error {
				if k.c.PendingVRR() == nil {
					return problem("", "no_request", "No review request is waiting.")
				}
				return nil
			}},
		{Name: "decide-vrr", What: "decide review request", Doing: "decide review requests", Roles: supervisors,
			ClosedOK: true,
			auth: func(k *check) error {
				v := k.c.PendingVRR()
				if v == nil {
					return problem("", "no_request", "No review request is waiting.")
				}
				// Only the reviewer named on acknowledgement decides, and
				// only while they may still write to the case: seeing a
				// closed case is not enough.
				if err := k.a.mayDo(k.org, k.c, "decide review requests", supervisors...); err != nil {
					return err
				}
				if v.Reviewer == "" {
					return problem("", "not_acknowledged", "Acknowledge the review request and name its reviewer "+
						"first: only that reviewer decides.")
				}
				if v.Reviewer != k.a.ID() {
					name := "the reviewer named when it was acknowledged"
					if u := k.org.Users[v.Reviewer]; u != nil {
						name = domain.PersonName(u)
					}
					return &Forbidden{Rule: "named_reviewer", Who: []string{v.Reviewer},
						Doing: "decide this review request", Message: fmt.Sprintf("Only the named reviewer, %s, can decide this review request.", name)}
				}
				return nil
			},
			may: func(k *check) error { return gate.VRRReviewer(k.c, &k.a.User, k.org).Err() }},
		{Name: "waive-duty", What: "waive duty", Doing: "waive duties", Roles: supervisors,
			Target: "duty", targets: dutyIDs,
			on: func(k *check, id string) error {
				d := k.c.Duty(id)
				switch {
				case d == nil && k.c.HadDuty(id): // met or cancelled, out of the document
					return problem("duty_id", "duty_open", "The duty is already closed.")
				case d == nil:
					return problem("duty_id", "unknown_duty", fmt.Sprintf("%s has no such duty.", k.c.Ref))
				case d.Status != domain.DutyOpen:
					return problem("duty_id", "duty_open", fmt.Sprintf("The duty is already %s.",
						domain.DutyStatusLabel(d.Status)))
				case len(k.c.OpenDuties()) == 1:
					return problem("duty_id", "last_duty", "This is the case's only open duty, and an open case "+
						"must always owe something: close or transfer the case instead.")
				}
				if ok, instead := duty.Waivable(d.Kind); !ok {
					return problem("duty_id", "not_waivable", fmt.Sprintf("%s cannot be waived: %s",
						domain.Capitalise(domain.WithArticle(strings.ToLower(domain.DutyKindLabel(d.Kind)))),
						instead))
				}
				return nil
			}},
		{Name: "review-break-glass", What: "review emergency access", Doing: "review emergency accesses",
			Roles: []domain.Role{domain.RoleAuditor}, ClosedOK: true, Target: "access",
			auth: func(k *check) error {
				if !k.a.has(domain.RoleAuditor) {
					return &Forbidden{Rule: "role", Doing: "review an emergency access",
						Message: "Only the force's auditors can review an emergency access."}
				}
				return nil
			},
			targets: func(k *check) []string {
				var out []string
				for _, g := range k.c.BreakGlass {
					out = append(out, g.ID)
				}
				return out
			},
			on: func(k *check, id string) error {
				g := k.c.BreakGlassAccess(id)
				switch {
				case g == nil:
					return problem("access", "unknown_access", fmt.Sprintf("There is no such emergency access to %s.",
						k.c.Ref))
				case g.ReviewedBy != "":
					return problem("access", "reviewed", "This emergency access has already been reviewed.")
				case g.By == k.a.ID():
					return problem("access", "own_access", "You opened the case yourself: another auditor must "+
						"review it.")
				}
				return nil
			}},
		{Name: "answer-finding", What: "answer audit finding", Doing: "answer audit findings", Roles: supervisors,
			ClosedOK: true, Target: "finding", targets: findingIDs,
			auth: func(k *check) error { return nil }, // decided per finding: its named officer, or the chain
			on: func(k *check, id string) error {
				var f *domain.Finding
				for i := range k.c.Findings {
					if k.c.Findings[i].ID == id && domain.IsAuditFinding(k.c.Findings[i].Kind) {
						f = &k.c.Findings[i]
					}
				}
				if f == nil {
					return problem("finding", "unknown_finding", fmt.Sprintf("There is no such audit finding on %s.",
						k.c.Ref))
				}
				if k.a.ID() != f.MustAct || k.a.System {
					if err := k.a.mayDo(k.org, k.c, "answer audit findings", supervisors...); err != nil {
						return err
					}
				}
				if !f.Resolved.IsZero() {
					return problem("finding", "answered", "The finding has already been answered.")
				}
				return nil
			}},
	}
}

// transferAuth: a pending transfer is decided by the receiving team's
// chain of command.
func transferAuth(verb string) func(k *check) error {
	return func(k *check) error {
		if k.c.Transfer == nil {
			return problem("", "no_transfer", fmt.Sprintf("No transfer of %s is waiting.", k.c.Ref))
		}
		if !k.a.has(supervisors...) {
			return &Forbidden{Rule: "role", Doing: verb + " a transfer", Message: fmt.Sprintf("Only supervisors "+
				"and managers in the receiving team's chain of command can %s a transfer.", verb)}
		}
		if !k.a.inChain(k.org, k.c.Transfer.ToTeam) {
			return &Forbidden{Rule: "chain_of_command", Doing: verb + " this transfer", Message: fmt.Sprintf(
				"Only the receiving team's chain of command can %s this transfer: ask a supervisor or manager "+
					"there.", verb)}
		}
		return nil
	}
}

func transferDeciders(k *check) []string {
	if k.c.Transfer == nil {
		return nil
	}
	return k.people(func(u *domain.User) bool {
		a := &Actor{User: *u}
		return a.has(supervisors...) && a.inChain(k.org, k.c.Transfer.ToTeam)
	})
}

// approvers are the people who could approve the proposed closure now.
func approvers(k *check) []string {
	if !k.c.Closure.Open() {
		return nil
	}
	ids := k.people(k.mayApprove)
	// The officer the approval duty fell to (the lowest rank that may,
	// nearest the team: duty.Approver, by the same rule) is named first,
	// as the proposer's banner names them, not hidden behind more senior
	// officers.
	for _, d := range k.c.Duties {
		if d.Kind != duty.ClosureApproval || d.Status != domain.DutyOpen {
			continue
		}
		if i := slices.Index(ids, d.Accountable); i > 0 {
			ids = append(append([]string{d.Accountable}, ids[:i]...), ids[i+1:]...)
		}
		break
	}
	return ids
}

// mayApprove: u may approve the proposed closure now — the rule that
// routes the approval duty (duty.MayApprove: rank, chain, second person,
// accreditation).
func (k *check) mayApprove(u *domain.User) bool { return duty.MayApprove(k.org, k.c, k.pol, u, k.now) }

// people lists serving officers for whom ok holds, most senior first.
func (k *check) people(ok func(u *domain.User) bool) []string {
	var us []*domain.User
	for _, u := range k.org.Users {
		if u.Active && ok(u) {
			us = append(us, u)
		}
	}
	sort.Slice(us, func(i, j int) bool {
		if us[i].Rank != us[j].Rank {
			return us[i].Rank.Above(us[j].Rank)
		}
		return us[i].Name < us[j].Name
	})
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

// Permissions answers for caseID (the case's id) and actor a. A case the
// actor may not see is ErrNotFound, as everywhere.
func (s *Service) Permissions(ctx context.Context, a *Actor, caseID string) (*Permissions, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	c, err := s.st.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return s.PermissionsOn(ctx, a, c)
}

// PermissionsOn answers for a case the caller has already read (by
// ViewCase, which recorded the read).
func (s *Service) PermissionsOn(ctx context.Context, a *Actor, c *domain.Case) (*Permissions, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	if !s.canSee(a, org, c) {
		return nil, ErrNotFound
	}
	return s.permissions(a, c, org, s.clock.Now().UTC()), nil
}

func (s *Service) permissions(a *Actor, c *domain.Case, org *domain.OrgState, now time.Time) *Permissions {
	k := s.newCheck(a, c, org, now)
	out := &Permissions{byCmd: make(map[string]Permission, len(CaseCommands)), k: k}
	if s.glass(a, org, c) {
		why, rule := plain(readOnlyGlass())
		for _, cmd := range CaseCommands {
			out.byCmd[cmd.Name] = Permission{Reason: why, Rule: rule}
		}
		out.glass = c.BreakGlassFor(a.ID(), now)
		return out
	}
	for _, cmd := range CaseCommands {
		pm := Permission{Allowed: true}
		err := cmd.whole(k)
		if err != nil {
			pm.Allowed = false
			pm.Reason, pm.Rule = plain(err)
		}
		if cmd.on != nil {
			ids := cmd.targets(k)
			pm.Targets = make(map[string]bool, len(ids))
			pm.TargetWhy = map[string]string{}
			firstWhy, firstRule := "", ""
			for _, id := range ids {
				if !pm.Allowed {
					pm.Targets[id] = false
					continue
				}
				if terr := cmd.on(k, id); terr != nil {
					pm.Targets[id] = false
					pm.TargetWhy[id], _ = plain(terr)
					if firstWhy == "" {
						firstWhy, firstRule = plain(terr)
					}
					continue
				}
				pm.Targets[id] = true
			}
			if pm.Allowed && !anyTrue(pm.Targets) {
				pm.Allowed = false
				pm.Reason, pm.Rule = firstWhy, firstRule
				if pm.Reason == "" {
					pm.Reason, pm.Rule = fmt.Sprintf("There is no %s on %s to act on.", cmd.Target, c.Ref), "no_target"
				}
			}
		}
		if !pm.Allowed && cmd.who != nil {
			pm.Who = cmd.who(k)
			if pm.Rule == "approver_rank" {
				pm.Reason = gate.RankRule(c, k.pol) + whoList(org, pm.Who) + "."
			}
		}
		out.byCmd[cmd.Name] = pm
	}
	return out
}

func anyTrue(m map[string]bool) bool {
	for _, v := range m {
		if v {
			return true
		}
	}
	return false
}

// whoList is ": DI Ines Khan, DCI Sam Ode and 3 others", or ": nobody in
// the case's chain of command" when the list is empty.
func whoList(org *domain.OrgState, ids []string) string {
	if len(ids) == 0 {
		return ": nobody in the case's chain of command can now"
	}
	const show = 3
	var names []string
	for i, id := range ids {
		if i == show {
			break
		}
		names = append(names, domain.PersonName(org.Users[id]))
	}
	if n := len(ids) - show; n > 0 {
		names = append(names, domain.Plural(n, "other", "others"))
	}
	return ": " + domain.JoinAnd(names)
}

// plain is err as a sentence (or sentences) a person reads, and its rule.
func plain(err error) (string, string) {
	if f, ok := AsForbidden(err); ok {
		return f.Message, f.Rule
	}
	if ps, ok := domain.AsProblems(err); ok && len(ps) > 0 {
		msgs := make([]string, len(ps))
		for i, p := range ps {
			msgs[i] = domain.Sentence(p.Message)
		}
		return strings.Join(msgs, " "), ps[0].Rule
	}
	if errors.Is(err, ErrForbidden) {
		return "You are not allowed to do that.", "forbidden"
	}
	return domain.Sentence(err.Error()), "refused"
}

// Can reports whether the command may be run at all.
func (p *Permissions) Can(cmd string) bool {
	if p == nil || p.byCmd == nil {
		return false
	}
	return p.get(cmd).Allowed
}

func (p *Permissions) get(cmd string) Permission {
	if c := CaseCommandNamed(cmd); c != nil {
		cmd = c.Name
	}
	return p.byCmd[cmd]
}

// Get is the whole answer for one command.
func (p *Permissions) Get(cmd string) Permission {
	if p == nil || p.byCmd == nil {
		return Permission{Reason: "Sign in first."}
	}
	return p.get(cmd)
}

// CanOn reports whether the command may be run on one target (an action,
// a victim, a duty), for commands that depend on one.
func (p *Permissions) CanOn(cmd, target string) bool {
	if p == nil || p.byCmd == nil {
		return false
	}
	pm := p.get(cmd)
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
		return "Sign in first."
	}
	return p.get(cmd).Reason
}

// WhyOn is why the command may not be run on one target, or "".
func (p *Permissions) WhyOn(cmd, target string) string {
	if p == nil || p.byCmd == nil {
		return "Sign in first."
	}
	pm := p.get(cmd)
	if !pm.Allowed && (pm.Targets == nil || pm.TargetWhy[target] == "") {
		return pm.Reason
	}
	if _, known := pm.Targets[target]; pm.Targets != nil && !known {
		return "There is no such " + p.targetNoun(cmd) + " on this case."
	}
	return pm.TargetWhy[target]
}

func (p *Permissions) targetNoun(cmd string) string {
	if c := CaseCommandNamed(cmd); c != nil && c.Target != "" {
		if c.Target == "standard" {
			return "standard action"
		}
		return c.Target
	}
	return "thing"
}

// Any reports whether the person may run any command on the case: false
// for a read-only role.
func (p *Permissions) Any() bool {
	if p == nil {
		return false
	}
	for _, pm := range p.byCmd {
		if pm.Allowed {
			return true
		}
	}
	return false
}

// WhoMay lists the serving officers who may run cmd on the case now, most
// senior first, by the very checks that refuse it (whole, then any
// target): a page names them to someone who may not ("Ask DS … to …").
func (p *Permissions) WhoMay(cmd string) []string {
	c := CaseCommandNamed(cmd)
	if p == nil || p.k == nil || c == nil {
		return nil
	}
	return p.k.people(func(u *domain.User) bool {
		k := *p.k
		k.a = &Actor{User: *u}
		return c.allows(&k)
	})
}

// allows is whether k's actor may run the command on the case at all: the
// whole-case checks, and one target at least where it takes one.
func (cmd *CaseCommand) allows(k *check) bool {
	if cmd.whole(k) != nil {
		return false
	}
	if cmd.on == nil {
		return true
	}
	for _, id := range cmd.targets(k) {
		if cmd.on(k, id) == nil {
			return true
		}
	}
	return false
}

// NamesUpTo names the first show of ids by rank and name, then "N others"
// for the rest.
func NamesUpTo(org *domain.OrgState, ids []string, show int) []string {
	var names []string
	for i, id := range ids {
		if i == show {
			return append(names, domain.Plural(len(ids)-show, "other", "others"))
		}
		names = append(names, domain.PersonName(org.Users[id]))
	}
	return names
}
