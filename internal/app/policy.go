package app

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
)

// ErrPolicyUnchanged is returned by ReloadPolicy when the file has not
// changed since it was last read.
var ErrPolicyUnchanged = errors.New("policy file unchanged")

// policyFile keeps a running server's policy in step with the file it was
// started with. A changed file is read and validated whole; a valid one is
// put in force at once, an invalid one is reported (file, line, field) and
// the policy already in force stays.
type policyFile struct {
	path string
	svc  *service.Service
	log  *slog.Logger

	mu sync.Mutex // one reload at a time (the schedule and SIGHUP)
	// seen is the version of the file last read, good or bad, so a bad
	// file is reported once rather than on every poll.
	seen fileVersion
}

type fileVersion struct {
	mod  time.Time
	size int64
}

func statVersion(path string) (fileVersion, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileVersion{}, err
	}
	return fileVersion{mod: fi.ModTime(), size: fi.Size()}, nil
}

// reload re-reads the file if it changed since it was last read, or
// always with force (SIGHUP). It returns the new policy in force, or an
// error saying why the old one stays; ErrPolicyUnchanged if there was
// nothing to do.
func (pf *policyFile) reload(force bool) (*policy.Policy, error) {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	v, err := statVersion(pf.path)
	if err != nil {
		return nil, fmt.Errorf("policy file %s: %w; the policy in force is unchanged", pf.path, err)
	}
	if !force && v == pf.seen {
		return nil, ErrPolicyUnchanged
	}
	pf.seen = v
	b, err := os.ReadFile(pf.path)
	if err != nil {
		return nil, fmt.Errorf("policy file %s: %w; the policy in force is unchanged", pf.path, err)
	}
	p, err := policy.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("policy file %s not put in force: %w; the policy in force is unchanged", pf.path, err)
	}
	if err := pf.svc.SetPolicy(p); err != nil {
		return nil, err
	}
	return p, nil
}

func newPolicyFile(path string, svc *service.Service, log *slog.Logger) (*policyFile, error) {
	pf := &policyFile{path: path, svc: svc, log: log}
	// The policy in force was read from this file just before: remember
	// its version so only a later change is reloaded.
	v, err := statVersion(path)
	if err != nil {
		return nil, fmt.Errorf("policy file: %w", err)
	}
	pf.seen = v
	return pf, nil
}

// check reloads and logs the outcome; it is what the schedule and SIGHUP run.
func (pf *policyFile) check(force bool) {
	_, err := pf.reload(force)
	switch {
	case errors.Is(err, ErrPolicyUnchanged):
	case err != nil:
		pf.log.Error("policy reload", "file", pf.path, "err", err)
	default:
		pf.log.Info("policy reloaded: the new policy is in force", "file", pf.path)
	}
}

// ReloadPolicy re-reads the policy file the app was started with
// (Config.PolicyFile) and, if it is valid, puts it in force; if not, the
// error names the file and the line and the old policy stays. Without a
// policy file there is nothing to reload and it returns an error.
func (a *App) ReloadPolicy() error {
	if a.policy == nil {
		return errors.New("reload policy: no policy file was given (serve --policy FILE)")
	}
	_, err := a.policy.reload(true)
	return err
}

// PolicyChanged re-reads the policy file if its modification time or size
// changed since it was last read, as the schedule does: nil if the file
// is unchanged or was put in force.
func (a *App) PolicyChanged() error {
	if a.policy == nil {
		return nil
	}
	_, err := a.policy.reload(false)
	if errors.Is(err, ErrPolicyUnchanged) {
		return nil
	}
	return err
}
