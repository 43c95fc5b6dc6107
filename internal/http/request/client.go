package request

import (
	"errors"
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
// since anyone can send those headers. The chain is read from the right:
// each trusted hop vouches for the one before it, and the first address not
// trusted is the client. An entry that cannot be read stops the walk there.

var trusted atomic.Pointer[[]netip.Prefix]

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
	var chain []netip.Addr
	var err error
	if fw := r.Header.Values("Forwarded"); len(fw) > 0 {
		chain, err = ParseForwarded(fw)
	} else {
		chain, err = ParseXForwardedFor(r.Header.Values("X-Forwarded-For"))
	}
	client := peer
	for i := len(chain) - 1; i >= 0; i-- {
		client = chain[i]
		if !isTrusted(client) {
			return client.String()
		}
	}
	_ = err // a bad entry left of those read: the last one read stands
	return client.String()
}

// ForwardedHTTPS reports whether a trusted proxy says the client's request
// came over TLS (X-Forwarded-Proto or Forwarded proto=https).
func ForwardedHTTPS(r *http.Request) bool {
	peer, ok := remoteAddr(r.RemoteAddr)
	if !ok || !isTrusted(peer) {
		return false
	}
	if strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https") {
		return true
	}
	return strings.Contains(strings.ToLower(r.Header.Get("Forwarded")), "proto=https")
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
	var out []netip.Addr
	var bad error
	for _, v := range values {
		for _, elem := range splitQuoted(v, ',') {
			var forVal string
			found := false
			for _, pair := range splitQuoted(elem, ';') {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if !ok {
					continue
				}
				if strings.EqualFold(strings.TrimSpace(k), "for") {
					forVal, found = strings.TrimSpace(val), true
				}
			}
			if !found {
				continue
			}
			if len(forVal) >= 2 && forVal[0] == '"' && forVal[len(forVal)-1] == '"' {
				forVal = strings.ReplaceAll(forVal[1:len(forVal)-1], `\`, "")
			}
			a, ok := parseNode(forVal)
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
