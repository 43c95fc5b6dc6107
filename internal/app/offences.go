package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/holdfast/holdfast/internal/offence"
	"github.com/holdfast/holdfast/internal/service"
)

// OffencesEnv names the force's offence classification file when no
// --offences flag does: its codes and spellings extend the shipped
// classification (docs/offences.md) for every command alike.
const OffencesEnv = "HOLDFAST_OFFENCES"

// useOffences puts the force's classification in force: the shipped one
// extended by file (or the file HOLDFAST_OFFENCES names), or the shipped
// one alone. A bad file is refused with its lines.
func useOffences(file string) error {
	if file == "" {
		file = os.Getenv(OffencesEnv)
	}
	if file == "" {
		offence.Use(nil)
		return nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("offence classification: %w", err)
	}
	c, err := offence.Extend(offence.Default(), b)
	if err != nil {
		return fmt.Errorf("offence classification %s: %w", file, err)
	}
	offence.Use(c)
	return nil
}

// Upgrade brings a record made by an earlier Holdfast up to this one's
// model, through the service as the system: today, free-text offence
// types become classification codes (service.ClassifyOffences). What it
// could not map is logged for a person to classify; it runs at every
// start and does nothing once there is nothing to do.
func (a *App) Upgrade(ctx context.Context, log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	rep, err := a.Svc.ClassifyOffences(ctx, service.SystemActor("upgrade"), false)
	if err != nil {
		return err
	}
	if rep.Cases > 0 {
		log.Info("upgrade: offences classified", "cases", rep.Cases, "texts", len(rep.Mapped))
	}
	for text, note := range rep.Assumed {
		log.Info("upgrade: an offence mapping assumed", "text", text, "code", rep.Mapped[text], "assumed", note)
	}
	for _, u := range rep.Unmapped {
		log.Warn("upgrade: an offence text no mapping knows: add one to the force's classification",
			"text", u.Text, "cases", u.Cases, "first", strings.Join(u.First, ","),
			"nearest", strings.Join(rep.Suggested[u.Text], ","))
	}
	return nil
}
