package service

import (
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
)

// An officer line's accreditations (issue 21, docs/import-format.md) are
// checked by the same rules as the AwardAccreditation command, each
// problem named by its line and its list item's field, and recorded as
// accreditation.awarded events, dated when they came across.

// importedAccreditation is one checked accreditation of an officer line.
type importedAccreditation struct {
	kind, evidence   string
	awarded, expires time.Time
}

// checkAccreditations checks an officer line's accreditations, adding a
// problem for each fault.
func (im *importer) checkAccreditations(line int, in []casefile.Accreditation) []importedAccreditation {
	tr := &im.s.Policy().Training
	out := make([]importedAccreditation, 0, len(in))
	for i, a := range in {
		var p domain.Problems
		awarded, expires := checkAccreditation(&p, fmt.Sprintf("accreditations[%d].", i), tr,
			AwardAccreditation{Kind: a.Kind, AwardedOn: a.AwardedOn, Expires: a.Expires, Evidence: a.Evidence}, im.now)
		im.refuse(line, p)
		out = append(out, importedAccreditation{kind: a.Kind, evidence: strings.TrimSpace(a.Evidence),
			awarded: awarded, expires: expires})
	}
	return out
}

// award records accs on the user id. One the user already holds (the same
// kind awarded the same day, not withdrawn) is not recorded again, so a
// file imported twice awards once.
func (im *importer) award(id string, accs []importedAccreditation) {
	for _, a := range accs {
		if u := im.org.Users[id]; u != nil && holdsSame(u, a) {
			continue
		}
		im.addOrg(domain.EvAccreditationAwarded, im.now, domain.AccreditationAwarded{ID: im.s.newID(), UserID: id,
			Kind: a.kind, AwardedOn: a.awarded, Expires: a.expires, Evidence: a.evidence})
		im.rep.Accreditations++
	}
}

func holdsSame(u *domain.User, a importedAccreditation) bool {
	for _, h := range u.Accreditations {
		if h.Kind == a.kind && h.AwardedOn.Equal(a.awarded) && h.Withdrawn.IsZero() {
			return true
		}
	}
	return false
}
