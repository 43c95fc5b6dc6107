package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// Who may read the ledger's proofs, cut a checkpoint and verify.
func ledgerAuthz(h *harness) map[string]entry {
	readers := []string{"administrator", "auditor", "inspector"}
	return map[string]entry{
		"GET /api/v1/ledger": {readers, nil},
		"GET /api/v1/ledger/checkpoint": {readers, func(*domain.Case) any {
			// There must be a checkpoint to read.
			if _, err := h.f.Svc.Ledger().Cut(ctx, h.f.Admin); err != nil {
				h.t.Fatal(err)
			}
			return nil
		}},
		"POST /api/v1/ledger/checkpoint": {[]string{"administrator"}, nil},
		"GET /api/v1/ledger/inclusion":   {readers, nil},
		"GET /api/v1/ledger/consistency": {readers, nil},
		"POST /api/v1/ledger/verify":     {[]string{"administrator", "inspector"}, nil},
	}
}

// TestLedgerOverHTTP: an inspector takes the latest checkpoint, proves an
// event is in it and that a later checkpoint extends it, checking every
// proof with the public key alone, as an outsider would.
func TestLedgerOverHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		f := h.f
		var st ledger.Status
		h.json(h.do(f.External, "GET", "/api/v1/ledger", nil), http.StatusOK, &st)
		if st.TreeSize == 0 || !st.Signing || st.PublicKey == "" {
			t.Fatalf("ledger status %+v: want a signing ledger with events", st)
		}
		v, err := ledger.LoadVerifier(st.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		if res := h.do(f.External, "GET", "/api/v1/ledger/checkpoint", nil); res.status != http.StatusNotFound {
			t.Fatalf("checkpoint before any was cut: status %d, want 404", res.status)
		}
		var cp1 checkpointBody
		h.json(h.do(f.Admin, "POST", "/api/v1/ledger/checkpoint", nil), http.StatusCreated, &cp1)
		first, err := ledger.Open([]byte(cp1.Note), v)
		if err != nil {
			t.Fatalf("checkpoint does not verify with the published key: %v", err)
		}
		f.Allocated(t) // more events
		var cp2 checkpointBody
		h.json(h.do(f.Admin, "POST", "/api/v1/ledger/checkpoint", nil), http.StatusCreated, &cp2)
		second, err := ledger.Open([]byte(cp2.Note), v)
		if err != nil {
			t.Fatal(err)
		}
		if second.Size <= first.Size {
			t.Fatalf("second checkpoint size %d not after first %d", second.Size, first.Size)
		}
		var latest checkpointBody
		h.json(h.do(f.Auditor, "GET", "/api/v1/ledger/checkpoint", nil), http.StatusOK, &latest)
		if latest.Note != cp2.Note {
			t.Fatalf("latest checkpoint is not the one just cut")
		}

		var inc ledger.Inclusion
		h.json(
			h.do(f.External, "GET", "/api/v1/ledger/inclusion?seq=3&size="+itoa(second.Size), nil),
			http.StatusOK,
			&inc,
		)
		if err := ledger.VerifyInclusion(2, second.Size, inc.LeafHash, inc.Proof, second.Root); err != nil {
			t.Fatalf("inclusion proof does not verify against the signed root: %v", err)
		}
		var cons ledger.Consistency
		h.json(
			h.do(f.External, "GET", "/api/v1/ledger/consistency?from="+itoa(first.Size)+"&to="+itoa(second.Size), nil),
			http.StatusOK,
			&cons,
		)
		if err := ledger.VerifyConsistency(first.Size, second.Size, cons.Proof, first.Root, second.Root); err != nil {
			t.Fatalf("consistency proof does not verify between the signed roots: %v", err)
		}

		var rep ledger.Report
		h.json(h.do(f.External, "POST", "/api/v1/ledger/verify", nil), http.StatusOK, &rep)
		if !rep.OK || rep.Events < int64(second.Size) {
			t.Fatalf("verify: %+v", rep)
		}
		h.json(h.do(f.External, "GET", "/api/v1/ledger", nil), http.StatusOK, &st)
		if st.LastVerification == nil || !st.LastVerification.OK || st.CheckpointSize != int64(second.Size) {
			t.Fatalf("ledger page after verify: %+v", st)
		}

		// Bad input: a clear problem naming the field, nothing recorded.
		for _, q := range []string{"?seq=0", "?seq=x", "", "?seq=999999"} {
			res := h.do(f.External, "GET", "/api/v1/ledger/inclusion"+q, nil)
			if res.status != http.StatusUnprocessableEntity || len(res.problem(t).Errors) == 0 {
				t.Errorf("inclusion%s: status %d %s, want 422 naming the field", q, res.status, res.body)
			}
		}
		if res := h.do(f.External, "GET", "/api/v1/ledger/consistency?from=5&to=2", nil); res.status != http.StatusUnprocessableEntity {
			t.Errorf("consistency from>to: status %d, want 422", res.status)
		}
	})
}

type checkpointBody struct {
	Size int64  `json:"tree_size"`
	Note string `json:"note"`
}

func (h *harness) json(res response, want int, v any) {
	h.t.Helper()
	if res.status != want {
		h.t.Fatalf("status %d, want %d: %s", res.status, want, res.body)
	}
	if err := json.Unmarshal(res.body, v); err != nil {
		h.t.Fatalf("decode %s: %v", res.body, err)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
