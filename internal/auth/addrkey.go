// Package auth holds the small pure rules of signing in that more than one
// layer needs: the store indexes by them and the service counts by them, so
// they must agree.
package auth

import (
	"net/netip"
	"strings"
)

// AddressKey is what a client address counts as when failed sign-ins are
// counted against it (docs/security.md): an IPv4 address exactly, an IPv6
// address by its /64 prefix ("2001:db8:1:2::/64"). An IPv6 subscriber is
// usually given a whole /64 and may use any address in it, so counting the
// exact address would let one host spread guesses over 2^64 addresses.
// An IPv4 address inside IPv6 (::ffff:192.0.2.1) counts as the IPv4
// address; a zone is dropped. Anything that is not an address — "", or a
// form this does not read — counts as itself, so it still meets a limit.
func AddressKey(addr string) string { return key(addr, 64) }

// NetworkKey is what a client address counts as when the failures from
// every address are added up against one account (auth.account_failures):
// an IPv4 address exactly, an IPv6 address by its /48. One connection is
// commonly given a /56 or a /48, hundreds or thousands of /64s, so with
// /64s one person could still reach the account-wide lock and lock a
// colleague out from everywhere; a /48 counts as one network, as an IPv4
// address does. Other forms count as themselves, as in AddressKey.
func NetworkKey(addr string) string { return key(addr, 48) }

func key(addr string, bits int) string {
	s := strings.TrimSpace(addr)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return addr
		}
		a = ap.Addr()
	}
	a = a.WithZone("").Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(bits) // an IPv6 address has every prefix up to /128
	return p.String()
}
