package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	_ "modernc.org/sqlite"

	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUserAddRebuildAndExitCodes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	code, out, errs := runCLI(
		t,
		"user",
		"add",
		"--db",
		db,
		"--username",
		"boss",
		"--name",
		"Chief Admin",
		"--collar",
		"A1",
		"--password",
		"a long enough password",
	)
	if code != 0 || !strings.Contains(out, "Added Chief Admin") {
		t.Fatalf("user add: code %d, out %q, err %q", code, out, errs)
	}
	code, _, errs = runCLI(
		t,
		"user",
		"add",
		"--db",
		db,
		"--username",
		"Bad Name",
		"--rank",
		"general",
		"--password",
		"x",
	)
	if code != 2 || !strings.Contains(errs, "--username") || !strings.Contains(errs, "--rank") {
		t.Fatalf("bad user add: code %d, err %q", code, errs)
	}
	code, out, _ = runCLI(t, "rebuild", "--db", db)
	if code != 0 || !strings.Contains(out, "match the live record") {
		t.Fatalf("rebuild: %d %q", code, out)
	}
	// Tamper with a projection as someone with database access would.
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE users SET doc = json_set(doc, '$.rank', 'chief_constable') WHERE username = 'boss'`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, _, errs = runCLI(t, "rebuild", "--db", db)
	if code != 1 || !strings.Contains(errs, `"rank"`) {
		t.Fatalf("rebuild after tampering: code %d, err %q", code, errs)
	}
	// A record whose schema is behind the binary is not compared: its old
	// shape is not a difference from its log. It says to migrate.
	raw, err = sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT MAX(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, _, errs = runCLI(t, "rebuild", "--db", db)
	if code != 1 || !strings.Contains(errs, "holdfast migrate") || strings.Contains(errs, `"rank"`) {
		t.Fatalf("rebuild of an older schema: code %d, err %q", code, errs)
	}
	if code, _, _ := runCLI(t, "nonsense"); code != 2 {
		t.Fatalf("unknown command: code %d, want 2", code)
	}
	if code, out, _ := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "holdfast ") {
		t.Fatalf("version: %d %q", code, out)
	}
}

// TestSIGTERMLosesNoAcknowledgedWrite stops the server while writers are
// busy and checks that every write acknowledged with 201 is in the record.
func TestSIGTERMLosesNoAcknowledgedWrite(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "h.db")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, stop := context.WithCancel(context.Background())
	var out, errb bytes.Buffer
	done := make(chan int)
	// Two-step sign-in for administrators only: the first administrator's
	// authenticator secret is printed with the password; the officer
	// signs in with a password alone.
	pol := filepath.Join(t.TempDir(), "policy.yaml")
	os.WriteFile(pol, bytes.Replace(policy.DefaultYAML(), []byte("mfa_required: all"),
		[]byte("mfa_required: administrators"), 1), 0o600)
	go func() {
		done <- run(ctx, []string{"serve", "--db", dbPath, "--addr", addr, "--policy", pol}, &out, &errb)
	}()
	base := "http://" + addr
	var up bool
	for i := 0; i < 100 && !up; i++ {
		time.Sleep(50 * time.Millisecond)
		if r, err := http.Get(base + "/readyz"); err == nil {
			up = r.StatusCode == 200
			r.Body.Close()
		}
	}
	if !up {
		t.Fatalf("server did not come up: %s", errb.String())
	}
	m := regexp.MustCompile(`password "([^"]+)"`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no first administrator printed: %q", out.String())
	}
	sec := regexp.MustCompile(`authenticator app for the second step \(shown once\): ([A-Z2-7]+)`).FindStringSubmatch(out.String())
	if sec == nil {
		t.Fatalf("no authenticator secret printed: %q", out.String())
	}
	code, _ := totp.GenerateCode(sec[1], time.Now())
	post := func(path, token string, body any) (int, map[string]any) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil
		}
		defer res.Body.Close()
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v
	}
	// Sign in as the administrator, get a token, create a team and an officer.
	res, err := http.Post(
		base+"/api/v1/session",
		"application/json",
		strings.NewReader(`{"username":"admin","password":"`+m[1]+`","code":"`+code+`"}`),
	)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("sign in: %v %v", err, res)
	}
	var sess struct {
		CSRF string `json:"csrf_token"`
		User struct {
			UnitID string `json:"unit_id"`
		} `json:"user"`
	}
	json.NewDecoder(res.Body).Decode(&sess)
	cookie := res.Cookies()[0]
	res.Body.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/tokens", strings.NewReader(`{"name":"test","scope":"read-write","password":"`+m[1]+`"}`))
	req.AddCookie(cookie)
	req.Header.Set("X-CSRF-Token", sess.CSRF)
	tr, err := http.DefaultClient.Do(req)
	if err != nil || tr.StatusCode != 201 {
		t.Fatalf("token: %v %v", err, tr)
	}
	var tok struct{ Token string }
	json.NewDecoder(tr.Body).Decode(&tok)
	tr.Body.Close()
	_, team := post(
		"/api/v1/units",
		tok.Token,
		map[string]string{"name": "CSE Team", "kind": "team", "parent_id": sess.User.UnitID},
	)
	_, user := post(
		"/api/v1/users",
		tok.Token,
		map[string]any{
			"username": "dc",
			"name":     "DC One",
			"collar":   "1",
			"rank":     "constable",
			"unit_id":  team["id"],
			"roles":    []string{"investigator"},
			"password": "a long enough password",
		},
	)
	if user == nil {
		t.Fatal("could not create officer")
	}
	res, _ = http.Post(
		base+"/api/v1/session",
		"application/json",
		strings.NewReader(`{"username":"dc","password":"a long enough password"}`),
	)
	var dcs struct {
		CSRF string `json:"csrf_token"`
	}
	json.NewDecoder(res.Body).Decode(&dcs)
	dcCookie := res.Cookies()[0]
	res.Body.Close()

	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				b, _ := json.Marshal(
					map[string]any{
						"team_id":       team["id"],
						"summary":       fmt.Sprintf("referral %d-%d", w, i),
						"offence_types": []string{"cse"},
					},
				)
				req, _ := http.NewRequest("POST", base+"/api/v1/cases", bytes.NewReader(b))
				req.AddCookie(dcCookie)
				req.Header.Set("X-CSRF-Token", dcs.CSRF)
				r, err := http.DefaultClient.Do(req)
				if err != nil {
					return // server gone
				}
				var c struct{ Ref string }
				json.NewDecoder(r.Body).Decode(&c)
				r.Body.Close()
				if r.StatusCode == 201 {
					mu.Lock()
					acked = append(acked, c.Ref)
					mu.Unlock()
				} else if r.StatusCode >= 500 {
					return
				}
			}
		}(w)
	}
	time.Sleep(400 * time.Millisecond)
	stop() // what SIGTERM does through signal.NotifyContext
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before the stop")
	}
	st, err := sqlstore.Open(context.Background(), dbPath, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, ref := range acked {
		if _, err := st.CaseByRef(context.Background(), ref); err != nil {
			t.Fatalf("acknowledged case %s lost: %v", ref, err)
		}
	}
	t.Logf("%d acknowledged writes, all present after the stop", len(acked))
}
