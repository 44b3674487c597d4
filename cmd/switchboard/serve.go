package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"switchboard/config"
	"switchboard/connectors"
	"switchboard/internal/words"
	"switchboard/metrics"
	"switchboard/operators"
	"switchboard/presence"
	"switchboard/sshserver"
	"switchboard/store"
	"switchboard/themes"
	"switchboard/tui"
)

// defaultOperatorsPath is operators.yaml beside the config file.
func defaultOperatorsPath(g *globals) string {
	return filepath.Join(filepath.Dir(g.configPath()), "operators.yaml")
}

// defaultHostKeyPath is the server's host key beside the store.
func defaultHostKeyPath(g *globals) string {
	return filepath.Join(filepath.Dir(g.dbPath()), "ssh_host_ed25519")
}

// connectHint is how to reach a server listening on addr.
func connectHint(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "ssh " + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		if h, err := os.Hostname(); err == nil && h != "" {
			host = h
		} else {
			host = "localhost"
		}
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "22" {
		return "ssh " + host
	}
	return "ssh -p " + port + " " + host
}

func init() {
	addCommand(func(g *globals) *cobra.Command {
		var listen, opsPath, hostKey, metricsAddr, logFormat string
		var idle, maxTime time.Duration
		var maxSessions int
		cmd := &cobra.Command{
			Use:   "serve",
			Short: "Run the SSH war room: the app for every operator over ssh, on one store",
			Long: `serve runs, in one process on one store, the SSH front door (each operator
connects with ssh and gets the app), the configured connectors and the outbox.
Only the public keys in the operators file (--operators, default operators.yaml
beside the config file) may sign in; what each may do is their role's. The file
is followed: switchboard operators add|remove (or an edit) applies at once, and
a removed operator's sessions end within a second. The host key is made on first
start (--host-key, default beside the store). SIGTERM or an interrupt tells every
session, finishes writes in flight and closes the store.`,
			Example: "  switchboard serve\n  switchboard serve --listen 0.0.0.0:2222 --operators /etc/switchboard/operators.yaml",
			Args:    cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if !themes.Valid(g.theme) {
					return usagef("--theme %q: want one of auto, dark, light, high-contrast, mono", g.theme)
				}
				if opsPath == "" {
					opsPath = defaultOperatorsPath(g)
				}
				if hostKey == "" {
					hostKey = defaultHostKeyPath(g)
				}
				return runServe(cmd.Context(), g, serveOptions{
					listen: listen, operators: opsPath, hostKey: hostKey, idle: idle, maxTime: maxTime,
					maxSessions: maxSessions, errw: cmd.ErrOrStderr(), metrics: metricsAddr, logFormat: logFormat,
				})
			},
		}
		cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:2222", "address the SSH server listens on")
		cmd.Flags().StringVar(&opsPath, "operators", "", "operators file (default operators.yaml beside the config file)")
		cmd.Flags().StringVar(&hostKey, "host-key", "", "SSH host key, made on first start (default ssh_host_ed25519 beside the store)")
		cmd.Flags().DurationVar(&idle, "idle-timeout", 30*time.Minute, "end a session after this long without a key press")
		cmd.Flags().DurationVar(&maxTime, "max-timeout", 12*time.Hour, "end any connection after this long")
		cmd.Flags().IntVar(&maxSessions, "max-sessions", 100, "most sessions open at once")
		cmd.Flags().StringVar(&metricsAddr, "metrics", "", "serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9464; off when empty)")
		cmd.Flags().StringVar(&logFormat, "log-format", "text", "log lines as text or json (one JSON object per line)")
		return cmd
	})
}

type serveOptions struct {
	listen, operators, hostKey string
	idle, maxTime              time.Duration
	maxSessions                int
	errw                       io.Writer
	metrics, logFormat         string
}

func runServe(ctx context.Context, g *globals, so serveOptions) error {
	lg, err := newServeLog(so.errw, so.logFormat)
	if err != nil {
		return err
	}
	logf := lg.printf
	cfg, err := config.Load(g.config)
	if err != nil {
		return err
	}
	conns, err := buildConnectors(cfg, os.Getenv)
	if err != nil {
		return err
	}
	reg, err := operators.Open(so.operators)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", so.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", so.listen, err)
	}
	defer l.Close()
	addr := l.Addr().String()
	hint := connectHint(addr)

	opts, err := storeOptions(cfg)
	if err != nil {
		return err
	}
	opts.Authorize = reg.Authorize
	opts.Holder = "switchboard serve on " + addr + "; connect with: " + hint
	s, err := store.Open(g.dbPath(), opts)
	if err != nil {
		return err
	}
	closeStore := sync.OnceValue(s.Close)
	defer closeStore()

	// every change to the team is an audit event (off-boarding included)
	var actor teamActor
	stopAudit := reg.OnChange(func(c operators.Change) { recordTeamChange(s, actor.take(), c, logf) })
	defer stopAudit()

	svcCtx, stopServices := context.WithCancel(context.Background())
	defer stopServices()
	var services sync.WaitGroup
	env := &appEnv{store: s, config: cfg, team: reg.Current}
	var srv *sshserver.Server
	met := metrics.New(metrics.Options{
		Sessions: func() int {
			if srv == nil {
				return 0
			}
			return srv.SessionCount()
		},
		QueueDepth: func() (int, error) { return s.DraftCount(queuedStates...) },
	})
	services.Add(1)
	go func() { defer services.Done(); met.Follow(svcCtx, s.Subscribe()) }()
	if env.makePoller(svcCtx, conns, connectors.PollerOptions{
		OnChange: func(name string, h connectors.Health) { lg.health(name, h) },
		OnRound:  func(r connectors.RoundResult) { met.Round(r) },
		// said once: the stream is not tried again until a restart
		OnStreamNote: func(name, note string) { logf("%s: %s", name, note) },
	}) {
		services.Add(1)
		go func() { defer services.Done(); _ = env.poller.Run(svcCtx) }()
	}
	var senders []connectors.Connector
	for _, c := range conns {
		senders = append(senders, c.conn)
	}
	sender := env.newOutbox(svcCtx, senders)
	env.startNotifier(svcCtx, logf)
	deriver := env.newNotices("", logf)
	services.Add(4)
	go func() { defer services.Done(); _ = deriver.Run(svcCtx) }()
	go func() { defer services.Done(); _ = sender.Run(svcCtx) }()
	go func() { defer services.Done(); wakeSnoozed(svcCtx, s) }()
	go func() {
		defer services.Done()
		reg.Watch(svcCtx, 250*time.Millisecond, func(err error) {
			logf("operators file not applied (the team stays as it was): %v", err)
		})
	}()

	hub := presence.New(presence.Options{Role: reg.Role})
	srv, err = sshserver.New(sshserver.Options{
		OnFrame: met.Frame,
		Addr:    addr, HostKeyPath: so.hostKey, Operators: reg, Presence: hub,
		IdleTimeout: so.idle, MaxTimeout: so.maxTime, MaxSessions: so.maxSessions, Log: logf,
		Command: sshCommands(reg, so.operators, &actor, env),
		Model: func(ctx context.Context, info sshserver.SessionInfo) (tea.Model, func(), error) {
			m, err := tui.New(env.sessionOptions(ctx, info.Operator.Name, g.theme, info.Environ))
			if err != nil {
				return nil, nil, err
			}
			return m, m.Close, nil
		},
	})
	if err != nil {
		stopServices()
		services.Wait()
		return err
	}
	if so.metrics != "" {
		maddr, err := serveMetrics(svcCtx, so.metrics, met, logf)
		if err != nil {
			stopServices()
			services.Wait()
			return err
		}
		logf("metrics on http://%s/metrics", maddr)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	team := reg.Current()
	logf("switchboard serve on %s with store %s; connect with: %s", addr, s.Path(), hint)
	if team.Len() == 0 {
		logf("no operators in %s yet: add one with `switchboard operators add NAME --role admin --key ~/.ssh/id_ed25519.pub`", so.operators)
	} else {
		logf("%s from %s (followed for changes)", words.Plural(team.Len(), "operator"), so.operators)
		if pack := env.policyOptions().Pack; pack != nil {
			roles, rules := unheldApprovalRoles(pack, team)
			for i, r := range roles {
				logf("no operator approves for %q, so drafts that rule %s (and any other naming it) catches cannot be approved: add approves: [%s] to someone in %s", r, rules[i], r, so.operators)
			}
		}
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	logf("shutting down: telling %s", words.Plural(srv.SessionCount(), "session"))
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx, "switchboard is shutting down; connect again in a moment"); err != nil {
		logf("sessions did not all end in time: %v", err)
	}
	stopServices()
	services.Wait()
	if err := closeStore(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	logf("store closed")
	if serveErr != nil && !errors.Is(serveErr, net.ErrClosed) {
		return serveErr
	}
	return nil
}

// recordTeamChange writes one audit event per operator added, removed or
// changed, by actor.
func recordTeamChange(s *store.Store, actor string, c operators.Change, logf func(string, ...any)) {
	desc := func(o operators.Operator) string {
		if len(o.Approves) > 0 {
			return o.Name + " (" + string(o.Role) + ", approves " + strings.Join(o.Approves, ",") + ")"
		}
		return o.Name + " (" + string(o.Role) + ")"
	}
	rec := func(name, field, before, after string) {
		if _, err := s.RecordOperator(actor, name, field, before, after); err != nil {
			logf("could not record the change to operator %s: %v", name, err)
		}
	}
	for _, o := range c.Removed {
		rec(o.Name, "operator", desc(o), "")
	}
	for _, o := range c.Added {
		rec(o.Name, "operator", "", desc(o))
	}
	for _, o := range c.Changed {
		old, _ := c.Before.Get(o.Name)
		if old.Role != o.Role {
			rec(o.Name, "role", string(old.Role), string(o.Role))
		}
		if strings.Join(old.Fingerprints(), ",") != strings.Join(o.Fingerprints(), ",") {
			rec(o.Name, "keys", strings.Join(old.Fingerprints(), " "), strings.Join(o.Fingerprints(), " "))
		}
		if strings.Join(old.Teams, ",") != strings.Join(o.Teams, ",") {
			rec(o.Name, "teams", strings.Join(old.Teams, ","), strings.Join(o.Teams, ","))
		}
		if strings.Join(old.Approves, ",") != strings.Join(o.Approves, ",") {
			rec(o.Name, "approves", strings.Join(old.Approves, ","), strings.Join(o.Approves, ","))
		}
	}
}
