package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/holdfast/holdfast/internal/http/request"
)

// HTTPLoad is clients of a running Holdfast's API (an instance, or a load
// balancer in front of several) mixing commands and case reads until
// Stop: each opens referrals, adds notes to the cases it opened and reads
// them back. It keeps every write acknowledged (a 201), so a test can ask
// afterwards that each is in the record, and checks as it goes that a
// read never shows a case older than a write already acknowledged on it.
type HTTPLoad struct {
	base, token, team string
	client            *http.Client

	mu    sync.Mutex
	cases []string          // references of acknowledged referrals
	notes map[string]string // text of each acknowledged note → its case's reference

	// Acks counts acknowledged writes, Reads answered reads; Unavailable
	// counts answers that are an outage (502, 503, 504, or no answer at
	// all): the client retries later. Conflicts counts 409s (another
	// write moved the case on first). Other counts anything else, which a
	// fault must never cause.
	Acks, Reads, Unavailable, Conflicts, Other atomic.Int64
	firstOther                                 atomic.Pointer[error]
	stop                                       chan struct{}
	stopOnce                                   sync.Once
	wg                                         sync.WaitGroup
}

// StartHTTP runs clients goroutines against base (http://host:port), each
// acting with the read-write API token given, in team.
func StartHTTP(base, token, team string, clients int) *HTTPLoad {
	l := &HTTPLoad{
		base: strings.TrimSuffix(base, "/"), token: token, team: team, notes: map[string]string{},
		// A request the server never answers counts as an outage.
		client: &http.Client{Timeout: 20 * time.Second},
		stop:   make(chan struct{}),
	}
	for c := range clients {
		l.wg.Add(1)
		go l.run(c)
	}
	return l
}

// caseView is what the load reads of a case.
type caseView struct {
	Ref     string `json:"ref"`
	Version int64  `json:"version"`
}

func (l *HTTPLoad) run(c int) {
	defer l.wg.Done()
	r := rand.New(rand.NewPCG(uint64(c), 20))
	var mine []caseView // this client's cases, at the version last acknowledged
	for i := 0; ; i++ {
		select {
		case <-l.stop:
			return
		default:
		}
		switch k := r.IntN(10); {
		case len(mine) == 0 || k < 2: // a new referral
			var cv caseView
			if l.call("POST", "/api/v1/cases", map[string]any{"team_id": l.team,
				"summary":       fmt.Sprintf("referral %d.%d under load", c, i),
				"offence_types": []string{"child_sexual_exploitation"}}, http.StatusCreated, &cv) {
				l.mu.Lock()
				l.cases = append(l.cases, cv.Ref)
				l.mu.Unlock()
				mine = append(mine, cv)
			}
		case k < 6: // a note, on the version this client last saw
			j := r.IntN(len(mine))
			text := fmt.Sprintf("note %d.%d: spoke to the school's safeguarding lead", c, i)
			var cv caseView
			if l.call("POST", "/api/v1/cases/"+request.PathRef(mine[j].Ref)+"/notes",
				map[string]any{"version": mine[j].Version, "text": text}, http.StatusCreated, &cv) {
				l.mu.Lock()
				l.notes[text] = cv.Ref
				l.mu.Unlock()
				mine[j] = cv
			} else {
				l.refresh(&mine[j])
			}
		default: // a read, which must show every write acknowledged on the case
			j := r.IntN(len(mine))
			var cv caseView
			if l.call("GET", "/api/v1/cases/"+request.PathRef(mine[j].Ref), nil, http.StatusOK, &cv) {
				if cv.Version < mine[j].Version {
					l.other(fmt.Errorf("case %s read at version %d after version %d was acknowledged",
						cv.Ref, cv.Version, mine[j].Version))
				}
				mine[j] = cv
			}
		}
	}
}

// refresh reads a case's version after a note was not acknowledged: it
// may have been written after all (the answer was lost), or another
// client's write may have moved it on.
func (l *HTTPLoad) refresh(cv *caseView) {
	var now caseView
	if l.call("GET", "/api/v1/cases/"+request.PathRef(cv.Ref), nil, http.StatusOK, &now) {
		*cv = now
	}
}

// call makes one request and reports whether it got want, decoding the
// answer into out; any other answer is counted by kind.
func (l *HTTPLoad) call(method, path string, body any, want int, out any) bool {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			l.other(err)
			return false
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, l.base+path, rd)
	if err != nil {
		l.other(err)
		return false
	}
	req.Header.Set("Authorization", "Bearer "+l.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := l.client.Do(req)
	if err != nil {
		l.Unavailable.Add(1)
		time.Sleep(20 * time.Millisecond)
		return false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	switch {
	case err != nil || resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusServiceUnavailable ||
		resp.StatusCode == http.StatusGatewayTimeout:
		l.Unavailable.Add(1)
		time.Sleep(20 * time.Millisecond) // as Retry-After asks, briefly
		return false
	case resp.StatusCode == http.StatusConflict:
		l.Conflicts.Add(1)
		return false
	case resp.StatusCode != want:
		l.other(fmt.Errorf("%s %s: %d %.300s", method, path, resp.StatusCode, b))
		return false
	}
	if err := json.Unmarshal(b, out); err != nil {
		l.other(fmt.Errorf("%s %s: %v", method, path, err))
		return false
	}
	if method != "GET" {
		l.Acks.Add(1)
	} else {
		l.Reads.Add(1)
	}
	return true
}

func (l *HTTPLoad) other(err error) {
	l.Other.Add(1)
	l.firstOther.CompareAndSwap(nil, &err)
}

// Stop ends the load and returns the references of the referrals and the
// texts of the notes acknowledged (note → case reference), and the first
// failure that was not an outage or a conflict (nil if none). It may be
// called again.
func (l *HTTPLoad) Stop() (cases []string, notes map[string]string, other error) {
	l.stopOnce.Do(func() { close(l.stop) })
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	if p := l.firstOther.Load(); p != nil {
		other = *p
	}
	return l.cases, l.notes, other
}
