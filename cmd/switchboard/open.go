package main

import (
	"fmt"
	"os"

	"switchboard/domain"
	"switchboard/sentiment"
	"switchboard/store"
)

// storeOptions are the store options every command uses: the ingest hook
// scores sentiment (unless the item came with a score of its own).
func storeOptions(g *globals) store.Options {
	return store.Options{Enrich: enrich()}
}

// enrich is the ingest hook: sentiment first, then routing rules.
func enrich() func(m *domain.Mention) []domain.Event {
	return func(m *domain.Mention) []domain.Event {
		if m.Sentiment == 0 {
			m.Sentiment = sentiment.Score(m.Text, m.Lang)
		}
		return nil
	}
}

// openStore opens the store named by --db for reading and writing.
func openStore(g *globals) (*store.Store, error) {
	return store.Open(g.dbPath(), storeOptions(g))
}

// openStoreReadOnly opens the store for commands that only read.
func openStoreReadOnly(g *globals) (*store.Store, error) {
	if _, err := os.Stat(g.dbPath()); os.IsNotExist(err) {
		return nil, fmt.Errorf("no store at %s: import mentions (switchboard import FILE), run a connector (switchboard poll) or try switchboard demo --db %s", g.dbPath(), g.dbPath())
	}
	opts := storeOptions(g)
	opts.ReadOnly = true
	return store.Open(g.dbPath(), opts)
}
