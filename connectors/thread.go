package connectors

import (
	"context"
	"fmt"
	"slices"

	"switchboard/domain"
	"switchboard/store"
)

// ThreadResult is what FetchThread stored.
type ThreadResult struct {
	// Connector is the connector that asked the platform.
	Connector string
	// Fetched counts the posts the platform gave, New those not stored
	// before.
	Fetched, New int
	// Missing are the posts the conversation answers that the platform
	// did not give (see Thread.Missing).
	Missing []string
}

// ErrNoThreadFetcher says no configured connector can fetch a mention's
// conversation (none on its platform, or its platform's cannot).
var ErrNoThreadFetcher = fmt.Errorf("no connector can fetch this conversation")

// FetchThread asks the platform for m's conversation (through the
// connector that fetched m, else any connector of its platform that can)
// and stores what it gives like fetched mentions, so the thread reads
// offline afterwards. A post new to the store is context, not work: it is
// stored done and FYI (no response clock); one stored already keeps its
// operator state and only its platform fields are refreshed.
func (p *Poller) FetchThread(ctx context.Context, m domain.Mention) (ThreadResult, error) {
	var tf ThreadFetcher
	var name string
	p.mu.Lock()
	for _, e := range p.entries {
		f, ok := e.c.(ThreadFetcher)
		if !ok || e.c.Platform() != m.Platform {
			continue
		}
		if tf == nil || e.c.Name() == m.Connector {
			tf, name = f, e.c.Name()
		}
	}
	p.mu.Unlock()
	if tf == nil {
		return ThreadResult{}, fmt.Errorf("%s: %w", m.Platform, ErrNoThreadFetcher)
	}
	res := ThreadResult{Connector: name}
	fctx, cancel := context.WithTimeout(ctx, p.opts.FetchTimeout)
	th, err := tf.FetchThread(fctx, m)
	cancel()
	if err != nil {
		return res, err
	}
	res.Missing = th.Missing
	now := p.opts.Now()
	items := make([]domain.Mention, 0, len(th.Items))
	for _, it := range th.Items {
		if it.Platform != m.Platform || it.NativeID == m.NativeID {
			continue // its own platform only; m itself is stored already
		}
		if it.Connector == "" {
			it.Connector = name
		}
		if it.FetchedAt.IsZero() {
			it.FetchedAt = now
		}
		it.State = domain.OperatorState{Status: domain.StatusDone, FYI: true}
		it.FYIKnown = true
		if store.Validate(&it) != nil {
			continue
		}
		items = append(items, it)
	}
	res.Fetched = len(items)
	if len(items) == 0 {
		return res, nil
	}
	r, err := p.sink.IngestPage("", items, "")
	if err != nil {
		return res, fmt.Errorf("storing the conversation: %w", err)
	}
	res.New = r.New
	slices.Sort(res.Missing)
	res.Missing = slices.Compact(res.Missing)
	return res, nil
}
