package request

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
)

// The client's address, for the security log and per-address throttling.
// Behind a reverse proxy every connection comes from the proxy, so the
// address is taken from X-Forwarded-For or Forwarded (RFC 7239) — but only
// when the connection comes from a proxy named with `serve --trusted-proxy`,
// since anyone can send those headers. Only the one header the proxy sets
// (`serve --forwarded-header`) is read: a proxy that sets X-Forwarded-For
// passes a client's own Forwarded header through untouched, and the other
// way round, so reading both would let the client choose its address. The
// chain is read from the right: each trusted hop vouches for the one before
// it, and the first address not trusted is the client. An entry that cannot
// be read stops the walk there.

var trusted atomic.Pointer[[]netip.Prefix]

// useForwarded: the proxies set Forwarded (RFC 7239), not X-Forwarded-For.
var useForwarded atomic.Bool

// The names ForwardedHeader accepts.
const (
	HeaderXForwardedFor = "x-forwarded-for"
	HeaderForwarded     = "forwarded"
)

// ForwardedHeader names the one header the trusted proxies set, for the
// client's address and scheme: HeaderXForwardedFor (with X-Forwarded-Proto:
// nginx's proxy_add_x_forwarded_for and $scheme; the default) or
// HeaderForwarded (for= and proto=). The other is ignored. Any other name
// is an error and changes nothing.
func ForwardedHeader(name string) error {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case HeaderXForwardedFor, "":
		useForwarded.Store(false)
	case HeaderForwarded:
		useForwarded.Store(true)
	default:
		return fmt.Errorf("%q is not a forwarding header: give %s or %s", name, HeaderXForwardedFor,
			HeaderForwarded)
	}
	return nil
}

// TrustProxies sets the proxies whose forwarding headers are believed.
func TrustProxies(p []netip.Prefix) {
	cp := append([]netip.Prefix(nil), p...)
	trusted.Store(&cp)
}

func isTrusted(a netip.Addr) bool {
	p := trusted.Load()
	if p == nil {
		return false
	}
	a = a.Unmap()
	for _, pre := range *p {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// maxHops bounds how many forwarding entries are read.
const maxHops = 32

// ClientAddr is the address a request came from, as a string ("" if the
// connection's own address cannot be read).
func ClientAddr(r *http.Request) string {
	peer, ok := remoteAddr(r.RemoteAddr)
	if !ok {
		return ""
	}
	if !isTrusted(peer) {
		return peer.String()
	}
	hops := forwardedHops(r)
	if i := clientHop(hops); i >= 0 {
		return hops[i].addr.String()
	}
	return peer.String()
}

// ForwardedHTTPS reports whether a trusted proxy says the client's request
// came over TLS: X-Forwarded-Proto: https, or — when the proxies set
// Forwarded — proto=https in the element that names the client.
func ForwardedHTTPS(r *http.Request) bool {
	peer, ok := remoteAddr(r.RemoteAddr)
	if !ok || !isTrusted(peer) {
		return false
	}
	if !useForwarded.Load() {
		return strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
	}
	hops := forwardedHops(r)
	i := clientHop(hops)
	return i >= 0 && strings.EqualFold(hops[i].proto, "https")
}

// hop is one forwarding entry: the address a proxy received the request
// from, and (Forwarded only) the scheme it was received over.
type hop struct {
	addr  netip.Addr
	proto string
}

// forwardedHops is the chain in the one header the proxies set, left
// (client) to right (nearest proxy), after any entry that cannot be read.
func forwardedHops(r *http.Request) []hop {
	if useForwarded.Load() {
		hops, _ := parseForwarded(r.Header.Values("Forwarded"))
		return hops
	}
	addrs, _ := ParseXForwardedFor(r.Header.Values("X-Forwarded-For"))
	hops := make([]hop, len(addrs))
	for i, a := range addrs {
		hops[i] = hop{addr: a}
	}
	return hops
}

// clientHop walks hops from the right, each trusted hop vouching for the
// one before it: the first not trusted is the client, or the leftmost if
// all are; -1 when there are none.
func clientHop(hops []hop) int {
	for i := len(hops) - 1; i >= 0; i-- {
		if !isTrusted(hops[i].addr) {
			return i
		}
	}
	if len(hops) > 0 {
		return 0
	}
	return -1
}

func remoteAddr(s string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		host = s
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

var errBadForward = errors.New("unreadable forwarding entry")

// ParseXForwardedFor reads X-Forwarded-For header values: addresses
// separated by commas, left (client) to right (nearest proxy). It returns
// the entries after the last one it could not read, and an error if there
// was one.
func ParseXForwardedFor(values []string) ([]netip.Addr, error) {
	var out []netip.Addr
	var bad error
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			a, ok := parseNode(strings.TrimSpace(part))
			if !ok {
				out, bad = out[:0], errBadForward
				continue
			}
			out = append(out, a)
		}
	}
	if len(out) > maxHops {
		out = out[len(out)-maxHops:]
	}
	return out, bad
}

// ParseForwarded reads Forwarded header values (RFC 7239): elements
// separated by commas, each pairs separated by semicolons; the for= of each
// element, left to right. Like ParseXForwardedFor it keeps only the entries
// after the last it could not read.
func ParseForwarded(values []string) ([]netip.Addr, error) {
	hops, err := parseForwarded(values)
	out := make([]netip.Addr, len(hops))
	for i, h := range hops {
		out[i] = h.addr
	}
	return out, err
}

// parseForwarded is ParseForwarded with each element's proto= beside its
// for=.
func parseForwarded(values []string) ([]hop, error) {
	var out []hop
	var bad error
	for _, v := range values {
		for _, elem := range splitQuoted(v, ',') {
			var forVal, proto string
			found := false
			for _, pair := range splitQuoted(elem, ';') {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if !ok {
					continue
				}
				switch strings.ToLower(strings.TrimSpace(k)) {
				case "for":
					forVal, found = unquote(strings.TrimSpace(val)), true
				case "proto":
					proto = unquote(strings.TrimSpace(val))
				}
			}
			if !found {
				continue
			}
			a, ok := parseNode(forVal)
			if !ok {
				out, bad = out[:0], errBadForward
				continue
			}
			out = append(out, hop{addr: a, proto: proto})
		}
	}
	if len(out) > maxHops {
		out = out[len(out)-maxHops:]
	}
	return out, bad
}

// unquote strips a quoted-string's quotes and backslashes.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `\`, "")
	}
	return s
}

// splitQuoted splits s at sep outside double quotes.
func splitQuoted(s string, sep byte) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case sep:
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// parseNode reads one node: an IPv4 address or [IPv6], with or without a
// port, or a bare IPv6 address. "unknown" and obfuscated names are not
// addresses.
func parseNode(s string) (netip.Addr, bool) {
	if s == "" || len(s) > 64 {
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return a.Unmap().WithZone(""), true
		}
	}
	return netip.Addr{}, false
}
