package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"switchboard/connectors"
	"switchboard/connectors/demo"
	"switchboard/safetext"
	"switchboard/store"
)

// appDeps is what the interactive app runs on.
type appDeps struct {
	store  *store.Store
	poller *connectors.Poller
	demo   *demo.Connector
}

// runApp runs the interactive app. Until the inbox lands it prints the
// newest mentions and follows new ones.
func runApp(ctx context.Context, cmd *cobra.Command, g *globals, d appDeps) error {
	w := cmd.OutOrStdout()
	page, err := d.store.Query(store.Filter{}, "", 20)
	if err != nil {
		return err
	}
	for i := len(page.Mentions) - 1; i >= 0; i-- {
		m := page.Mentions[i]
		fmt.Fprintf(w, "%s %-8s %-20s %s\n", m.CreatedAt.Local().Format("15:04"), m.Platform, safetext.Truncate(m.Author.Handle, 20, "…"), safetext.Truncate(m.Text, 90, "…"))
	}
	sub := d.store.Subscribe()
	defer sub.Close()
	for {
		u, err := sub.Next(ctx)
		if err != nil {
			return nil
		}
		for _, id := range u.New {
			m, err := d.store.Get(id)
			if err != nil {
				continue
			}
			fmt.Fprintf(w, "%s %-8s %-20s %s\n", m.CreatedAt.Local().Format("15:04"), m.Platform, safetext.Truncate(m.Author.Handle, 20, "…"), safetext.Truncate(m.Text, 90, "…"))
		}
	}
}
