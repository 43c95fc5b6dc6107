package policy

// Links is when a match between people on two cases is put to their
// owners as a link to review, with an alert and a duty. Weaker matches
// are still listed on the matches pages for analysts: an alert at "1%
// likely" is noise that hides real work.
type Links struct {
	// AlertAt is the least probability, 0 to 1, that two people are one
	// at which their link is raised (default 0.9).
	AlertAt float64 `yaml:"alert_at"`
	// SharedAlertAt is the least probability at which a link is raised
	// when the two also bear the same phone or vehicle (default 0.2). A
	// phone number or registration is an exact identifier, so it counts
	// for more than a name: a weaker name match with it is worth a look.
	// But a family phone or a pool car borne by two different names is
	// not one person, so it is not raised on the identifier alone (unless
	// one of the two has no name: then nothing contradicts it).
	SharedAlertAt float64 `yaml:"shared_alert_at"`
	// AlertUnnamed says whether a link resting on a shared phone or vehicle
	// alone, one of the two known only by description ("the driver of
	// AB12 CDE"), is alerted too (default false: it is not).
	//
	// Why not: such a link is scored on nothing but the identifier, so
	// every record of a network's van or burner pairs with every unnamed
	// sighting of it; on the demo that was one alert a pair, 409 in a
	// detective sergeant's inbox and 131 in a constable's, which nobody
	// can work, and which buried the alerts on named people. The link is
	// still raised, so no network goes unseen: it is on both cases' links
	// pages with its review owed by an open case's owner (a duty on their
	// work list that escalates to their supervisor if left; a closed
	// case owes no review, so its owner and supervisor are alerted
	// whatever this says), and the
	// identifier's group on the analysts' links page lists every case
	// bearing it. A force that wants the alerts anyway sets this true.
	AlertUnnamed bool `yaml:"alert_unnamed"`
}

// Default thresholds, used when the policy file leaves them out.
const (
	DefaultLinkAlertAt       = 0.9
	DefaultLinkSharedAlertAt = 0.2
)

// validate fills the defaults and reports thresholds outside 0 to 1.
func (l *Links) validate(bad func(format string, a ...any)) {
	if l.AlertAt == 0 {
		l.AlertAt = DefaultLinkAlertAt
	}
	if l.SharedAlertAt == 0 {
		l.SharedAlertAt = DefaultLinkSharedAlertAt
	}
	if l.AlertAt < 0 || l.AlertAt > 1 {
		bad("links.alert_at %g must be a probability between 0 and 1, such as 0.9", l.AlertAt)
	}
	if l.SharedAlertAt < 0 || l.SharedAlertAt > 1 {
		bad("links.shared_alert_at %g must be a probability between 0 and 1, such as 0.2", l.SharedAlertAt)
	}
	if l.SharedAlertAt > l.AlertAt {
		bad("links.shared_alert_at %g must not be above links.alert_at %g: a shared phone or vehicle counts for more, not less",
			l.SharedAlertAt, l.AlertAt)
	}
}
