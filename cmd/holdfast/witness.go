package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/witness"
)

// listFlag is a flag that may be repeated; its environment fallback
// separates values with commas.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

func (f flags) list(name, help string) *listFlag {
	l := &listFlag{}
	if v := env(name, ""); v != "" {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				*l = append(*l, s)
			}
		}
	}
	f.Var(l, name, help+" (env "+envName(name)+", comma-separated)")
	return l
}

// witnessClients makes a client for each witness URL, each checking
// cosignatures with the witness keys given.
func witnessClients(urls, keys []string) ([]ledger.Witness, error) {
	if len(keys) > 0 && len(urls) == 0 {
		return nil, usageError("--witness-key without --witness: name the witness's URL too")
	}
	var out []ledger.Witness
	for _, u := range urls {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return nil, usageError("--witness %q: give the witness's URL (https://...)", u)
		}
		c, err := witness.NewClient(u, keys...)
		if err != nil {
			return nil, usageError("--witness-key: %v", err)
		}
		out = append(out, c)
	}
	return out, nil
}

func cmdWitnessServe(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("witness serve")
	// No environment fallback for these three: HOLDFAST_ADDR and
	// HOLDFAST_KEY belong to the log's own commands, and a witness run
	// beside a log must not pick them up.
	addr := f.String("addr", "127.0.0.1:8081", "address to listen on")
	key := f.String("key", "", "the witness's private key (holdfast ledger keygen --origin NAME --out FILE)")
	state := f.String("state", "", "file holding the latest checkpoint cosigned for each log "+
		"(default: KEY.state.json); never the log's database")
	logKeys := f.list(
		"log-key",
		"a log's public note key (or a file holding it) this witness cosigns for; repeat for several",
	)
	if err := f.parse(args); err != nil {
		return err
	}
	if *key == "" || len(*logKeys) == 0 {
		return usageError("give --key (the witness's private key) and --log-key (each log's public key)")
	}
	s, vkey, err := witness.LoadSigner(*key)
	if err != nil {
		return usageError("%v", err)
	}
	var logs []note.Verifier
	for _, k := range *logKeys {
		v, err := ledger.LoadVerifier(k)
		if err != nil {
			return usageError("--log-key: %v", err)
		}
		logs = append(logs, v)
	}
	if *state == "" {
		*state = *key + ".state.json"
	}
	w, err := witness.New(s, logs, *state)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{Handler: w.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	slog.Info("witness serving", "url", "http://"+l.Addr().String(), "state", *state)
	fmt.Fprintf(
		stdout,
		"Witness running at http://%s\npublic key (give it to the log and its inspectors): %s\n",
		l.Addr(),
		vkey,
	)
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
