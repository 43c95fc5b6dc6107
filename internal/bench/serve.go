package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
)

// ServeResult is what a `holdfast serve` process measured on a record.
type ServeResult struct {
	Start       time.Duration // from exec until /readyz answers 200
	StartRSSMiB float64       // its peak RSS (VmHWM) once ready
	PeakRSSMiB  float64       // its peak RSS (VmHWM) over the run, read before it is stopped
	CPU         time.Duration // its CPU time (user and system) over the whole run
	Requests    int           // pages requested and commands sent
	// Failed are the pages of which any request did not answer 200 (at a
	// million cases the dashboard outlasted the server's write timeout):
	// the memory is measured all the same, and the table names them.
	Failed []string
}

// MeasureServe starts exe (a holdfast binary) as `serve` on the SQLite
// record at path, which MeasureScale measured as sr, signs in over HTTP
// as the record's accounts, requests each of ScalePages runs times and
// sends commands note commands from four clients through the JSON API,
// then reads its peak memory (VmHWM), stops it with SIGTERM and reads its
// CPU time from the kernel. The server's log is kept in
// dir/serve/serve.log; the policy it runs (the shipped one without
// two-step sign-in, as the demo's) and its ledger key are written there.
func MeasureServe(ctx context.Context, exe, path, dir string, sr ScaleResult, runs, commands int) (*ServeResult, error) {
	// Not the record's directory: serve refuses a signing key beside it.
	dir = filepath.Join(dir, "serve")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	pol := filepath.Join(dir, "policy.yaml")
	yml := bytes.Replace(policy.DefaultYAML(), []byte("mfa_required: all"), []byte("mfa_required: none"), 1)
	if err := os.WriteFile(pol, yml, 0o600); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(exe, "serve", "--db", path, "--addr", addr, "--policy", pol)
	// Its ledger key made where it makes one by default (the user's
	// configuration directory), here: the benchmark's, removed with it.
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir)
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	var peak float64
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		var err error
		peak, err = stopServe(cmd, exited)
		return err
	}
	defer stop()
	fail := func(err error) (*ServeResult, error) {
		stop()
		return nil, fmt.Errorf("serve on %s: %w (its log: %s)", filepath.Base(path), err, lastLine(logf.Name()))
	}
	base := "http://" + addr
	client := &http.Client{Timeout: 5 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for {
		if resp, err := client.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-exited:
			stopped = true
			return nil, fmt.Errorf("serve on %s exited before it was ready: %v (its log: %s)",
				filepath.Base(path), err, lastLine(logf.Name()))
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	res := &ServeResult{Start: time.Since(start), StartRSSMiB: vmHWM(cmd.Process.Pid)}
	h := remote{base: base, c: client}
	as := map[string]string{"investigator": "dc", "supervisor": "ds", "administrator": "admin"}
	n := 0
	refs := scaleRefs(sr.Cases)
	cookies := map[string]*http.Cookie{}
	for _, p := range ScalePages {
		c := cookies[p.Role]
		if c == nil {
			if c, err = signIn(ctx, h, as[p.Role], scalePassword); err != nil {
				return fail(err)
			}
			cookies[p.Role] = c
		}
		pathOf := func(i int) string {
			return strings.NewReplacer("{ref}", url.QueryEscape(request.PathRef(refs[(i*37)%len(refs)])),
				"{team}", sr.team).Replace(p.Path)
		}
		pr, _ := measurePage(ctx, h, c, pathOf, pageRuns(p, runs))
		if pr.Failed > 0 {
			res.Failed = append(res.Failed, fmt.Sprintf("%s: %d of %d (first status %d)", p.Name, pr.Failed,
				pageRuns(p, runs), pr.Status))
		}
		n += pageRuns(p, runs)
	}
	k, err := apiNotes(ctx, client, base, refs, commands)
	if err != nil {
		return fail(err)
	}
	res.Requests = n + k
	if err := stop(); err != nil {
		return nil, fmt.Errorf("serve on %s: %w (its log: %s)", filepath.Base(path), err, lastLine(logf.Name()))
	}
	res.PeakRSSMiB = peak
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return res, nil
}

// stopServe reads the peak memory of cmd (started, with exited receiving
// its Wait) and stops it with SIGTERM. The peak is its own VmHWM, read
// just before the signal: the kernel's figure for a child that has
// exited (ru_maxrss) is no use, as Go starts a child sharing the parent's
// memory until it execs, and the child inherits the parent's high-water
// mark — so it said the benchmark's own peak whenever that was higher.
func stopServe(cmd *exec.Cmd, exited <-chan error) (peakMiB float64, err error) {
	peakMiB = vmHWM(cmd.Process.Pid)
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() &&
			ws.Signal() == syscall.SIGTERM {
			return peakMiB, nil // a binary that leaves SIGTERM to the kernel: stopped all the same
		}
		return peakMiB, err
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		return peakMiB, fmt.Errorf("serve did not stop within a minute of SIGTERM: %w", <-exited)
	}
}

// apiNotes sends n note commands through the JSON API from four clients,
// signed in as the investigator, each based on the version it just read;
// a stale version (409) is retried. It returns the requests made.
func apiNotes(ctx context.Context, c *http.Client, base string, refs []string, n int) (int, error) {
	body, _ := json.Marshal(map[string]string{"username": "dc", "password": scalePassword})
	resp, err := c.Post(base+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	var sess struct {
		CSRF string `json:"csrf_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&sess)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("API sign-in: %d %v", resp.StatusCode, err)
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == request.SessionCookie {
			cookie = ck
		}
	}
	if cookie == nil {
		return 0, errors.New("API sign-in: no session cookie")
	}
	do := func(method, path string, body []byte) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.AddCookie(cookie)
		req.Header.Set("X-CSRF-Token", sess.CSRF)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	var mu sync.Mutex
	var next, reqs int
	var firstErr error
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				ref := request.PathRef(refs[(i*53)%len(refs)])
				for {
					code, b, err := do("GET", "/api/v1/cases/"+ref, nil)
					var cs struct {
						Version int64 `json:"version"`
					}
					if err == nil && code == http.StatusOK {
						err = json.Unmarshal(b, &cs)
					} else if err == nil {
						err = fmt.Errorf("GET a case: %d %s", code, b)
					}
					if err == nil {
						nb, _ := json.Marshal(map[string]any{"version": cs.Version,
							"text": fmt.Sprintf("note %d: spoke to the school's safeguarding lead", i)})
						code, b, err = do("POST", "/api/v1/cases/"+ref+"/notes", nb)
						if err == nil && code != http.StatusCreated && code != http.StatusConflict {
							err = fmt.Errorf("add a note: %d %s", code, b)
						}
					}
					mu.Lock()
					reqs += 2
					if err != nil && firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					if err != nil || code != http.StatusConflict {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	return reqs, firstErr
}

// remote is an http.Handler that forwards each request to the server at
// base, so the in-process page measurements drive a real process.
type remote struct {
	base string
	c    *http.Client
}

func (r remote) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	out, err := http.NewRequestWithContext(req.Context(), req.Method, r.base+req.URL.RequestURI(), req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = req.Header.Clone()
	resp, err := r.c.Do(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// vmHWM is the process pid's peak resident memory so far, in MiB (0 if
// the kernel does not say).
func vmHWM(pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// lastLine is the last line of the file at path, for an error message.
func lastLine(path string) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}
