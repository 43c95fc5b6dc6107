package request_test

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
)

func trust(t *testing.T, cidrs ...string) {
	t.Helper()
	var ps []netip.Prefix
	for _, c := range cidrs {
		ps = append(ps, netip.MustParsePrefix(c))
	}
	request.TrustProxies(ps)
	t.Cleanup(func() { request.TrustProxies(nil) })
}

// TestClientAddr: forwarding headers are believed only from a trusted
// proxy, read from the right, and stop at the first address not trusted
// or an entry that is not an address.
func TestClientAddr(t *testing.T) {
	trust(t, "10.0.0.0/8", "2001:db8:1::/48")
	for _, tc := range []struct {
		name, remote, xff, fwd, want string
	}{
		{"no proxy", "192.0.2.7:5555", "", "", "192.0.2.7"},
		{"untrusted peer sends XFF", "192.0.2.7:5555", "203.0.113.9", "", "192.0.2.7"},
		{"trusted proxy", "10.1.2.3:443", "203.0.113.9", "", "203.0.113.9"},
		{"spoofed left entry ignored", "10.1.2.3:443", "1.1.1.1, 203.0.113.9", "", "203.0.113.9"},
		{"chain of trusted proxies", "10.1.2.3:443", "203.0.113.9, 10.9.9.9, 10.8.8.8", "", "203.0.113.9"},
		{"garbage stops the walk", "10.1.2.3:443", "203.0.113.9, <script>, 10.8.8.8", "", "10.8.8.8"},
		{"all trusted: the leftmost", "10.1.2.3:443", "10.4.4.4, 10.5.5.5", "", "10.4.4.4"},
		{"no header from a proxy", "10.1.2.3:443", "", "", "10.1.2.3"},
		{"IPv4 with port", "10.1.2.3:443", "203.0.113.9:1234", "", "203.0.113.9"},
		{"Forwarded", "10.1.2.3:443", "", `for=192.0.2.60;proto=http;by=203.0.113.43`, "192.0.2.60"},
		{"Forwarded wins over XFF", "10.1.2.3:443", "1.2.3.4", `for=192.0.2.60`, "192.0.2.60"},
		{"Forwarded IPv6 quoted", "10.1.2.3:443", "", `for="[2001:db8:cafe::17]:4711"`, "2001:db8:cafe::17"},
		{"Forwarded several", "10.1.2.3:443", "", `for=192.0.2.43, for="[2001:db8:1::1]"`, "192.0.2.43"},
		{"Forwarded unknown", "10.1.2.3:443", "", `for=unknown`, "10.1.2.3"},
		{"Forwarded obfuscated", "10.1.2.3:443", "", `for=_hidden, for=10.2.2.2`, "10.2.2.2"},
		{"IPv4-mapped peer", "[::ffff:10.1.2.3]:443", "203.0.113.9", "", "203.0.113.9"},
		{"IPv6 proxy", "[2001:db8:1::5]:443", "198.51.100.1", "", "198.51.100.1"},
		{"unreadable peer", "not an address", "203.0.113.9", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if tc.fwd != "" {
				r.Header.Set("Forwarded", tc.fwd)
			}
			if got := request.ClientAddr(r); got != tc.want {
				t.Fatalf("ClientAddr = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestForwardedHTTPS: only a trusted proxy's word on the scheme counts.
func TestForwardedHTTPS(t *testing.T) {
	trust(t, "10.0.0.0/8")
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Forwarded-Proto", "https")
	r.RemoteAddr = "192.0.2.1:1"
	if request.ForwardedHTTPS(r) {
		t.Fatal("an untrusted peer's X-Forwarded-Proto was believed")
	}
	r.RemoteAddr = "10.0.0.1:1"
	if !request.ForwardedHTTPS(r) {
		t.Fatal("a trusted proxy's X-Forwarded-Proto was not believed")
	}
}

// FuzzForwarded: neither parser panics, each returns at most 32 entries,
// all valid addresses, and an input with no comma yields at most one.
func FuzzForwarded(f *testing.F) {
	for _, s := range []string{"", "1.2.3.4", "1.2.3.4, 5.6.7.8", `for=1.2.3.4;proto=https`,
		`for="[2001:db8::1]:80", for=unknown`, `for="\"quoted\""`, strings.Repeat("1.1.1.1,", 100), `for=";,"`,
		"[::1]", "::ffff:1.2.3.4", "fe80::1%eth0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, parse := range map[string]func([]string) ([]netip.Addr, error){
			"xff": request.ParseXForwardedFor, "forwarded": request.ParseForwarded} {
			got, _ := parse([]string{s})
			if len(got) > 32 {
				t.Fatalf("%s: %d entries", name, len(got))
			}
			for _, a := range got {
				if !a.IsValid() || a.Zone() != "" || a.Is4In6() {
					t.Fatalf("%s(%q): bad address %v", name, s, a)
				}
			}
		}
	})
}
