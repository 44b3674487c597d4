package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"switchboard/config"
	"switchboard/connectors"
	"switchboard/connectors/demo"
	"switchboard/store"
	"switchboard/themes"
)

// demoHistoryHours is how much simulated history a demo store starts with:
// crisis detection needs a day of it to learn the daily rhythm.
const demoHistoryHours = 48

func init() {
	addCommand(func(g *globals) *cobra.Command {
		var seed int64
		var speed float64
		cmd := &cobra.Command{
			Use:   "demo",
			Short: "Open the app on a simulated live stream",
			Long: `Open switchboard on a simulated live stream about the brand "Acme": hours of
realistic history across X, Mastodon, Bluesky, Reddit and news, in English and
Dutch, then new mentions every few seconds and, after about a minute, a
scripted crisis (a fake support account claims a product is free; complaints
surge). The store is temporary unless --db is given. The same --seed gives the
same stream; --speed runs simulated time faster.`,
			Example: "  switchboard demo\n  switchboard demo --seed 7 --speed 5 --db /tmp/demo.db",
			Args:    cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if speed <= 0 {
					return usagef("--speed must be above 0")
				}
				ctx := cmd.Context()
				cfg, err := demoConfig(g)
				if err != nil {
					return err
				}
				s, cleanup, err := openDemoStore(g, cfg, seed)
				if err != nil {
					return err
				}
				defer cleanup()
				live := demo.New(demo.Options{Seed: seed, Speed: speed})
				poller := connectors.NewPoller(s, connectors.PollerOptions{})
				poller.Add(live, time.Second)
				for i, st := range cfg.Streams { // simulated searches of the demo's streams
					poller.Add(demo.NewStream(st.Name, seed+int64(i), 20*time.Second), 0)
				}
				ctx, cancel := context.WithCancel(ctx)
				defer cancel()
				go poller.Run(ctx)
				if !themes.Valid(g.theme) {
					return usagef("--theme %q: want one of auto, dark, light, high-contrast, mono", g.theme)
				}
				env := &appEnv{store: s, config: cfg, poller: poller}
				env.startOutbox(ctx, []connectors.Connector{live})
				return runTUIOn(ctx, env, g.theme)
			},
		}
		cmd.Flags().Int64Var(&seed, "seed", 1, "seed of the simulation")
		cmd.Flags().Float64Var(&speed, "speed", 1, "simulated seconds per real second")
		return cmd
	})
}

// demoConfig is --config if given, else the demo brand Acme.
func demoConfig(g *globals) (*config.Config, error) {
	if g.config != "" {
		return config.Load(g.config)
	}
	return config.Parse([]byte(demoConfigYAML), "demo config")
}

const demoConfigYAML = `brand:
  name: Acme
  handles: ["@acme", "@acme@social.example", "acme.bsky.social"]
  keywords: ["acme", "#acmefail"]
streams:
  - name: brand
    terms: [acme, "#acmefail"]
  - name: rivals
    terms: [globex, initech]
inbox:
  teams: [support, billing, social, legal]
  operators: [ana, ben, cem]
  rules:
    - name: billing
      match: {keywords: [refund, charged, invoice, terugbetaling, factuur]}
      set: {tags: [billing], team: billing}
    - name: delivery
      match: {keywords: [delivery, order, bezorger, bestelling, pakket]}
      set: {tags: [delivery], team: support}
    - name: outage
      match: {keywords: [down, outage, storing, "not working"], sentiment_below: -0.2}
      set: {tags: [outage], team: support, priority: urgent}
    - name: loud-stream
      match: {streams: [brand], min_followers: 3000, sentiment_below: -0.3}
      set: {promote: true, team: social}
    - name: big-voice
      match: {min_followers: 10000, sentiment_below: -0.3}
      set: {tags: [influencer], priority: high}
`

// openDemoStore opens --db, or a temporary store removed on exit, and fills
// an empty one with simulated history.
func openDemoStore(g *globals, cfg *config.Config, seed int64) (*store.Store, func(), error) {
	path := g.db
	var dir string
	if path == "" {
		var err error
		dir, err = os.MkdirTemp("", "switchboard-demo-")
		if err != nil {
			return nil, nil, err
		}
		path = filepath.Join(dir, "demo.db")
	}
	opts, err := storeOptions(cfg)
	if err != nil {
		return nil, nil, err
	}
	s, err := store.Open(path, opts)
	if err != nil {
		if dir != "" {
			os.RemoveAll(dir)
		}
		return nil, nil, err
	}
	cleanup := func() {
		s.Close()
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	c, err := s.Counts()
	if err == nil && c.Total() == 0 {
		hist := demo.History(seed, time.Now(), demoHistoryHours)
		for len(hist) > 0 && err == nil {
			n := min(len(hist), 5000)
			_, err = s.Ingest(hist[:n])
			hist = hist[n:]
		}
	}
	if err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("demo: filling the store: %w", err)
	}
	return s, cleanup, nil
}
