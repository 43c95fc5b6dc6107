package witness

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

// LoadSigner reads a witness's private key (made by holdfast ledger keygen:
// an Ed25519 signed-note key) as a cosignature/v1 signer, refusing a file
// others can read, and returns the public key to publish: the cosignature
// form, whose key hash differs from the plain Ed25519 key's.
func LoadSigner(path string) (note.Signer, string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, "", fmt.Errorf("witness key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, "", fmt.Errorf("witness key %s has mode %04o: others can read it; run chmod 600 %s",
			path, st.Mode().Perm(), path)
	}
	skey, err := readKeyFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("witness key: %w", err)
	}
	s, err := fnote.NewSignerForCosignatureV1(skey)
	if err != nil {
		return nil, "", fmt.Errorf("witness key %s: not a signed-note Ed25519 private key: %w", path, err)
	}
	pub, err := readKeyFile(path + ".pub")
	if err != nil {
		return nil, "", fmt.Errorf("witness public key (expected beside the private key): %w", err)
	}
	vkey, err := fnote.VKeyToCosignatureV1(pub)
	if err != nil {
		return nil, "", fmt.Errorf("witness public key %s.pub: %w", path, err)
	}
	if v, err := fnote.NewVerifierForCosignatureV1(vkey); err != nil || v.KeyHash() != s.KeyHash() ||
		v.Name() != s.Name() {
		return nil, "", fmt.Errorf("witness public key %s.pub does not belong to the private key %s", path, path)
	}
	return s, vkey, nil
}

func readKeyFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func urlQuery(s string) string { return url.QueryEscape(s) }
