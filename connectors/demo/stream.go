package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

// StreamTexts are what the simulated keyword streams find: posts about
// the brand (or a rival) that nobody addressed to its accounts.
var StreamTexts = map[string][]string{
	"brand": {
		"anyone else seeing acme deliveries late this week?",
		"the new acme app update is actually good",
		"acme pharmacy in town closed early again #acmefail",
		"comparing acme and globex prices, acme wins on shipping",
		"acme support took 3 days to answer, never again #acmefail",
		"ik heb net bij acme besteld, benieuwd",
		"is the acme outage over? checkout keeps failing",
		"love the acme loyalty points",
	},
	"rivals": {
		"globex raised prices again",
		"switched from globex to initech, much faster",
		"globex app is down for me",
		"initech customer service was lovely today",
	},
}

// Stream is a simulated stream search: a connector whose Fetch returns
// the posts "found" since the last fetch (about one every Every of
// simulated time), with Mention.Stream set. Safe for concurrent use.
type Stream struct {
	name, stream string
	every        time.Duration
	now          func() time.Time

	mu   sync.Mutex
	r    *rand.Rand
	last time.Time
	n    int
}

// NewStream simulates the search of stream (its texts from StreamTexts)
// with a post about every `every`.
func NewStream(stream string, seed int64, every time.Duration) *Stream {
	return &Stream{name: connectors.StreamName(stream, "demo"), stream: stream, every: every, now: time.Now,
		r: rand.New(rand.NewPCG(uint64(seed), uint64(len(stream))))}
}

func (s *Stream) Name() string              { return s.name }
func (s *Stream) Platform() domain.Platform { return "" }
func (s *Stream) Health() connectors.Health { return connectors.Health{State: connectors.HealthOK} }
func (s *Stream) Send(context.Context, connectors.Message) (connectors.SendResult, error) {
	return connectors.SendResult{}, connectors.ErrStreamSend
}

// DefaultEvery implements connectors.Scheduler.
func (s *Stream) DefaultEvery() time.Duration { return DefaultEvery }

// Fetch returns the posts due since the last fetch (an opening few on
// the first).
func (s *Stream) Fetch(_ context.Context, _ string) (connectors.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var items []domain.Mention
	if s.last.IsZero() {
		for i := 3; i > 0; i-- {
			items = append(items, s.item(now.Add(-time.Duration(i)*7*time.Minute)))
		}
		s.last = now
	}
	for at := s.last.Add(time.Duration(float64(s.every) * (0.5 + s.r.Float64()))); !at.After(now); at = at.Add(time.Duration(float64(s.every) * (0.5 + s.r.Float64()))) {
		items = append(items, s.item(at))
		s.last = at
	}
	return connectors.Page{Items: items, Cursor: fmt.Sprint(s.n)}, nil
}

// item is one simulated post at at.
func (s *Stream) item(at time.Time) domain.Mention {
	s.n++
	texts := StreamTexts[s.stream]
	if len(texts) == 0 {
		texts = StreamTexts["brand"]
	}
	text := texts[s.r.IntN(len(texts))]
	p := []domain.Platform{domain.PlatformMastodon, domain.PlatformBluesky, domain.PlatformX, domain.PlatformReddit}[s.r.IntN(4)]
	who := fmt.Sprintf("%s%d", []string{"sam", "noor", "lee", "kim", "joost", "ada"}[s.r.IntN(6)], s.r.IntN(900)+100)
	handle := "@" + who
	switch p {
	case domain.PlatformMastodon:
		handle += "@social.example"
	case domain.PlatformBluesky:
		handle = who + ".bsky.social"
	case domain.PlatformReddit:
		handle = "u/" + who
	}
	sentiment := 0.0
	switch {
	case strings.Contains(text, "#acmefail") || strings.Contains(text, "never again") || strings.Contains(text, "down") || strings.Contains(text, "failing"):
		sentiment = -0.6
	case strings.Contains(text, "love") || strings.Contains(text, "good") || strings.Contains(text, "lovely") || strings.Contains(text, "wins"):
		sentiment = 0.6
	}
	lang := "en"
	if strings.HasPrefix(text, "ik ") {
		lang = "nl"
	}
	return domain.Mention{Platform: p, NativeID: fmt.Sprintf("stream-%s-%d-%d", s.stream, at.Unix(), s.n), Kind: domain.KindMention,
		Author: domain.Author{Handle: handle, Name: strings.ToUpper(who[:1]) + who[1:], Followers: int64(s.r.IntN(4000))},
		Text:   text, Lang: lang, CreatedAt: at.UTC(), Sentiment: sentiment, Stream: s.stream, Connector: s.name}
}
