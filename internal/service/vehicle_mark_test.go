package service_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/service"
)

// TestVehicleMark: a registration mark is shown as UK plates are written,
// however it was typed, and still normalises to the key it is matched by;
// a description with a mark in it, or a mark of no UK style, is not
// respaced into something it is not.
func TestVehicleMark(t *testing.T) {
	for in, want := range map[string]string{
		"pe20fef":               "PE20 FEF",
		"PE20 FEF":              "PE20 FEF",
		" p e 2 0-f e f ":       "PE20 FEF",
		"a123bcd":               "A123 BCD",
		"A1 BCD":                "A1 BCD",
		"abc123d":               "ABC 123D",
		"abc123":                "ABC 123",
		"1234ab":                "1234 AB",
		"ABZ1234":               "ABZ 1234",
		"w0rdy1":                "W0RDY1",
		"silver  Astra AB12CDE": "silver Astra AB12CDE",
		"a silver saloon":       "a silver saloon",
		"":                      "",
	} {
		got := service.VehicleMark(in)
		if got != want {
			t.Errorf("VehicleMark(%q) = %q, want %q", in, got, want)
		}
		if audit.NormaliseVehicle(got) != audit.NormaliseVehicle(in) {
			t.Errorf("VehicleMark(%q) = %q matches as %q, not %q", in, got, audit.NormaliseVehicle(got),
				audit.NormaliseVehicle(in))
		}
	}
}
