package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"switchboard/notify"
)

// startNotifier queues and delivers the config's notifications (notify:)
// while ctx lasts: the audit log's incidents and approvals and the crisis
// watcher's alerts, each target in a loop of its own. Nothing is started
// without targets.
func (e *appEnv) startNotifier(ctx context.Context, logf func(string, ...any)) {
	if e.config == nil || len(e.config.Notify) == 0 {
		return
	}
	n := &notify.Notifier{St: e.store, Targets: e.config.Notify, Getenv: os.Getenv, Logf: logf}
	go n.Run(ctx)
	go n.Follow(ctx, time.Second)
	go n.FollowAlerts(ctx, e.crisisWatcher())
}

func init() {
	addCommand(func(g *globals) *cobra.Command {
		root := &cobra.Command{
			Use:   "notify",
			Short: "Outgoing notifications (webhooks): test a target, see the queue",
			Args:  cobra.NoArgs,
			RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		}
		test := &cobra.Command{
			Use:   "test TARGET",
			Short: "Send a sample notification to a target of the config's notify: at once",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := loadConfig(g)
				if err != nil {
					return err
				}
				var names []string
				for _, t := range cfg.Notify {
					names = append(names, t.Name)
					if t.Name != args[0] {
						continue
					}
					n := &notify.Notifier{Targets: cfg.Notify, Getenv: os.Getenv}
					ctx, cancel := context.WithTimeout(cmd.Context(), 15*time.Second)
					defer cancel()
					if err := n.Test(ctx, t); err != nil {
						return failf("notify test %s: %v", t.Name, err)
					}
					fmt.Fprintf(cmd.OutOrStdout(), "sent a test notification to %s (%s): it answered 2xx\n", t.Name, t.Type)
					return nil
				}
				if len(names) == 0 {
					return usagef("the config has no notify: targets")
				}
				return usagef("no notify target %q; the config has: %v", args[0], names)
			},
		}
		root.AddCommand(test)
		return root
	})
}
