package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"switchboard/config"
	"switchboard/connectors"
	"switchboard/safetext"
	"switchboard/store"
)

func init() {
	addCommand(func(g *globals) *cobra.Command {
		var once, asJSON bool
		cmd := &cobra.Command{
			Use:   "poll",
			Short: "Fetch mentions from the configured connectors into the store (headless)",
			Long: `poll runs every connector of the config file on its own schedule and stores
what they fetch, until interrupted. With --once it fetches every connector once
and prints, per connector, "name: N new, M duplicates" or "name: error: …",
followed by its health: "(ok, last success 10:04:05)", "(rate-limited until
10:05:00)", "(auth failed)", "(unreachable)" (exit 1 if any failed).`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if asJSON && !once {
					return usagef("--json needs --once")
				}
				cfg, err := config.Load(g.config)
				if err != nil {
					return err
				}
				conns, err := buildConnectors(cfg, os.Getenv)
				if err != nil {
					return err
				}
				if len(conns) == 0 {
					where := cfg.Path
					if where == "" {
						where = config.DefaultPath() + " (which does not exist)"
					}
					return fmt.Errorf("no connectors configured in %s; add a connectors: list (see README, Connectors and configuration)", where)
				}
				s, err := openStore(g)
				if err != nil {
					return err
				}
				defer s.Close()
				out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
				var opts connectors.PollerOptions
				if !once {
					opts.OnChange = func(name string, h connectors.Health) { logHealth(errw, name, h) }
					opts.OnStreamNote = func(name, note string) {
						fmt.Fprintf(errw, "%s %s: %s\n", time.Now().Format(time.TimeOnly), safetext.Line(name), safetext.Line(note))
					}
					opts.OnRound = func(r connectors.RoundResult) {
						if r.Err == nil && r.New > 0 {
							fmt.Fprintf(errw, "%s %s: %d new\n", time.Now().Format(time.TimeOnly), safetext.Line(r.Name), r.New)
						}
						for _, a := range r.Alerts {
							fmt.Fprintf(errw, "%s %s: ‼ CRITICAL %s: %s (switchboard alerts shows it)\n", time.Now().Format(time.TimeOnly), safetext.Line(r.Name), a.ID, safetext.Line(store.AccountAlertTitle(a)))
						}
					}
				}
				// conns is not empty (checked above), so makePoller makes one
				env := &appEnv{store: s, config: cfg}
				env.makePoller(cmd.Context(), conns, opts)
				p := env.poller
				if once {
					failed := 0
					results := p.Once(cmd.Context())
					health := p.Health()
					if asJSON {
						rows := []pollJSON{}
						for _, r := range results {
							rows = append(rows, newPollJSON(r, health[r.Name]))
							if r.Err != nil {
								failed++
							}
						}
						if err := writeJSON(out, rows); err != nil {
							return err
						}
						if failed > 0 {
							return &exitError{code: 1}
						}
						return nil
					}
					for _, r := range results {
						// the connector's health after its round, in words
						state := " (" + health[r.Name].Describe(time.TimeOnly, time.Local) + ")"
						if r.Err != nil {
							failed++
							fmt.Fprintf(out, "%s: error: %s%s\n", safetext.Line(r.Name), safetext.Line(r.Err.Error()), state)
							continue
						}
						fmt.Fprintf(out, "%s: %d new, %d duplicates", safetext.Line(r.Name), r.New, r.Duplicates)
						if r.Invalid > 0 {
							fmt.Fprintf(out, ", %d unusable skipped", r.Invalid)
						}
						fmt.Fprintln(out, state)
						if r.OwnErr != nil {
							fmt.Fprintf(out, "%s: %s\n", safetext.Line(r.Name), safetext.Line(r.OwnErr.Error()))
						}
						for _, a := range r.Alerts {
							fmt.Fprintf(out, "%s: ‼ CRITICAL %s: %s (switchboard alerts shows it)\n", safetext.Line(r.Name), a.ID, safetext.Line(store.AccountAlertTitle(a)))
						}
					}
					if failed > 0 {
						return &exitError{code: 1}
					}
					return nil
				}
				fmt.Fprintf(errw, "polling %d connectors into %s; interrupt to stop\n", len(conns), s.Path())
				if err := p.Run(cmd.Context()); err != nil && err != context.Canceled {
					return err
				}
				return nil
			},
		}
		cmd.Flags().BoolVar(&once, "once", false, "fetch every connector once, print what each stored, and exit")
		cmd.Flags().BoolVar(&asJSON, "json", false, "with --once, print a JSON array: one object per connector")
		return cmd
	})
}

// pollJSON is one connector's round of `poll --once --json`. Errors and
// health never hold a secret (see connectors.Health).
type pollJSON struct {
	Name       string         `json:"name"`
	New        int            `json:"new"`
	Duplicates int            `json:"duplicates"`
	Invalid    int            `json:"invalid"`
	Error      string         `json:"error,omitempty"`
	Health     pollHealthJSON `json:"health"`
}

type pollHealthJSON struct {
	State       string    `json:"state"`
	Until       time.Time `json:"until,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	// RateLimit is as the platform last reported it (left out when unknown).
	RateLimit pollRateLimitJSON `json:"rate_limit,omitzero"`
}

type pollRateLimitJSON struct {
	Limit     int       `json:"limit"`
	Remaining int       `json:"remaining"`
	Reset     time.Time `json:"reset,omitzero"`
}

func newPollJSON(r connectors.RoundResult, h connectors.Health) pollJSON {
	out := pollJSON{Name: r.Name, New: r.New, Duplicates: r.Duplicates, Invalid: r.Invalid,
		Health: pollHealthJSON{State: string(h.State), Until: h.Until, LastSuccess: h.LastSuccess, LastError: h.LastError,
			RateLimit: pollRateLimitJSON{Limit: h.RateLimit.Limit, Remaining: h.RateLimit.Remaining, Reset: h.RateLimit.Reset}}}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	return out
}

type builtConnector struct {
	conn  connectors.Connector
	every time.Duration
}

// buildConnectors makes the config's connectors through the platforms map;
// errors name the config file and line.
func buildConnectors(cfg *config.Config, getenv func(string) string) ([]builtConnector, error) {
	var out []builtConnector
	for i := range cfg.Connectors {
		cc := &cfg.Connectors[i]
		f, ok := platforms[cc.Type]
		if !ok {
			known := make([]string, 0, len(platforms))
			for k := range platforms {
				known = append(known, k)
			}
			sort.Strings(known)
			return nil, cc.Errorf("connector %s: unknown type %q (known: %s)", cc.Name, cc.Type, strings.Join(known, ", "))
		}
		spec := cc.Spec()
		spec.HTTP = &http.Client{Timeout: 30 * time.Second}
		spec.Getenv = getenv
		spec.StateDir = connectorStateDir(cc.Name)
		if err := os.MkdirAll(spec.StateDir, 0o700); err != nil {
			return nil, fmt.Errorf("connector %s: state directory: %w", cc.Name, err)
		}
		c, err := f(spec)
		if err != nil {
			if strings.Contains(err.Error(), "line ") {
				return nil, err
			}
			return nil, cc.Errorf("%v", err)
		}
		out = append(out, builtConnector{conn: c, every: cc.Every})
	}
	return out, nil
}

// connectorStateDir is a private directory per connector under
// $XDG_STATE_HOME/switchboard/connectors, created on demand by the
// connectors that need one (MkdirAll with 0700).
func connectorStateDir(name string) string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "switchboard", "connectors", name)
}

func logHealth(w io.Writer, name string, h connectors.Health) {
	line := fmt.Sprintf("%s %s: %s", time.Now().Format(time.TimeOnly), safetext.Line(name), h.Describe(time.TimeOnly, time.Local))
	if h.LastError != "" {
		line += ": " + safetext.Line(h.LastError)
	}
	fmt.Fprintln(w, line)
}
