package main

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"switchboard/config"
	"switchboard/connectors"
	"switchboard/crisis"
	"switchboard/domain"
	"switchboard/operators"
	"switchboard/outbox"
	"switchboard/policy"
	"switchboard/presence"
	"switchboard/store"
	"switchboard/tui"
	crisistui "switchboard/tui/crisis"
	"switchboard/tui/policypane"
	"switchboard/tui/reports"
	streamstui "switchboard/tui/streams"
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
	// conns are the configured connectors and pollCtx the poller's
	// context, for streams added while it runs (addStream).
	conns   []builtConnector
	pollCtx context.Context
	// team is the operators file as it is now (serve: the followed file;
	// a local run: the file at start); nil without one.
	team func() *operators.Set

	policyOnce sync.Once
	policy     policypane.Options // the pack, loaded once per process

	crisisOnce sync.Once
	watcher    *crisis.Watcher // crisis detection over the store, one per process

	outbox *outbox.Sender // sends queued replies (startOutbox); nil until started

	viewsMu sync.Mutex // saveView
}

// crisisWatcher starts crisis detection the first time a session asks: it
// replays the store and follows it until the store closes.
func (e *appEnv) crisisWatcher() *crisis.Watcher {
	e.crisisOnce.Do(func() {
		e.watcher = crisis.NewWatcher(e.store, detectConfig(e.config))
		go e.watcher.Run(context.Background()) // ends when the store closes
	})
	return e.watcher
}

// policyOptions loads the config's policy pack (or the built-in one) the
// first time a session asks; a broken pack is shown in the pane, never
// replaced by another.
func (e *appEnv) policyOptions() policypane.Options {
	e.policyOnce.Do(func() {
		path := ""
		if e.config != nil {
			path = e.config.PolicyPath()
		}
		if path == "" {
			e.policy = policypane.Options{Pack: policy.Default(), Source: "built-in pack"}
			return
		}
		p, err := policy.Load(path)
		e.policy = policypane.Options{Pack: p, Source: path, Err: err}
		if err != nil {
			e.policy.Pack = nil
		}
	})
	return e.policy
}

// saveView adds a view to the config file in use (the default path when
// none was loaded) and to the running config, for sessions started later.
// The views are the team's: saving one takes a lead's permission.
func (e *appEnv) saveView(actor string, v config.InboxView) error {
	if err := e.store.Authorize(actor, domain.PermIncident); err != nil {
		return fmt.Errorf("saving a view changes the team's config: %w", err)
	}
	path := config.DefaultPath()
	if e.config != nil && e.config.Path != "" {
		path = e.config.Path
	}
	e.viewsMu.Lock()
	defer e.viewsMu.Unlock()
	if err := config.AddView(path, v); err != nil {
		return err
	}
	if e.config != nil {
		e.config.Inbox.Views = append(slices.Clip(e.config.Inbox.Views), v)
	}
	return nil
}

// sessionOptions are the options of one terminal session of operator actor.
func (e *appEnv) sessionOptions(ctx context.Context, actor, theme string, environ []string) tui.Options {
	cfg := e.config
	if cfg != nil { // a copy: saveView adds views while sessions start
		e.viewsMu.Lock()
		c := *cfg
		c.Inbox.Views = slices.Clone(cfg.Inbox.Views)
		c.Streams = slices.Clone(cfg.Streams)
		e.viewsMu.Unlock()
		cfg = &c
	}
	o := tui.Options{
		Ctx: ctx, Store: e.store, Actor: actor, Theme: theme, Config: cfg, Environ: environ,
	}
	if e.poller != nil {
		o.Health = e.poller.Health
		o.FetchThread = e.poller.FetchThread
	}
	if e.team != nil {
		o.Team = func() (names, teams []string) {
			seen := map[string]bool{}
			for _, op := range e.team().Operators() {
				names = append(names, op.Name)
				for _, t := range op.Teams {
					if !seen[t] {
						seen[t] = true
						teams = append(teams, t)
					}
				}
			}
			return names, teams
		}
	}
	o.Policy = policypane.Factory(e.policyOptions())
	o.Presence = presence.FromContext(ctx) // nil unless an SSH session of serve
	co := crisistui.Options{Watcher: e.crisisWatcher(), Pack: e.policyOptions().Pack, PackErr: e.policyOptions().Err}
	o.PolicyErr = e.policyOptions().Err
	if o.Presence != nil {
		co.WarRoom = o.Presence.Hub().WarRoom
	}
	o.Crisis = crisistui.Factory(co)
	o.Escalate = crisistui.Escalate
	e.composerHooks(&o)
	o.SaveView = func(v config.InboxView) error { return e.saveView(actor, v) }
	so := streamstui.Options{Add: func(st config.Stream) (int, error) { return e.addStream(actor, st) }}
	if cfg != nil {
		so.Streams = cfg.Streams
	}
	o.Streams = streamstui.Factory(so)
	if cfg != nil {
		if clock, err := cfg.Inbox.SLA(); err == nil {
			o.Reports = reports.Factory(clock)
		}
	} else {
		o.Reports = reports.Factory(nil)
	}
	if e.config != nil && e.config.Brand.Name != "" {
		o.Brand = e.config.Brand.Name
	}
	return o
}
