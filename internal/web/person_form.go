package web

import "github.com/holdfast/holdfast/internal/domain"

// personFields are the questions of the correct-person journey, prefilled
// with the details as they stand: only those the person's record holds (a
// victim has no vehicle, a witness only a name), since the service
// refuses the others.
func personFields(c *domain.Case, id string) []field {
	reason := field{Name: "reason", Label: "Why the details are being corrected",
		Hint: "The details as first recorded stay in the history", Kind: "textarea"}
	name := func(v string) field { return field{Name: "name", Label: "Name", Kind: "text", Value: v} }
	dob := func(v string) field {
		return field{Name: "dob", Label: "Date of birth (optional)", Hint: "For example, 27 3 1990", Kind: "date",
			Value: v}
	}
	if v := c.Victim(id); v != nil {
		return []field{name(v.Name), dob(v.DateOfBirth),
			{Name: "phone", Label: "How to reach them (optional)", Kind: "text", Value: v.Contact}, reason}
	}
	if s := c.Suspect(id); s != nil {
		return []field{name(s.Name), dob(s.DateOfBirth),
			{Name: "phone", Label: "Phone (optional)", Kind: "text", Value: s.Phone},
			{Name: "vehicle", Label: "Vehicle registration (optional)", Kind: "text", Value: s.Vehicle,
				Hint: "For example AB12 CDE: it is matched however it is spaced"},
			{Name: "address", Label: "Address, with postcode (optional)", Kind: "text", Value: s.Address}, reason}
	}
	for _, p := range c.People {
		if p.ID == id {
			return []field{name(p.Name), reason}
		}
	}
	return []field{name(""), reason}
}

// personName is the name of person id on the case, or "".
func (v *caseView) personName(id string) string {
	if vi := v.Case.Victim(id); vi != nil {
		return vi.Name
	}
	if s := v.Case.Suspect(id); s != nil {
		return s.Label(40)
	}
	for _, p := range v.Case.People {
		if p.ID == id {
			return p.Name
		}
	}
	return ""
}
