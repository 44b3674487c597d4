package connectors

import (
	"context"
	"fmt"
	"strings"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// LookalikeOptions turn on the look-alike watch: every connector that is
// an AccountSearcher searches its platform's accounts for each of Names
// (the brand's name and handles) every Every (default 30 min), and the
// accounts Check calls suspect (the detector's look-alike rules) go to
// the sink's RecordLookalikes, which alerts each once and flags it.
type LookalikeOptions struct {
	Names []string
	Check func(domain.Author) (suspect bool, reason string)
	Every time.Duration
}

// LookalikeSink is a Sink that keeps look-alike finds (*store.Store).
type LookalikeSink interface {
	RecordLookalikes(connector string, p domain.Platform, found []store.Lookalike) ([]domain.AccountAlert, error)
}

// DefaultLookalikeEvery is the look-alike search's default schedule.
const DefaultLookalikeEvery = 30 * time.Minute

// LookalikeQueries are the searches for a brand: its name and each
// handle's local part (without "@" and server), once each.
func LookalikeQueries(name string, handles []string) []string {
	var out []string
	add := func(q string) {
		q = strings.TrimSpace(q)
		for _, o := range out {
			if strings.EqualFold(o, q) {
				return
			}
		}
		if len(q) >= 3 {
			out = append(out, q)
		}
	}
	add(name)
	for _, h := range handles {
		h = strings.TrimPrefix(strings.TrimSpace(h), "@")
		h, _, _ = strings.Cut(h, "@")
		if i := strings.IndexByte(h, '.'); i > 0 { // acme.bsky.social
			h = h[:i]
		}
		add(h)
	}
	return out
}

// lookalike runs the look-alike search through e's connector when it can
// search accounts and the search is due.
func (p *Poller) lookalike(ctx context.Context, e *entry, res *RoundResult) error {
	lo := p.opts.Lookalike
	as, ok := e.c.(AccountSearcher)
	sink, ok2 := p.sink.(LookalikeSink)
	if lo == nil || lo.Check == nil || len(lo.Names) == 0 || !ok || !ok2 {
		return nil
	}
	every := lo.Every
	if every <= 0 {
		every = DefaultLookalikeEvery
	}
	now := p.opts.Now()
	if !e.lookedAt.IsZero() && now.Sub(e.lookedAt) < every {
		return nil
	}
	var found []store.Lookalike
	seen := map[string]bool{}
	for _, q := range lo.Names {
		fctx, cancel := context.WithTimeout(ctx, p.opts.FetchTimeout)
		accounts, err := as.SearchAccounts(fctx, q)
		cancel()
		if err != nil {
			return fmt.Errorf("look-alike search: %w", err)
		}
		for _, a := range accounts {
			k := strings.ToLower(a.Handle)
			if seen[k] {
				continue
			}
			seen[k] = true
			if sus, why := lo.Check(a); sus {
				found = append(found, store.Lookalike{Author: a, Reason: why})
			}
		}
	}
	e.lookedAt = now
	alerts, err := sink.RecordLookalikes(e.c.Name(), e.c.Platform(), found)
	if err != nil {
		return fmt.Errorf("storing look-alikes: %w", err)
	}
	res.Alerts = append(res.Alerts, alerts...)
	return nil
}
