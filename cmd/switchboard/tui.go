package main

import (
	"context"
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"switchboard/config"
	"switchboard/connectors"
	"switchboard/operators"
	"switchboard/store"
	"switchboard/themes"
	"switchboard/tui"
)

func init() {
	rootRun = runTUI
}

// runTUI opens the store named by --db, starts the configured connectors
// and runs the terminal UI on it.
func runTUI(cmd *cobra.Command, g *globals) error {
	if !themes.Valid(g.theme) {
		return usagef("--theme %q: want one of auto, dark, light, high-contrast, mono", g.theme)
	}
	cfg, err := config.Load(g.config)
	if err != nil {
		return err
	}
	conns, err := buildConnectors(cfg, os.Getenv)
	if err != nil {
		return err
	}
	s, err := openStore(g)
	if err != nil {
		return err
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	env := &appEnv{store: s, config: cfg}
	if team, err := configuredTeam(g, ""); err != nil {
		return err
	} else if team != nil {
		env.team = func() *operators.Set { return team }
	}
	if env.makePoller(ctx, conns, connectors.PollerOptions{}) {
		go env.poller.Run(ctx)
	}
	var senders []connectors.Connector
	for _, c := range conns {
		senders = append(senders, c.conn)
	}
	env.startOutbox(ctx, senders)
	env.startNotifier(ctx, func(string, ...any) {})
	return runTUIOn(ctx, env, g.theme)
}

// runTUIOn runs the terminal UI of the local operator until they quit;
// `demo` uses it too.
func runTUIOn(ctx context.Context, env *appEnv, theme string) error {
	me, err := localIdentity()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	env.startNotices(ctx, me, func(string, ...any) {})
	m, err := tui.New(env.sessionOptions(ctx, me, theme, os.Environ()))
	if err != nil {
		return err
	}
	defer m.Close()
	go wakeSnoozed(ctx, env.store)
	p := tea.NewProgram(m, tea.WithContext(ctx))
	if _, err := p.Run(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}

// wakeSnoozed reopens mentions whose snooze ran out, every 30 seconds.
func wakeSnoozed(ctx context.Context, s *store.Store) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		_, _ = s.WakeSnoozed(time.Now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
