// Package app assembles a running Holdfast from its parts — service,
// reactors, API extensions, web pages, background work — for the server,
// the CLI and the tests alike, so all three run the same wiring.
package app

import (
	"context"
	"net/http"

	"github.com/holdfast/holdfast/internal/api"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// Config chooses what differs between a server, a CLI run and a test.
type Config struct {
	Clock clock.Clock
	NewID func() string
	// Policy overrides the shipped policy (nil: the default).
	Policy *policy.Policy
	// Mail sends escalations; nil sends none.
	Mail service.Mailer
}

// App is Holdfast wired over one store.
type App struct {
	Store     store.Store
	Svc       *service.Service
	APIExtras []api.Extra
	Web       http.Handler
	// Background is the scheduled work a server runs (checkpoints, sweeps).
	Background []func(ctx context.Context)
}

// New wires Holdfast over st.
func New(st store.Store, cfg Config) (*App, error) {
	a := &App{Store: st}
	a.Svc = service.New(st, ServiceOptions(cfg))
	return a, nil
}

// ServiceOptions are the service options with every reactor installed.
func ServiceOptions(cfg Config) service.Options {
	return service.Options{Clock: cfg.Clock, NewID: cfg.NewID, Policy: cfg.Policy, Mail: cfg.Mail}
}
