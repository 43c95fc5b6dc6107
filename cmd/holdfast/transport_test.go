package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeCert writes a self-signed certificate for 127.0.0.1 named cn.
func writeCert(t *testing.T, certFile, keyFile, cn string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
}

// `serve --tls-cert --tls-key` serves HTTPS with HSTS and Secure cookies,
// and a new certificate is taken up on SIGHUP.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	writeCert(t, cert, key, "first")
	addr := freeAddr(t)
	ctx, stop := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--db", filepath.Join(dir, "h.db"), "--addr", addr, "--sweep-every", "0",
			"--tls-cert", cert, "--tls-key", key}, &out, &errb)
	}()
	defer func() {
		stop()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, errb.String())
		}
	}()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	var res *http.Response
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var err error
		if res, err = client.Get("https://" + addr + "/sign-in"); err == nil {
			break
		}
	}
	if res == nil {
		t.Fatalf("no HTTPS server; log:\n%s", errb.String())
	}
	res.Body.Close()
	if !strings.Contains(res.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Fatalf("no HSTS over TLS: %v", res.Header)
	}
	if len(res.Cookies()) == 0 || !res.Cookies()[0].Secure {
		t.Fatalf("the sign-in form's cookie is not Secure over TLS: %v", res.Cookies())
	}
	if !strings.Contains(out.String(), "https://") {
		t.Fatalf("serve does not say https: %s", out.String())
	}
	cn := func() string {
		c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			return ""
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	if got := cn(); got != "first" {
		t.Fatalf("certificate %q, want first", got)
	}
	writeCert(t, cert, key, "second")
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	for deadline := time.Now().Add(10 * time.Second); cn() != "second"; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the new certificate was not taken up on SIGHUP; log:\n%s", errb.String())
		}
	}
}

// Served beyond loopback without TLS or secure cookies, serve says so
// loudly; bad transport flags are refused.
func TestServeWarnsWithoutTLS(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Skip("cannot listen beyond loopback here")
	}
	addr := l.Addr().String()
	l.Close()
	ctx, stop := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--db", filepath.Join(dir, "h.db"), "--addr", addr, "--sweep-every", "0",
			"--trusted-proxy", "10.0.0.0/8"}, &out, &errb)
	}()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), "Holdfast is running"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", errb.String())
		}
	}
	stop()
	<-done
	if !strings.Contains(out.String(), "WARNING: Holdfast is serving") || !strings.Contains(out.String(), "plain HTTP") {
		t.Fatalf("no warning: %s", out.String())
	}
	for _, args := range [][]string{{"--tls-cert", "x.pem"}, {"--trusted-proxy", "not-a-cidr"},
		{"--forwarded-header", "x-real-ip"}} {
		var o, e syncBuffer
		if code := run(context.Background(), append([]string{"serve", "--db", filepath.Join(dir, "h2.db")}, args...), &o, &e); code == 0 {
			t.Errorf("serve %v started", args)
		}
	}
}
