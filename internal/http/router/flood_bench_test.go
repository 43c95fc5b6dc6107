package router_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/testdb"
)

// rssMB is this process's resident memory, in MB (Linux).
func rssMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if kb, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 64)
			return n / 1024
		}
	}
	return 0
}

// BenchmarkSignInFlood (issue 17): 200 clients, each from its own address
// (through a trusted proxy's X-Forwarded-For), send wrong passwords for
// real and made-up accounts as fast as they are answered, while an officer
// signs in from another address. Each op is that officer's sign-in; the
// metrics are the slowest of them, the process's peak resident memory
// (server and clients together), and whether every refused password is in
// the security log.
//
//	go test -run '^$' -bench SignInFlood -benchtime 20x ./internal/http/router
func BenchmarkSignInFlood(b *testing.B) {
	f := fixture.New(b, testdb.Open(b, "sqlite"))
	request.TrustProxies([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	b.Cleanup(func() { request.TrustProxies(nil) })
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	b.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 300}}
	post := func(addr, user, pw string) (int, error) {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/session",
			strings.NewReader(`{"username":"`+user+`","password":"`+pw+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", addr)
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, nil
	}
	targets := []string{"ivy", "ian", "max", "aud", "ana", "lia", "hmi", "olly", "ines", "admin", "ghost", "nobody"}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var refused, throttled, other atomic.Int64
	base := rssMB()
	peak := atomic.Uint64{}
	wg.Add(1)
	go func() { // sample memory every 20 ms
		defer wg.Done()
		for ctx.Err() == nil {
			if m := uint64(rssMB()); m > peak.Load() {
				peak.Store(m)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr := fmt.Sprintf("198.18.%d.%d", i/250, i%250+1)
			for n := 0; ctx.Err() == nil; n++ {
				s, err := post(addr, targets[(i+n)%len(targets)], fmt.Sprintf("guess %d %d", i, n))
				switch {
				case err != nil:
				case s == 401:
					refused.Add(1)
				case s == 429:
					throttled.Add(1)
				default:
					other.Add(1)
				}
			}
		}()
	}
	time.Sleep(5 * time.Second) // the flood is in its steady state (see docs/security.md)
	var slowest time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		s, err := post(fmt.Sprintf("10.9.%d.%d", i/250, i%250+1), "sam", fixture.Password)
		d := time.Since(start)
		if err != nil || s != 201 {
			b.Errorf("the officer's sign-in %d during the flood: %d %v after %s", i, s, err, d)
		}
		slowest = max(slowest, d)
		time.Sleep(100 * time.Millisecond)
	}
	b.StopTimer()
	cancel()
	wg.Wait()
	// Sessions are cheap to leave; every 401 must be a logged failure.
	as := f.Store.(store.AuthStore)
	rows, err := as.SecurityLog(context.Background(), store.SecurityFilter{Kind: service.EvSignInFailed, Limit: 10000})
	if err != nil {
		b.Fatal(err)
	}
	if int64(len(rows)) < refused.Load() {
		b.Errorf("%d refused passwords but %d failures in the security log", refused.Load(), len(rows))
	}
	if other.Load() > 0 {
		b.Errorf("%d flood requests answered neither 401 nor 429", other.Load())
	}
	b.ReportMetric(float64(slowest.Milliseconds()), "slowest-ms")
	b.ReportMetric(float64(peak.Load()), "peak-RSS-MB")
	b.ReportMetric(base, "start-RSS-MB")
	b.ReportMetric(float64(refused.Load()), "refused")
	b.ReportMetric(float64(throttled.Load()), "throttled")
	b.ReportMetric(float64(len(rows)), "failures-logged")
	b.ReportMetric(float64(f.Svc.PeakHashes()), "peak-hashes")
}
