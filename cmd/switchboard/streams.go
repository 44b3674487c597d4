package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"switchboard/config"
	"switchboard/connectors"
	"switchboard/detect"
	"switchboard/domain"
)

// streamQuery is what a configured stream asks a platform.
func streamQuery(st config.Stream) connectors.StreamQuery {
	return connectors.StreamQuery{Name: st.Name, Terms: st.Words(), Hashtags: st.Hashtags(), Lang: st.Language}
}

// streamSearches are the searches of one stream: one per configured
// connector on a platform the stream runs on that can search. They go to
// the poller, never to the outbox.
func streamSearches(st config.Stream, conns []builtConnector) []builtConnector {
	var out []builtConnector
	for _, c := range conns {
		ss, ok := c.conn.(connectors.StreamSearcher)
		if !ok || !slices.Contains(config.StreamPlatforms, c.conn.Platform()) || !st.Runs(c.conn.Platform()) {
			continue
		}
		out = append(out, builtConnector{conn: ss.StreamSearch(streamQuery(st)), every: st.Every})
	}
	return out
}

// allStreamSearches are the searches of every configured stream.
func allStreamSearches(cfg *config.Config, conns []builtConnector) []builtConnector {
	var out []builtConnector
	if cfg == nil {
		return nil
	}
	for _, st := range cfg.Streams {
		out = append(out, streamSearches(st, conns)...)
	}
	return out
}

// lookalikeOptions turn on the look-alike account watch when the config
// names the brand.
func lookalikeOptions(cfg *config.Config) *connectors.LookalikeOptions {
	if cfg == nil {
		return nil
	}
	names := connectors.LookalikeQueries(cfg.Brand.Name, cfg.Brand.Handles)
	if len(names) == 0 {
		return nil
	}
	return &connectors.LookalikeOptions{Names: names, Check: detect.ImpersonationCheck(cfg.Brand.Handles, cfg.Brand.Name)}
}

// addStream saves a stream made in the UI to the config file in use and
// starts its searches on the running poller. Streams are the team's
// config: adding one takes a lead's permission.
func (e *appEnv) addStream(actor string, st config.Stream) (int, error) {
	if err := e.store.Authorize(actor, domain.PermIncident); err != nil {
		return 0, fmt.Errorf("adding a stream changes the team's config: %w", err)
	}
	path := config.DefaultPath()
	if e.config != nil && e.config.Path != "" {
		path = e.config.Path
	}
	e.viewsMu.Lock()
	defer e.viewsMu.Unlock()
	if e.config != nil {
		for _, o := range e.config.Streams {
			if o.Name == st.Name {
				return 0, fmt.Errorf("a stream named %q exists already", st.Name)
			}
		}
	}
	if err := config.AddStream(path, st); err != nil {
		return 0, err
	}
	if e.config != nil {
		e.config.Streams = append(slices.Clip(e.config.Streams), st)
	}
	if e.poller == nil || e.pollCtx == nil {
		return 0, errors.New("saved; no connector runs in this process, so it starts with the next run that has one")
	}
	searches := streamSearches(st, e.conns)
	for _, s := range searches {
		e.poller.Start(e.pollCtx, s.conn, s.every)
	}
	return len(searches), nil
}

// makePoller makes the poller of conns and the configured streams'
// searches, to run until ctx ends; false when there are no connectors.
func (e *appEnv) makePoller(ctx context.Context, conns []builtConnector, opts connectors.PollerOptions) bool {
	if len(conns) == 0 {
		return false
	}
	opts.Lookalike = lookalikeOptions(e.config)
	if e.config != nil {
		opts.Apps = e.config.Brand.Apps
	}
	e.poller = connectors.NewPoller(e.store, opts)
	for _, c := range conns {
		e.poller.Add(c.conn, c.every)
	}
	for _, c := range allStreamSearches(e.config, conns) {
		e.poller.Add(c.conn, c.every)
	}
	e.conns, e.pollCtx = conns, ctx
	return true
}
