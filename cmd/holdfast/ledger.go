package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/witness"
)

// keyPlaces are where a SQLite install's signing key is looked for.
// Default is outside the database's directory, in the user's configuration
// directory and named after the database's absolute path: whoever can copy
// or write the database's directory must not also hold the key that signs
// it. Beside is the old place, DB.ledger.key, kept for the demo (never a
// real record) and for an operator who insists (--ledger-key-beside-db).
// Both are "" on PostgreSQL, where the key must be named.
type keyPlaces struct{ Default, Beside string }

func ledgerKeyPlaces(dsn string) (keyPlaces, error) {
	d, err := sqlstore.ParseDSN(dsn)
	if err != nil {
		return keyPlaces{}, usageError("--db: %v", err)
	}
	beside := d.LedgerKey()
	if beside == "" {
		return keyPlaces{}, nil
	}
	abs, err := filepath.Abs(d.Path)
	if err != nil {
		return keyPlaces{}, err
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return keyPlaces{}, usageError("no place for the ledger key (%v): give --ledger-key", err)
	}
	sum := sha256.Sum256([]byte(abs))
	name := fmt.Sprintf("%s-%x.ledger.key", filepath.Base(abs), sum[:4])
	return keyPlaces{Default: filepath.Join(cfg, "holdfast", name), Beside: beside}, nil
}

// sameDir says whether two files are in one directory (after symbolic links).
func sameDir(a, b string) bool {
	dir := func(p string) string {
		d, err := filepath.Abs(filepath.Dir(p))
		if err != nil {
			return p
		}
		if r, err := filepath.EvalSymlinks(d); err == nil {
			return r
		}
		return d
	}
	return dir(a) == dir(b)
}

// existingKey is the signing key a command that does not create one reads
// by default: the default place, or the old place beside the database if
// only that exists.
func existingKey(dsn string) (string, error) {
	p, err := ledgerKeyPlaces(dsn)
	if err != nil || p.Default == "" {
		return "", err
	}
	if _, err := os.Stat(p.Default); err != nil {
		if _, err := os.Stat(p.Beside); err == nil {
			return p.Beside, nil
		}
	}
	return p.Default, nil
}

func cmdLedgerKeygen(_ context.Context, args []string, stdout io.Writer) error {
	f := newFlags("ledger keygen")
	origin := f.str("origin", "", "the log's name, e.g. northshire.police.uk/holdfast (no spaces or '+')")
	out := f.str("out", "", "private key file to write; the public key goes to FILE.pub")
	if err := f.parse(args); err != nil {
		return err
	}
	if *origin == "" || *out == "" {
		return usageError("give --origin NAME and --out FILE")
	}
	if strings.ContainsAny(*origin, " +\n\t") {
		return usageError("--origin %q: a log name may not contain spaces or '+'", *origin)
	}
	vkey, err := ledger.GenerateKey(*origin, *out, ledger.PublicKeyPath(*out))
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return usageError("%s already exists: a key is never overwritten; choose another --out", *out)
		}
		return err
	}
	fmt.Fprintf(
		stdout,
		"private key: %s (mode 0600; keep it secret)\npublic key:  %s\n%s\n",
		*out,
		ledger.PublicKeyPath(*out),
		vkey,
	)
	return nil
}

// verifierFlag reads --key: a public key, a file holding one, or (by
// default for SQLite) the public key beside the database's signing key.
func loadVerifier(key, dsn string) (note.Verifier, string, error) {
	if key == "" {
		k, err := existingKey(dsn)
		if err != nil {
			return nil, "", err
		}
		if k != "" {
			key = ledger.PublicKeyPath(k)
		}
	}
	if key == "" {
		return nil, "", usageError("give --key: the ledger's public key, or a file holding it")
	}
	v, err := ledger.LoadVerifier(key)
	if err != nil {
		return nil, "", &exitError{code: 2, err: err}
	}
	vkey := key
	if b, err := os.ReadFile(key); err == nil {
		vkey = strings.TrimSpace(string(b))
	}
	return v, vkey, nil
}

func readTrusted(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError("--trusted-checkpoint: %v", err)
	}
	return b, nil
}

// report says the outcome in words an inspector reads: what was checked,
// what the hash shown is, and when the latest checkpoint was signed — or
// that its time is not signed, rather than the database's word for it.
func report(w io.Writer, r *ledger.Report) error {
	if !r.OK {
		where := ""
		if r.FirstBad > 0 {
			where = fmt.Sprintf("; first bad event %d", r.FirstBad)
		}
		fmt.Fprintf(w, "ALTERED: %d events checked%s: %s\n", r.Events, where, r.Problem)
		return &exitError{code: 1, err: fmt.Errorf("the record has been altered%s: %s", where, r.Problem)}
	}
	fmt.Fprintf(w, "OK: %d events, %d checkpoints: the record was not altered\n", r.Events, r.Checkpoints)
	fmt.Fprintf(w, "fingerprint of the whole record (root of the tree): %x\n", r.Root)
	switch {
	case r.Checkpoints == 0:
		fmt.Fprintln(w, "no checkpoint has been signed yet: nothing vouches for the record from outside the database")
	case r.LatestAt.IsZero():
		fmt.Fprintf(w, "latest checkpoint: %d events; its time is not signed (cut before checkpoints carried "+
			"their time)\n", r.LatestSize)
	default:
		fmt.Fprintf(w, "latest checkpoint: %d events, signed %s\n", r.LatestSize, ledger.Said(r.LatestAt))
	}
	return nil
}

func cmdLedgerVerify(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("ledger verify")
	dsn := f.db()
	key := f.str(
		"key",
		"",
		"the ledger's public key or a file holding it (default for SQLite: beside the default signing key, see serve --ledger-key)",
	)
	trustedPath := f.str(
		"trusted-checkpoint",
		"",
		"a signed checkpoint saved earlier, to prove history was not rewritten",
	)
	witnesses := f.list("witness", "a witness (URL) to ask for the latest checkpoint it cosigned: the log must hold "+
		"and extend it; repeat for several (default: those serve pushes to)")
	witnessKeys := f.list("witness-key", "a witness's public key (or a file holding it) cosignatures must verify with")
	if err := f.parse(args); err != nil {
		return err
	}
	v, _, err := loadVerifier(*key, *dsn)
	if err != nil {
		return err
	}
	trusted, err := readTrusted(*trustedPath)
	if err != nil {
		return err
	}
	var anchors []ledger.Anchor
	if trusted != nil {
		cp, err := ledger.Open(trusted, v)
		if err != nil {
			return &exitError{
				code: 1,
				err:  fmt.Errorf("trusted checkpoint %s does not verify with this key: %w", *trustedPath, err),
			}
		}
		anchors = append(anchors, ledger.Anchor{Checkpoint: cp, What: "trusted checkpoint you supplied"})
	}
	wkeys, err := witnessVerifiers(*witnessKeys)
	if err != nil {
		return err
	}
	for _, u := range *witnesses {
		a, err := askWitness(ctx, u, v, wkeys)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "witness %s holds a checkpoint of %d events\n", u, a.Size)
		anchors = append(anchors, *a)
	}
	db, err := openDB(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	r, err := ledger.NewLog(db, nil, v, time.Now).VerifyAllWith(ctx, anchors)
	if err != nil {
		return err
	}
	err = report(stdout, r)
	if r.OK {
		reportWitnessed(ctx, stdout, db, v, wkeys)
	}
	// The rate, so that the benchmark's figure can be checked on a real
	// record (docs/ledger.md, "How fast").
	took := time.Since(start)
	fmt.Fprintf(
		stdout,
		"read and checked in %s: %.0f events/s\n",
		took.Round(time.Millisecond),
		float64(r.Events)/took.Seconds(),
	)
	return err
}

func witnessVerifiers(keys []string) (note.Verifiers, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	var vs []note.Verifier
	for _, k := range keys {
		v, err := witness.LoadVerifier(k)
		if err != nil {
			return nil, usageError("--witness-key: %v", err)
		}
		vs = append(vs, v)
	}
	return note.VerifierList(vs...), nil
}

// askWitness fetches the latest checkpoint a witness cosigned for this log.
// A copy that does not verify, or a witness that cannot say, fails the
// verification: a log that hides from its witness is not shown intact.
func askWitness(ctx context.Context, url string, v note.Verifier, wkeys note.Verifiers) (*ledger.Anchor, error) {
	c, err := witness.NewClient(url)
	if err != nil {
		return nil, err
	}
	signed, err := c.Latest(ctx, v.Name())
	if err != nil {
		return nil, &exitError{code: 1, err: fmt.Errorf("could not read the witness's checkpoint of this log: %w", err)}
	}
	cp, _, err := witness.Open(signed, v, wkeys)
	if err != nil {
		return nil, &exitError{code: 1, err: fmt.Errorf("witness %s: %w", url, err)}
	}
	return &ledger.Anchor{Checkpoint: cp, What: "checkpoint cosigned by witness " + url}, nil
}

// reportWitnessed names the newest stored checkpoint a witness cosigned:
// verify has already checked it against the log, as it checks every stored
// checkpoint; this says how recent the outside evidence is.
func reportWitnessed(ctx context.Context, w io.Writer, db *sqlstore.DB, v note.Verifier, wkeys note.Verifiers) {
	cps, err := db.Checkpoints(ctx)
	if err != nil {
		return
	}
	for i := len(cps) - 1; i >= 0; i-- {
		cp, names, err := witness.Open(cps[i].Note, v, wkeys)
		if err == nil && len(names) > 0 {
			when := "its time not signed"
			if !cp.Time.IsZero() {
				when = "signed " + ledger.Said(cp.Time)
			}
			fmt.Fprintf(
				w,
				"latest witnessed checkpoint: %d events, %s, cosigned by %s\n",
				cp.Size,
				when,
				strings.Join(names, ", "),
			)
			return
		}
	}
	fmt.Fprintln(w, "no stored checkpoint carries a witness's cosignature (serve --witness)")
}

func cmdLedgerCheckpoint(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("ledger checkpoint")
	dsn := f.db()
	keyPath := f.str("ledger-key", "", "the signing key (default for SQLite: as serve's --ledger-key)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *keyPath == "" {
		k, err := existingKey(*dsn)
		if err != nil {
			return err
		}
		*keyPath = k
	}
	if *keyPath == "" {
		return usageError("give --ledger-key: the private key that signs checkpoints")
	}
	s, v, _, err := ledger.LoadKeyPair(*keyPath)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	db, err := openDB(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := ledger.NewLog(db, s, v, time.Now).Cut(ctx)
	if err != nil {
		if errors.Is(err, ledger.ErrTampered) {
			return &exitError{code: 1, err: err}
		}
		return err
	}
	_, err = stdout.Write(c.Note)
	return err
}

func cmdLedgerExport(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("ledger export")
	dsn := f.db()
	key := f.str(
		"key",
		"",
		"the ledger's public key or a file holding it (default for SQLite: beside the default signing key, see serve --ledger-key)",
	)
	out := f.str("out", "", "bundle file to write (default: standard output)")
	if err := f.parse(args); err != nil {
		return err
	}
	_, vkey, err := loadVerifier(*key, *dsn)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	w := stdout
	if *out != "" {
		fh, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return usageError("--out: %v", err)
		}
		defer fh.Close()
		bw := bufio.NewWriter(fh)
		if err := ledger.Export(ctx, db, vkey, bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		return fh.Close()
	}
	return ledger.Export(ctx, db, vkey, w)
}

func cmdLedgerCheck(_ context.Context, args []string, stdout io.Writer) error {
	f := newFlags("ledger check")
	key := f.str("key", "", "the ledger's public key or a file holding it")
	trustedPath := f.str(
		"trusted-checkpoint",
		"",
		"a signed checkpoint saved earlier, to prove history was not rewritten",
	)
	witnessKeys := f.list("witness-key", "a witness's public key (or a file holding it): the bundle's checkpoints "+
		"must carry its cosignature, and every cosignature of it must verify; repeat for several")
	// The bundle comes first (holdfast ledger check BUNDLE --key K), as
	// users type it; the flag package wants flags first, so move it.
	var bundle string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		bundle, args = args[0], args[1:]
	}
	if err := f.parse(args); err != nil {
		return err
	}
	if bundle == "" && f.NArg() == 1 {
		bundle = f.Arg(0)
	}
	if bundle == "" {
		return usageError("name the bundle: holdfast ledger check BUNDLE --key PUBKEY")
	}
	if *key == "" {
		return usageError("give --key: the force's published public key (or a file holding it)")
	}
	v, err := ledger.LoadVerifier(*key)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	trusted, err := readTrusted(*trustedPath)
	if err != nil {
		return err
	}
	var wkeys []note.Verifier
	for _, k := range *witnessKeys {
		wv, err := witness.LoadVerifier(k)
		if err != nil {
			return usageError("--witness-key: %v", err)
		}
		wkeys = append(wkeys, wv)
	}
	fh, err := os.Open(bundle)
	if err != nil {
		return usageError("bundle: %v", err)
	}
	defer fh.Close()
	r, err := ledger.Check(bufio.NewReader(fh), v, trusted, time.Now())
	if err != nil {
		// A bundle that does not parse, or a trusted checkpoint that does not
		// verify, is evidence of alteration, not a usage mistake.
		return &exitError{code: 1, err: err}
	}
	if err := report(stdout, r); err != nil || len(wkeys) == 0 {
		return err
	}
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return err
	}
	m, _, err := ledger.ReadBundle(bufio.NewReader(fh))
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	notes := make([][]byte, len(m.Cps))
	for i, c := range m.Cps {
		notes[i] = c.Note
	}
	lines, err := checkCosignatures(notes, trusted, v, wkeys)
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	if err != nil {
		fmt.Fprintf(stdout, "NOT WITNESSED: %v\n", err)
		return &exitError{code: 1, err: err}
	}
	return nil
}

// checkCosignatures checks the witnesses' cosignatures on a bundle's
// checkpoints (and on a trusted checkpoint, if given: the witness's copy):
// every cosignature made with one of wkeys must verify — a forged or
// altered one fails, naming the checkpoint and the witness — and each
// witness must have cosigned at least one checkpoint, or the bundle says
// nothing a witness saw. The log's own signatures were checked already.
// It returns a line per witness naming the newest checkpoint it cosigned.
func checkCosignatures(notes [][]byte, trusted []byte, v note.Verifier, wkeys []note.Verifier) ([]string, error) {
	var lines []string
	for _, wk := range wkeys {
		newest, where := int64(-1), ""
		check := func(signed []byte, what string) error {
			cp, _, err := witness.Open(signed, v, note.VerifierList(wk))
			var bad *note.InvalidSignatureError
			switch {
			case errors.As(err, &bad):
				return fmt.Errorf("%s: the cosignature of witness %s does not verify: it was altered or forged",
					what, wk.Name())
			case err != nil: // not cosigned by this witness
				return nil
			}
			if int64(cp.Size) > newest {
				newest, where = int64(cp.Size), what
			}
			return nil
		}
		for _, n := range notes {
			size := "?"
			if cp, err := ledger.ParseCheckpoint(noteBody(n)); err == nil {
				size = fmt.Sprint(cp.Size)
			}
			if err := check(n, "the checkpoint of "+size+" events"); err != nil {
				return lines, err
			}
		}
		if trusted != nil {
			if err := check(trusted, "the trusted checkpoint"); err != nil {
				return lines, err
			}
		}
		if newest < 0 {
			return lines, fmt.Errorf("no checkpoint in the bundle carries a cosignature of witness %s (key %s+%08x) "+
				"that verifies: nothing in it was seen by that witness", wk.Name(), wk.Name(), wk.KeyHash())
		}
		lines = append(lines, fmt.Sprintf("witness %s cosigned %s (%d events)", wk.Name(), where, newest))
	}
	return lines, nil
}

// noteBody is a signed note's text, without its signature lines.
func noteBody(signed []byte) []byte {
	if i := strings.Index(string(signed), "\n\n"); i >= 0 {
		return signed[:i+1]
	}
	return signed
}
