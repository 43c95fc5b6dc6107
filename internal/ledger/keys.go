package ledger

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// GenerateKey makes an Ed25519 signed-note key pair named after the log's
// origin, writing the private key with mode 0600 and the public key beside it.
func GenerateKey(origin, privPath, pubPath string) (vkey string, err error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return "", fmt.Errorf("generate key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(privPath), 0o700); err != nil {
		return "", err
	}
	f, err := os.OpenFile(privPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("write private key: %w", err)
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	if err := os.WriteFile(pubPath, []byte(vkey+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("write public key: %w", err)
	}
	return vkey, nil
}

// LoadSigner reads a private key file, refusing one that others can read:
// whoever holds it can sign checkpoints in the force's name.
func LoadSigner(path string) (note.Signer, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("ledger key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf(
			"ledger key %s has mode %04o: others can read it; run chmod 600 %s",
			path,
			st.Mode().Perm(),
			path,
		)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ledger key: %w", err)
	}
	s, err := note.NewSigner(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("ledger key %s: not a signed-note private key: %w", path, err)
	}
	return s, nil
}

// LoadVerifier reads a public key (a file path or the key itself).
func LoadVerifier(pathOrKey string) (note.Verifier, error) {
	key := pathOrKey
	b, rerr := os.ReadFile(pathOrKey)
	if rerr == nil {
		key = strings.TrimSpace(string(b))
	} else if strings.Count(pathOrKey, "+") < 2 {
		// Neither a file nor shaped like a key (NAME+HASH+KEY): the usual
		// cause is a database with no key beside it, so say that rather
		// than note's "malformed verifier id".
		return nil, fmt.Errorf("public key %s: %w; pass --key with the ledger's public key (NAME+HASH+KEY) or the file holding it (holdfast ledger keygen writes one)", pathOrKey, rerr)
	}
	v, err := note.NewVerifier(key)
	if err != nil {
		return nil, fmt.Errorf("public key %q: %w", pathOrKey, err)
	}
	return v, nil
}

// Sign signs a checkpoint as a C2SP signed note.
func Sign(c Checkpoint, s note.Signer) ([]byte, error) {
	b, err := note.Sign(&note.Note{Text: string(c.Marshal())}, s)
	if err != nil {
		return nil, fmt.Errorf("sign checkpoint at size %d: %w", c.Size, err)
	}
	return b, nil
}

// Open verifies a signed checkpoint against v and parses its body.
func Open(signed []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("signed checkpoint: %w", err)
	}
	return ParseCheckpoint([]byte(n.Text))
}

// PublicKeyPath is where GenerateKey and EnsureKey put the public key of
// the private key at privPath.
func PublicKeyPath(privPath string) string { return privPath + ".pub" }

// EnsureKey makes a key pair at privPath (and PublicKeyPath) unless one is
// there, so an embedded install signs from its first start.
func EnsureKey(origin, privPath string) (created bool, err error) {
	if _, err := os.Stat(privPath); err == nil {
		return false, nil
	} else if !os.IsNotExist(err) {
		return false, fmt.Errorf("ledger key: %w", err)
	}
	if _, err := GenerateKey(origin, privPath, PublicKeyPath(privPath)); err != nil {
		return false, err
	}
	return true, nil
}

// LoadKeyPair reads the private key at privPath and its public key beside
// it, and checks that they belong together.
func LoadKeyPair(privPath string) (note.Signer, note.Verifier, string, error) {
	s, err := LoadSigner(privPath)
	if err != nil {
		return nil, nil, "", err
	}
	b, err := os.ReadFile(PublicKeyPath(privPath))
	if err != nil {
		return nil, nil, "", fmt.Errorf("ledger public key (expected beside the private key): %w", err)
	}
	vkey := strings.TrimSpace(string(b))
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, nil, "", fmt.Errorf("ledger public key %s: %w", PublicKeyPath(privPath), err)
	}
	if v.Name() != s.Name() || v.KeyHash() != s.KeyHash() {
		return nil, nil, "", fmt.Errorf(
			"ledger public key %s does not belong to the private key %s",
			PublicKeyPath(privPath),
			privPath,
		)
	}
	return s, v, vkey, nil
}
