package main

import (
	"context"

	"switchboard/config"
	"switchboard/connectors"
	"switchboard/store"
	"switchboard/tui"
)

// appEnv is what every terminal session of this process shares: the store,
// the config and the background services. `switchboard`, `demo` and `serve`
// build one; each session (local, or one per SSH connection) gets its own
// tui.Options from it. Features add their shared services here and their
// session hooks in sessionOptions.
type appEnv struct {
	store  *store.Store
	config *config.Config
	poller *connectors.Poller // nil when no connector is configured
}

// sessionOptions are the options of one terminal session of operator actor.
func (e *appEnv) sessionOptions(ctx context.Context, actor, theme string, environ []string) tui.Options {
	o := tui.Options{
		Ctx: ctx, Store: e.store, Actor: actor, Theme: theme, Config: e.config, Environ: environ,
	}
	if e.poller != nil {
		o.Health = e.poller.Health
	}
	if e.config != nil && e.config.Brand.Name != "" {
		o.Brand = e.config.Brand.Name
	}
	return o
}
