package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
)

// ExportFilter chooses the cases Export writes; its zero value chooses
// every case.
type ExportFilter struct {
	Team     string    // a team's name or id: cases now in it
	From, To time.Time // cases opened at or after From and before To (zero: unbounded)
	Refs     []string  // these cases only (Holdfast references)
}

// ExportView names the export in the records.read event that records it.
const ExportView = "export"

// ExportReport says what Export wrote.
type ExportReport struct {
	Units    int `json:"units"`
	Officers int `json:"officers"`
	Cases    int `json:"cases"`
}

// Export writes the record — the force's units and officers, then the
// chosen cases with their history — in the import's JSON Lines format
// (docs/import-format.md), so a force can leave with its data and an
// inspector can take a copy. Imported again into an empty record, it gives
// the same cases, duties and flags, and exporting that gives the same file.
// Units are keyed by name, officers by collar number, and a case by its
// source reference if it was imported (else its Holdfast reference).
//
// It is run by a person, never the system: the export's read is recorded as
// theirs, so an auditor can tell who took the force's record.
func (s *Service) Export(ctx context.Context, a *Actor, sel ExportFilter, w io.Writer) (*ExportReport, error) {
	if a == nil || a.System || !a.User.Active {
		return nil, &Forbidden{Rule: "person", Message: "An export must be run by a serving administrator, " +
			"named, so that its read is recorded as theirs: not by Holdfast itself or a leaver."}
	}
	if err := a.need("export the record", domain.RoleAdmin); err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	team := ""
	if sel.Team != "" {
		for _, u := range org.Units {
			if u.ID == sel.Team || strings.EqualFold(u.Name, sel.Team) {
				team = u.ID
			}
		}
		if team == "" {
			return nil, fmt.Errorf("export: no unit is called %q: name a team Holdfast holds", sel.Team)
		}
	}
	refs := map[string]bool{}
	for _, r := range sel.Refs {
		refs[r] = true
	}
	var chosen []*domain.Case
	err = s.st.ScanCases(ctx, func(c *domain.Case) error {
		switch {
		case team != "" && c.TeamID != team,
			!sel.From.IsZero() && c.OpenedAt.Before(sel.From),
			!sel.To.IsZero() && !c.OpenedAt.Before(sel.To),
			len(refs) > 0 && !refs[c.Ref]:
			return nil
		}
		chosen = append(chosen, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	// The export shows every chosen case's personal data: its read is
	// recorded, before anything is written, as one records.read event
	// naming them all, as a list's is (LogRead), not an event a case.
	ids := make([]string, len(chosen))
	for i, c := range chosen {
		ids[i] = c.ID
	}
	if err := s.LogRead(ctx, a, ExportView, ids, ""); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := s.exportContacts(ctx, chosen); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := s.exportNotes(ctx, chosen); err != nil { // notes.go
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := s.exportReviews(ctx, chosen); err != nil { // reviews.go
		return nil, fmt.Errorf("export: %w", err)
	}
	cases := make([]casefile.Case, 0, len(chosen))
	for _, c := range chosen {
		first := c.OwnerID
		if len(c.Transfers) > 0 {
			// The projection keeps only today's owner; who owned it before
			// its first transfer is in its history.
			if first, err = s.firstOwner(ctx, c.ID); err != nil {
				return nil, fmt.Errorf("export %s: %w", c.Ref, err)
			}
		}
		cases = append(cases, exportCase(org, c, first))
	}
	sort.Slice(cases, func(i, j int) bool {
		if !cases[i].Opened.Equal(cases[j].Opened) {
			return cases[i].Opened.Before(cases[j].Opened)
		}
		return cases[i].Ref < cases[j].Ref
	})
	rep := &ExportReport{}
	ew := &exportWriter{w: w}
	ew.comment("Holdfast export: units, officers, then cases (docs/import-format.md).")
	for _, u := range exportUnits(org) {
		ew.line("unit", u)
		rep.Units++
	}
	for _, o := range exportOfficers(org) {
		ew.line("officer", o)
		rep.Officers++
	}
	for _, c := range cases {
		ew.line("case", c)
		rep.Cases++
	}
	if ew.err != nil {
		return nil, fmt.Errorf("export: %w", ew.err)
	}
	return rep, nil
}

type exportWriter struct {
	w   io.Writer
	err error
}

func (ew *exportWriter) comment(s string) {
	if ew.err == nil {
		_, ew.err = io.WriteString(ew.w, "# "+s+"\n")
	}
}

// line writes one record with its type first, as the format's examples do.
func (ew *exportWriter) line(typ string, v any) {
	if ew.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		ew.err = err
		return
	}
	_, ew.err = io.WriteString(ew.w, `{"type":"`+typ+`",`+string(b[1:])+"\n")
}

// exportUnits lists every unit, each after its parent, by name.
func exportUnits(org *domain.OrgState) []casefile.Unit {
	var out []casefile.Unit
	done := map[string]bool{}
	units := make([]*domain.Unit, 0, len(org.Units))
	for _, u := range org.Units {
		units = append(units, u)
	}
	sort.Slice(units, func(i, j int) bool { return units[i].Name < units[j].Name })
	for len(done) < len(units) {
		progress := false
		for _, u := range units {
			if done[u.ID] || (u.ParentID != "" && !done[u.ParentID] && org.Units[u.ParentID] != nil) {
				continue
			}
			done[u.ID], progress = true, true
			parent := ""
			if p := org.Units[u.ParentID]; p != nil {
				parent = p.Name
			}
			out = append(out, casefile.Unit{Ref: u.Name, Name: u.Name, Kind: string(u.Kind), Parent: parent})
		}
		if !progress {
			break // a cycle cannot be folded from the log; never loop on one
		}
	}
	return out
}

// exportOfficers lists every user with a collar number, by collar.
func exportOfficers(org *domain.OrgState) []casefile.Officer {
	var out []casefile.Officer
	for _, u := range org.Users {
		if strings.TrimSpace(u.Collar) == "" {
			continue // nobody can name them in a file: their acts are exported as nobody's
		}
		o := casefile.Officer{Ref: u.Collar, Name: u.Name, Collar: u.Collar, Rank: string(u.Rank), Left: u.LeftAt}
		if un := org.Units[u.UnitID]; un != nil {
			o.Unit = un.Name
		}
		for _, r := range u.Roles {
			o.Roles = append(o.Roles, string(r))
		}
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Collar < out[j].Collar })
	return out
}

// firstOwner is who was first assigned the case, "" if nobody was.
func (s *Service) firstOwner(ctx context.Context, caseID string) (string, error) {
	evs, err := s.st.CaseEvents(ctx, caseID)
	if err != nil {
		return "", err
	}
	for _, e := range evs {
		if e.Type == domain.EvOwnerAssigned {
			var p domain.OwnerAssigned
			if err := decodeInto(e, &p); err != nil {
				return "", err
			}
			return p.OwnerID, nil
		}
		if e.Type == domain.EvTransferAccepted {
			break
		}
	}
	return "", nil
}

// exportCase is c in the import's format, from its projection; owner is
// who owned it before any transfer.
func exportCase(org *domain.OrgState, c *domain.Case, owner string) casefile.Case {
	who := func(id string) string {
		if u := org.Users[id]; u != nil {
			return u.Collar
		}
		return ""
	}
	unit := func(id string) string {
		if u := org.Units[id]; u != nil {
			return u.Name
		}
		return id
	}
	k := casefile.Case{Ref: c.Ref, Team: unit(c.TeamID), Opened: c.OpenedAt, Summary: c.Summary,
		OffenceTypes: c.OffenceTypes, Marking: c.Marking, Owner: who(owner)}
	if c.Imported && c.SourceRef != "" {
		k.Ref = c.SourceRef
	}
	// Transfers: each accepted one, then any pending; the case opened in
	// the team the first one came from, and its owner then is not known.
	for _, t := range c.Transfers {
		if t.Outcome != "accepted" {
			continue
		}
		k.Transfers = append(k.Transfers, casefile.Transfer{At: t.ProposedAt, To: unit(t.ToTeam), Reason: t.Reason,
			By: who(t.ProposedBy), Accepted: t.DecidedAt})
	}
	if t := c.Transfer; t != nil {
		k.Transfers = append(
			k.Transfers,
			casefile.Transfer{At: t.ProposedAt, To: unit(t.ToTeam), Reason: t.Reason, By: who(t.ProposedBy)},
		)
	}
	if len(k.Transfers) > 0 {
		first := c.Transfers
		if len(first) > 0 && first[0].FromTeam != "" {
			k.Team = unit(first[0].FromTeam)
		} else if c.Transfer != nil && c.Transfer.FromTeam != "" {
			k.Team = unit(c.Transfer.FromTeam)
		}
		// Today's owner was given the case when the last one was accepted.
		for i := len(k.Transfers) - 1; i >= 0; i-- {
			if !k.Transfers[i].Accepted.IsZero() {
				k.Transfers[i].Owner = who(c.OwnerID)
				break
			}
		}
	}
	for i, v := range c.Victims {
		ev := casefile.Victim{Ref: fmt.Sprintf("V%d", i+1), Name: v.Name, DOB: v.DateOfBirth, Added: v.AddedAt}
		if !v.Enhanced {
			no := false
			ev.Enhanced = &no
		}
		if p := v.Plan; p != nil {
			ev.ContactPlan = &casefile.ContactPlan{EveryDays: p.EveryDays, Method: p.Method, Agreed: p.AgreedAt}
		}
		for _, ct := range v.Contacts {
			// A decision she was told of is a notification, its note the
			// decision; one recorded without a note goes out as a contact,
			// so that no words are invented for it.
			if ct.Kind == domain.ContactDecision && ct.Note != "" {
				ev.Notifications = append(ev.Notifications, casefile.Notification{
					Decision: ct.Note, At: ct.At, Method: ct.Method, By: who(ct.By)})
				continue
			}
			k.Contacts = append(k.Contacts, casefile.Contact{Victim: ev.Ref, At: ct.At, Kind: ct.Kind,
				Method: ct.Method, Note: ct.Note, By: who(ct.By)})
		}
		k.Victims = append(k.Victims, ev)
	}
	for i, s := range c.Suspects {
		es := casefile.Suspect{
			Ref:         fmt.Sprintf("S%d", i+1),
			Name:        s.Name,
			Description: s.Description,
			DOB:         s.DateOfBirth,
			Added:       s.AddedAt,
			Phone:       s.Phone,
			Vehicle:     s.Vehicle,
			Address:     s.Address,
		}
		exportSuspectHistory(s, &es) // import_suspects.go
		k.Suspects = append(k.Suspects, es)
	}
	for _, a := range c.Actions {
		ea := casefile.Action{
			Ref:         fmt.Sprintf("A%d", a.Number),
			Title:       a.Title,
			Raised:      a.RaisedAt,
			RaisedBy:    who(a.RaisedBy),
			AllocatedTo: who(a.AllocatedTo),
			Target:      a.Target,
		}
		if ea.AllocatedTo == "" {
			ea.Target = time.Time{}
		}
		if !a.ResultedAt.IsZero() {
			ea.Result, ea.Resulted = a.Result, a.ResultedAt
			ea.Outcome, ea.Reference = string(a.Outcome), a.Reference
		}
		if !a.FiledAt.IsZero() {
			ea.Filed, ea.FiledBy = a.FiledAt, who(a.FiledBy)
		}
		k.Actions = append(k.Actions, ea)
	}
	// An import numbers actions in file order: keep each its number.
	sort.SliceStable(k.Actions, func(i, j int) bool { return actionNumber(k.Actions[i]) < actionNumber(k.Actions[j]) })
	for _, r := range c.Reviews {
		k.Reviews = append(k.Reviews, casefile.Review{At: r.At, By: who(r.By), Summary: r.Summary})
	}
	if c.Plan != "" {
		k.Plan = &casefile.Plan{Text: c.Plan, At: c.PlanAt}
	}
	var cl *domain.Closure
	switch {
	case c.Status == domain.StatusClosed && len(c.Closures) > 0:
		cl = &c.Closures[len(c.Closures)-1]
	case c.Closure.Open():
		cl = c.Closure
	}
	if cl != nil {
		ec := &casefile.Closure{Outcome: cl.Outcome, Proposed: cl.ProposedAt, ProposedBy: who(cl.ProposedBy)}
		switch {
		case c.Status != domain.StatusClosed:
		case who(cl.ApprovedBy) != "":
			ec.Approved, ec.ApprovedBy = cl.ApprovedAt, who(cl.ApprovedBy)
		default:
			ec.Closed = c.ClosedAt
		}
		ec.Rationale.LinesConsidered, ec.Rationale.WhyNoneRemain = cl.Rationale.LinesConsidered, cl.Rationale.WhyNoneRemain
		ec.Rationale.SuspectsStatus, ec.Rationale.VictimView = cl.Rationale.SuspectsStatus, cl.Rationale.VictimView
		k.Closure = ec
	}
	exportHistory(c, &k, who)
	return k
}

func actionNumber(a casefile.Action) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(a.Ref, "A"))
	return n
}

// ActorNamed is the person whose sign-in name is username, as they are
// recorded now, for a command run at the server in their name (holdfast
// export --as): what it reads is recorded as their read. An unknown name
// or a leaver is refused, and nothing is recorded.
func (s *Service) ActorNamed(ctx context.Context, username string) (*Actor, error) {
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	// As sign-in reads a name (auth.go): spaces and capitals are not part of it.
	name := strings.ToLower(strings.TrimSpace(username))
	for _, u := range org.Users {
		if u.Username != name {
			continue
		}
		if !u.Active {
			return nil, fmt.Errorf("%s (%s) has left: name a serving account", domain.PersonName(u), u.Username)
		}
		return &Actor{User: *u}, nil
	}
	return nil, fmt.Errorf("no account has the sign-in name %q: %w", username, ErrNotFound)
}
