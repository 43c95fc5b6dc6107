package auth

import (
	"net/netip"
	"strings"
	"testing"
)

func TestAddressKey(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"192.0.2.2", "192.0.2.2"},
		{" 192.0.2.1 ", "192.0.2.1"},
		{"192.0.2.1:4431", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"2001:DB8:1:2:a:b:c:d", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"[2001:db8:1:2::9]:443", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"::1", "::/64"},
		{"", ""},
		{"unknown", "unknown"},
		{"999.0.0.1", "999.0.0.1"},
	} {
		if got := AddressKey(tc.addr); got != tc.want {
			t.Errorf("AddressKey(%q) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// FuzzAddressKey: whatever is given, the key is stable (the key of a key
// is itself, for IPv4), an address not read is its own key, and every IPv6
// address shares its key with every other address in its /64.
func FuzzAddressKey(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "2001:db8::1", "::ffff:10.0.0.1", "fe80::1%eth0", "[::1]:80", "", "x",
		"1.2.3.4:5", "::", "2001:db8:1:2:3:4:5:6"} {
		f.Add(s, uint64(0))
	}
	f.Fuzz(func(t *testing.T, s string, low uint64) {
		k := AddressKey(s)
		if k != AddressKey(s) {
			t.Fatalf("AddressKey(%q) differs between calls", s)
		}
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			ap, err := netip.ParseAddrPort(strings.TrimSpace(s))
			if err != nil {
				if k != s {
					t.Fatalf("AddressKey(%q) = %q: what is not an address must be its own key", s, k)
				}
				return
			}
			a = ap.Addr()
		}
		a = a.WithZone("").Unmap()
		if a.Is4() {
			if k != a.String() || AddressKey(k) != k {
				t.Fatalf("AddressKey(%q) = %q, want the IPv4 address %s", s, k, a)
			}
			return
		}
		p, err := netip.ParsePrefix(k)
		if err != nil || p.Bits() != 64 || !p.Contains(a) {
			t.Fatalf("AddressKey(%q) = %q: not the /64 holding it", s, k)
		}
		b := a.As16()
		for i := range 8 {
			b[8+i] = byte(low >> (8 * i))
		}
		other := netip.AddrFrom16(b)
		if other.Is4In6() {
			return // ::ffff:0:0/96 lies within one /64 yet counts as IPv4
		}
		if got := AddressKey(other.String()); got != k {
			t.Fatalf("%s and %s share a /64 but have keys %q and %q", a, other, k, got)
		}
	})
}

func TestNetworkKey(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"192.0.2.1:4431", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2::1", "2001:db8:1::/48"},
		{"2001:db8:1:ff00::1", "2001:db8:1::/48"},
		{"2001:db8:2::1", "2001:db8:2::/48"},
		{"[2001:db8:1:2::9]:443", "2001:db8:1::/48"},
		{"", ""},
		{"unknown", "unknown"},
	} {
		if got := NetworkKey(tc.addr); got != tc.want {
			t.Errorf("NetworkKey(%q) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}
