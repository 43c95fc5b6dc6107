package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/guidance"
)

// GuidanceEnv names the force's guidance file when no --guidance flag
// does: its entries replace the shipped explanations with the same id.
const GuidanceEnv = "HOLDFAST_GUIDANCE"

// guidanceFile keeps the guidance in force in step with the force's file,
// as policyFile does for the policy: a changed file is read and validated
// whole; a bad one is reported (file, line, field) and the old stays.
type guidanceFile struct {
	path string
	mu   sync.Mutex
	seen fileVersion
}

// reload re-reads the file if it changed (or always, with force).
func (gf *guidanceFile) reload(force bool) error {
	gf.mu.Lock()
	defer gf.mu.Unlock()
	v, err := statVersion(gf.path)
	if err != nil {
		return fmt.Errorf("guidance file %s: %w; the guidance in force is unchanged", gf.path, err)
	}
	if !force && v == gf.seen {
		return ErrPolicyUnchanged
	}
	gf.seen = v
	b, err := os.ReadFile(gf.path)
	if err != nil {
		return fmt.Errorf("guidance file %s: %w; the guidance in force is unchanged", gf.path, err)
	}
	s, err := guidance.Extend(guidance.Default(), b)
	if err != nil {
		return fmt.Errorf("guidance file %s not put in force: %w; the guidance in force is unchanged", gf.path, err)
	}
	guidance.Use(s)
	return nil
}

// useGuidance puts the force's guidance in force at start: the shipped
// entries with file's laid over them (file, or HOLDFAST_GUIDANCE). A bad
// file stops the start, as a bad policy does.
func useGuidance(file string) (*guidanceFile, error) {
	if file == "" {
		file = os.Getenv(GuidanceEnv)
	}
	if file == "" {
		guidance.Use(nil)
		return nil, nil
	}
	gf := &guidanceFile{path: file}
	if err := gf.reload(true); err != nil {
		return nil, err
	}
	return gf, nil
}

// ReloadGuidance re-reads the guidance file (SIGHUP): nil if it was put
// in force; an error naming the file and line if not (the old stays).
func (a *App) ReloadGuidance() error {
	if a.guidance == nil {
		return errors.New("reload guidance: no guidance file was given (serve --guidance FILE)")
	}
	return a.guidance.reload(true)
}

// GuidanceChanged re-reads the guidance file if it changed since last
// read, as the schedule does: nil if unchanged or put in force.
func (a *App) GuidanceChanged() error {
	if a.guidance == nil {
		return nil
	}
	if err := a.guidance.reload(false); !errors.Is(err, ErrPolicyUnchanged) {
		return err
	}
	return nil
}

// watchGuidance polls the file on the policy's schedule.
func (a *App) watchGuidance(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(PolicyPollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := a.GuidanceChanged(); err != nil {
			log.Error("guidance reload", "file", a.guidance.path, "err", err)
		}
	}
}

// HasGuidanceFile reports whether the server was started with a guidance
// file, so SIGHUP re-reads it.
func (a *App) HasGuidanceFile() bool { return a.guidance != nil }
