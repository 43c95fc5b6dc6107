package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/oidc"
)

// transport is how serve and demo meet the network (docs/security.md):
// TLS from a certificate and key re-read on SIGHUP, the proxies whose
// forwarding header — the one they set, X-Forwarded-For or Forwarded — is
// believed, and a loud warning when served beyond loopback without TLS.
type transport struct {
	certFile, keyFile string
	proxies           []netip.Prefix
	header            string // the forwarding header the proxies set (request.ForwardedHeader)
	cert              atomic.Pointer[tls.Certificate]
}

type transportFlags struct {
	cert, key *string
	proxies   *listFlag
	header    *string
	oidc      struct{ issuer, id, secret, redirect, claim, name *string }
	publicURL *string
}

func transportFlagsOf(f flags) transportFlags {
	tf := transportFlags{
		cert: f.str("tls-cert", "", "serve HTTPS with this certificate (PEM, the chain after the leaf); "+
			"re-read with --tls-key on SIGHUP"),
		key: f.str("tls-key", "", "the private key of --tls-cert (PEM)"),
		proxies: f.list("trusted-proxy", "a reverse proxy (address or CIDR) whose forwarding header "+
			"(--forwarded-header) is believed; repeat for several"),
		header: f.str("forwarded-header", request.HeaderXForwardedFor, "the one header the trusted proxies set: "+
			"x-forwarded-for (with X-Forwarded-Proto; nginx, HAProxy) or forwarded (RFC 7239 for= and proto=); "+
			"the other is ignored, since a proxy passes a client's own copy of it through"),
	}
	o := &tf.oidc
	o.issuer = f.str("oidc-issuer", "", "the force's OpenID Connect provider (issuer URL): officers sign in through it")
	o.id = f.str("oidc-client-id", "", "Holdfast's client id at the provider")
	o.secret = f.str("oidc-client-secret", "", "Holdfast's client secret at the provider (better: the environment "+
		"variable HOLDFAST_OIDC_CLIENT_SECRET)")
	o.redirect = f.str("oidc-redirect-url", "", "this server's https://HOST/sign-in/oidc/callback, as registered")
	o.claim = f.str("oidc-claim", "username", "the ID token claim naming the officer: username, email or collar")
	o.name = f.str("oidc-name", "your force's sign-in", "what the sign-in button calls the provider")
	tf.publicURL = f.str("public-url", "", "the address browsers reach Holdfast at (https://HOST): turns passkeys on")
	return tf
}

// oidcConfig is the provider configured, or nil.
func (tf transportFlags) oidcConfig() (*oidc.Config, error) {
	o := tf.oidc
	if *o.issuer == "" {
		return nil, nil
	}
	c := &oidc.Config{Issuer: *o.issuer, ClientID: *o.id, ClientSecret: *o.secret, RedirectURL: *o.redirect,
		Claim: *o.claim, Name: *o.name}
	if err := c.Check(); err != nil {
		return nil, usageError("%v", err)
	}
	return c, nil
}

func (tf transportFlags) transport() (*transport, error) {
	t := &transport{certFile: *tf.cert, keyFile: *tf.key, header: strings.ToLower(strings.TrimSpace(*tf.header))}
	if (t.certFile == "") != (t.keyFile == "") {
		return nil, usageError("--tls-cert and --tls-key go together: give both, or neither")
	}
	if t.header != request.HeaderXForwardedFor && t.header != request.HeaderForwarded {
		return nil, usageError("--forwarded-header %q is not one Holdfast reads: give %s (nginx's "+
			"X-Forwarded-For and X-Forwarded-Proto) or %s (RFC 7239), whichever your proxy sets",
			*tf.header, request.HeaderXForwardedFor, request.HeaderForwarded)
	}
	for _, s := range *tf.proxies {
		s = strings.TrimSpace(s)
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, usageError("--trusted-proxy %q is not an address or CIDR (such as 10.0.0.0/8)", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		t.proxies = append(t.proxies, p.Masked())
	}
	if t.certFile != "" {
		if err := t.load(); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *transport) tls() bool { return t != nil && t.certFile != "" }

func (t *transport) load() error {
	c, err := tls.LoadX509KeyPair(t.certFile, t.keyFile)
	if err != nil {
		return fmt.Errorf("--tls-cert %s, --tls-key %s: %w", t.certFile, t.keyFile, err)
	}
	t.cert.Store(&c)
	return nil
}

// listen wraps l in TLS when a certificate was given, trusts the proxies,
// and warns when l is reachable beyond loopback without TLS or secure
// cookies. It returns the scheme served.
func (t *transport) listen(ctx context.Context, l net.Listener, secure bool, stdout io.Writer) (net.Listener, string) {
	request.TrustProxies(t.proxies)
	if err := request.ForwardedHeader(t.header); err != nil {
		slog.Error("the forwarding header read is unchanged", "err", err)
	}
	if !t.tls() {
		if !loopback(l.Addr()) && !secure {
			msg := fmt.Sprintf("WARNING: Holdfast is serving %s beyond this machine over plain HTTP, without "+
				"secure cookies: passwords and sessions cross the network readable. Serve with --tls-cert and "+
				"--tls-key, or behind a TLS proxy with --secure-cookies and --trusted-proxy.", l.Addr())
			slog.Warn(msg)
			fmt.Fprintln(stdout, "\n"+strings.Repeat("!", 78)+"\n"+msg+"\n"+strings.Repeat("!", 78))
		}
		return l, "http"
	}
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return t.cert.Load(), nil
		},
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
			}
			if err := t.load(); err != nil {
				slog.Error("TLS certificate not reloaded on SIGHUP: the old one stays", "err", err)
			} else {
				slog.Info("TLS certificate reloaded on SIGHUP", "cert", t.certFile)
			}
		}
	}()
	return tls.NewListener(l, cfg), "https"
}

func loopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
