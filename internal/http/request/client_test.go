package request_test

import (
	"net/http"
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

// proxyHeader has the trusted proxies set header (request.ForwardedHeader)
// for the rest of the test.
func proxyHeader(t *testing.T, header string) {
	t.Helper()
	if err := request.ForwardedHeader(header); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { request.ForwardedHeader(request.HeaderXForwardedFor) })
}

// behindProxy is a request from remote, with the proxies set to send
// header, carrying the given header names and values (empty: left out).
func behindProxy(t *testing.T, header, remote string, headers ...string) *http.Request {
	t.Helper()
	proxyHeader(t, header)
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = remote
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] != "" {
			r.Header.Set(headers[i], headers[i+1])
		}
	}
	return r
}

// TestClientAddr: forwarding headers are believed only from a trusted
// proxy, read from the right, and stop at the first address not trusted
// or an entry that is not an address. Only the header the proxy sets is
// read (regression: Forwarded was preferred whenever present, and a proxy
// that sets only X-Forwarded-For — nginx — passes a client's own Forwarded
// through, so the client chose the address the security log records and
// the sign-in locks count).
func TestClientAddr(t *testing.T) {
	trust(t, "10.0.0.0/8", "2001:db8:1::/48")
	const xff, fwd = request.HeaderXForwardedFor, request.HeaderForwarded
	for _, tc := range []struct {
		name, header, remote, xff, fwd, want string
	}{
		{"no proxy", xff, "192.0.2.7:5555", "", "", "192.0.2.7"},
		{"untrusted peer sends XFF", xff, "192.0.2.7:5555", "203.0.113.9", "", "192.0.2.7"},
		{"untrusted peer sends Forwarded", fwd, "192.0.2.7:5555", "", "for=203.0.113.9", "192.0.2.7"},
		{"trusted proxy", xff, "10.1.2.3:443", "203.0.113.9", "", "203.0.113.9"},
		{"spoofed left entry ignored", xff, "10.1.2.3:443", "1.1.1.1, 203.0.113.9", "", "203.0.113.9"},
		{"chain of trusted proxies", xff, "10.1.2.3:443", "203.0.113.9, 10.9.9.9, 10.8.8.8", "", "203.0.113.9"},
		{"garbage stops the walk", xff, "10.1.2.3:443", "203.0.113.9, <script>, 10.8.8.8", "", "10.8.8.8"},
		{"all trusted: the leftmost", xff, "10.1.2.3:443", "10.4.4.4, 10.5.5.5", "", "10.4.4.4"},
		{"no header from a proxy", xff, "10.1.2.3:443", "", "", "10.1.2.3"},
		{"IPv4 with port", xff, "10.1.2.3:443", "203.0.113.9:1234", "", "203.0.113.9"},
		{"spoofed Forwarded behind an XFF proxy", xff, "10.1.2.3:443", "203.0.113.9", `for=192.0.2.60`, "203.0.113.9"},
		{"spoofed Forwarded, no XFF", xff, "10.1.2.3:443", "", `for=192.0.2.60`, "10.1.2.3"},
		{"Forwarded", fwd, "10.1.2.3:443", "", `for=192.0.2.60;proto=http;by=203.0.113.43`, "192.0.2.60"},
		{"spoofed XFF behind a Forwarded proxy", fwd, "10.1.2.3:443", "1.2.3.4", `for=192.0.2.60`, "192.0.2.60"},
		{"spoofed XFF, no Forwarded", fwd, "10.1.2.3:443", "1.2.3.4", "", "10.1.2.3"},
		{"Forwarded spoofed left element", fwd, "10.1.2.3:443", "", `for=1.1.1.1, for=192.0.2.60`, "192.0.2.60"},
		{"Forwarded IPv6 quoted", fwd, "10.1.2.3:443", "", `for="[2001:db8:cafe::17]:4711"`, "2001:db8:cafe::17"},
		{"Forwarded several", fwd, "10.1.2.3:443", "", `for=192.0.2.43, for="[2001:db8:1::1]"`, "192.0.2.43"},
		{"Forwarded unknown", fwd, "10.1.2.3:443", "", `for=unknown`, "10.1.2.3"},
		{"Forwarded obfuscated", fwd, "10.1.2.3:443", "", `for=_hidden, for=10.2.2.2`, "10.2.2.2"},
		{"IPv4-mapped peer", xff, "[::ffff:10.1.2.3]:443", "203.0.113.9", "", "203.0.113.9"},
		{"IPv6 proxy", xff, "[2001:db8:1::5]:443", "198.51.100.1", "", "198.51.100.1"},
		{"unreadable peer", xff, "not an address", "203.0.113.9", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := behindProxy(t, tc.header, tc.remote, "X-Forwarded-For", tc.xff, "Forwarded", tc.fwd)
			if got := request.ClientAddr(r); got != tc.want {
				t.Fatalf("ClientAddr = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestForwardedHTTPS: only a trusted proxy's word on the scheme counts,
// and only in the header it sets: X-Forwarded-Proto beside X-Forwarded-For,
// or the proto= of the Forwarded element that names the client.
func TestForwardedHTTPS(t *testing.T) {
	trust(t, "10.0.0.0/8")
	const xff, fwd = request.HeaderXForwardedFor, request.HeaderForwarded
	for _, tc := range []struct {
		name, header, remote, proto, fwd string
		want                             bool
	}{
		{"untrusted peer", xff, "192.0.2.1:1", "https", "", false},
		{"trusted proxy", xff, "10.0.0.1:1", "https", "", true},
		{"trusted proxy says http", xff, "10.0.0.1:1", "http", "", false},
		{"spoofed Forwarded behind an XFF proxy", xff, "10.0.0.1:1", "http", "for=192.0.2.9;proto=https", false},
		{"Forwarded", fwd, "10.0.0.1:1", "", "for=192.0.2.9;proto=https", true},
		{"Forwarded untrusted peer", fwd, "192.0.2.1:1", "", "for=192.0.2.9;proto=https", false},
		{"spoofed X-Forwarded-Proto behind a Forwarded proxy", fwd, "10.0.0.1:1", "https", "for=192.0.2.9;proto=http", false},
		{"spoofed left element", fwd, "10.0.0.1:1", "", "for=1.1.1.1;proto=https, for=192.0.2.9;proto=http", false},
		{"the client's element behind a chain", fwd, "10.0.0.1:1", "",
			`for=192.0.2.9;proto="https", for=10.2.2.2;proto=http`, true},
		{"proto alone", fwd, "10.0.0.1:1", "", "proto=https", false},
	} {
		r := behindProxy(t, tc.header, tc.remote, "X-Forwarded-Proto", tc.proto, "Forwarded", tc.fwd)
		if got := request.ForwardedHTTPS(r); got != tc.want {
			t.Errorf("%s: ForwardedHTTPS = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestForwardedHeaderNames: the setting takes the two header names, in
// any case, and refuses anything else without changing what is read.
func TestForwardedHeaderNames(t *testing.T) {
	proxyHeader(t, "Forwarded")
	if err := request.ForwardedHeader("X-Real-IP"); err == nil {
		t.Fatal("X-Real-IP was taken as a forwarding header")
	}
	trust(t, "10.0.0.0/8")
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.1:1"
	r.Header.Set("Forwarded", "for=192.0.2.9")
	r.Header.Set("X-Forwarded-For", "198.51.100.9")
	if got := request.ClientAddr(r); got != "192.0.2.9" {
		t.Fatalf("after a refused name, ClientAddr = %q, want Forwarded's 192.0.2.9", got)
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
