package main

import (
	"fmt"
	"os"

	"switchboard/config"
	"switchboard/detect"
	"switchboard/domain"
	"switchboard/rules"
	"switchboard/sentiment"
	"switchboard/store"
)

// storeOptions are the store options of a process with config cfg: the
// ingest hook scores sentiment (unless the item came with a score of its
// own) and then applies the config's routing rules, and the brand's
// look-alikes are flagged as impostors.
func storeOptions(cfg *config.Config) (store.Options, error) {
	var rs []config.Rule
	if cfg != nil {
		rs = cfg.Inbox.Rules
	}
	set, err := rules.Compile(rs)
	if err != nil {
		return store.Options{}, err
	}
	opts := store.Options{Enrich: set.Enrich(scoreSentiment)}
	if cfg != nil {
		opts.ContactTags = cfg.Contacts.Lookup() // the contacts: section's tags
	}
	if cfg != nil && (cfg.Brand.Name != "" || len(cfg.Brand.Handles) > 0) {
		// the detector's look-alike rules flag impostors as they arrive
		opts.Impostor = detect.ImpersonationCheck(cfg.Brand.Handles, cfg.Brand.Name)
	}
	return opts, nil
}

func scoreSentiment(m *domain.Mention) {
	if m.Sentiment == 0 {
		m.Sentiment = sentiment.Score(m.Text, m.Lang)
	}
}

// openStore opens the store named by --db for reading and writing, with
// the routing rules of the config named by --config and, when an
// operators file exists, its permissions (localAuthorize).
func openStore(g *globals) (*store.Store, error) {
	if g.shared != nil {
		// over ssh a command works on serve's own store (actingStore,
		// openStoreReadOnly), never on a file of the server's account
		return nil, fmt.Errorf("this command does not run over ssh")
	}
	cfg, err := config.Load(g.config)
	if err != nil {
		return nil, err
	}
	opts, err := storeOptions(cfg)
	if err != nil {
		return nil, err
	}
	if opts.Authorize, err = localAuthorize(g); err != nil {
		return nil, err
	}
	return store.Open(g.dbPath(), opts)
}

// loadConfig is the config of --config, or serve's own over ssh.
func loadConfig(g *globals) (*config.Config, error) {
	if g.shared != nil {
		return g.shared.config, nil
	}
	return config.Load(g.config)
}

// openStoreReadOnly opens the store for commands that only read (over
// ssh: a read handle on the store serve holds).
func openStoreReadOnly(g *globals) (*store.Store, error) {
	if g.shared != nil {
		return g.shared.store.ReadHandle(), nil
	}
	if _, err := os.Stat(g.dbPath()); os.IsNotExist(err) {
		return nil, fmt.Errorf("no store at %s: import mentions (switchboard import FILE), run a connector (switchboard poll) or try switchboard demo --db %s", g.dbPath(), g.dbPath())
	}
	return store.Open(g.dbPath(), store.Options{ReadOnly: true})
}
