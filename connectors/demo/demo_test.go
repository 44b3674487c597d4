package demo

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/safetext"
)

var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func TestHistoryDeterministic(t *testing.T) {
	a := History(7, t0, 6)
	b := History(7, t0, 6)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different history")
	}
	c := History(8, t0, 6)
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same history")
	}
	if History(7, t0, 0) != nil {
		t.Fatal("zero hours should give nothing")
	}
}

func TestHistoryShape(t *testing.T) {
	h := History(1, t0, 48)
	if len(h) < 1500 || len(h) > 6000 {
		t.Fatalf("48 hours gave %d mentions, want a few thousand", len(h))
	}
	seen := map[string]domain.Mention{}
	platforms := map[domain.Platform]int{}
	langs := map[string]int{}
	bands := map[domain.Band]int{}
	var replies, verified, hostile int
	byHour := map[int]int{}
	for i, m := range h {
		if i > 0 && m.CreatedAt.Before(h[i-1].CreatedAt) {
			t.Fatalf("history not in time order at %d", i)
		}
		if m.CreatedAt.After(t0) || m.CreatedAt.Before(t0.Add(-48*time.Hour)) {
			t.Fatalf("mention at %v outside the window", m.CreatedAt)
		}
		if !m.Platform.Valid() || !m.Kind.Valid() || m.NativeID == "" || m.Author.Handle == "" || m.Text == "" || m.URL == "" {
			t.Fatalf("incomplete mention %+v", m)
		}
		if _, dup := seen[m.Key()]; dup {
			t.Fatalf("duplicate key %s", m.Key())
		}
		if m.InReplyTo != "" {
			parent, ok := seen[domain.MentionKey(m.Platform, m.InReplyTo)]
			if !ok {
				t.Fatalf("reply %s to unknown or later parent %s", m.Key(), m.InReplyTo)
			}
			if m.Thread != parent.Thread {
				t.Fatalf("reply thread %s, parent thread %s", m.Thread, parent.Thread)
			}
			replies++
		}
		seen[m.Key()] = m
		platforms[m.Platform]++
		langs[m.Lang]++
		bands[m.Band()]++
		if m.Author.Verified {
			verified++
		}
		if !safetext.Safe(m.Text) {
			hostile++
		}
		byHour[m.CreatedAt.In(time.FixedZone("CET", 3600)).Hour()]++
	}
	for _, p := range domain.Platforms {
		if platforms[p] < len(h)/30 {
			t.Errorf("platform %s has only %d mentions", p, platforms[p])
		}
	}
	if langs["en"] < len(h)/3 || langs["nl"] < len(h)/8 {
		t.Errorf("language mix %v", langs)
	}
	for _, b := range domain.Bands {
		if bands[b] < len(h)/10 {
			t.Errorf("sentiment band %s has %d of %d", b, bands[b], len(h))
		}
	}
	if replies < len(h)/10 {
		t.Errorf("only %d replies", replies)
	}
	if verified == 0 {
		t.Error("no verified authors")
	}
	if hostile != len(hostileTexts) {
		t.Errorf("%d hostile texts, want %d", hostile, len(hostileTexts))
	}
	if night, evening := byHour[3]+byHour[4], byHour[19]+byHour[20]; evening < 3*night {
		t.Errorf("no daily rhythm: 03-05h %d, 19-21h %d", night, evening)
	}
}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func fetchAll(t *testing.T, c *Connector, cursor string) ([]domain.Mention, string) {
	t.Helper()
	var out []domain.Mention
	for {
		p, err := c.Fetch(context.Background(), cursor)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Items...)
		cursor = p.Cursor
		if !p.More {
			return out, cursor
		}
	}
}

// TestLiveOpensAtStart: the first fetch, at the stream's start, already
// has mentions (the poller fetches at start; a new store is not left
// empty until the next round), none dated after now.
func TestLiveOpensAtStart(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	clk := &clock{t0}
	c := New(Options{Seed: 5, Start: t0, Now: clk.now})
	first, cur := fetchAll(t, c, "")
	if len(first) != Opening {
		t.Fatalf("first fetch at start gave %d mentions, want %d", len(first), Opening)
	}
	for _, m := range first {
		if m.CreatedAt.After(t0) {
			t.Fatalf("%s dated %v, after now", m.Key(), m.CreatedAt)
		}
	}
	if again, _ := fetchAll(t, c, cur); len(again) != 0 {
		t.Fatalf("refetch at start gave %d more", len(again))
	}
	if c.DefaultEvery() <= 0 || c.DefaultEvery() > 5*time.Second {
		t.Fatalf("default schedule %v: the stream brings a mention every few seconds", c.DefaultEvery())
	}
}

func TestLiveImpersonationScript(t *testing.T) {
	clk := &clock{t0}
	c := New(Options{Seed: 3, Start: t0, Now: clk.now})
	clk.t = t0.Add(59 * time.Second)
	early, cur := fetchAll(t, c, "")
	if len(early) < 5 || len(early) > 40 {
		t.Fatalf("first minute gave %d mentions, want one every few seconds", len(early))
	}
	for _, m := range early {
		if strings.Contains(m.Author.Handle, "acme_support_official") {
			t.Fatal("impostor posted before a minute")
		}
		if m.CreatedAt.After(clk.t) {
			t.Fatalf("mention from the future: %v", m.CreatedAt)
		}
	}
	clk.t = t0.Add(5 * time.Minute)
	later, _ := fetchAll(t, c, cur)
	var impostor []domain.Mention
	var aboutFree int
	for _, m := range later {
		if m.Author.Handle == ImpostorHandle {
			impostor = append(impostor, m)
		}
		if strings.Contains(strings.ToLower(m.Text), "free") || strings.Contains(m.Text, "gratis") || strings.Contains(m.Text, "acme_support_official") {
			aboutFree++
		}
	}
	if len(impostor) != 3 {
		t.Fatalf("impostor posted %d times, want 3", len(impostor))
	}
	if got := impostor[0].CreatedAt.Sub(t0); got != ImpersonationAt {
		t.Errorf("impostor first posted at +%v", got)
	}
	if !strings.Contains(impostor[0].Text, "FREE") {
		t.Errorf("impostor text %q makes no free claim", impostor[0].Text)
	}
	// The four minutes after it carry a surge: far more than the baseline.
	if perMin := len(later) / 4; perMin < 3*len(early) {
		t.Errorf("no surge: %d per minute after, %d in the first minute", perMin, len(early))
	}
	if aboutFree < 100 {
		t.Errorf("only %d mentions about the free claim", aboutFree)
	}
}

func TestLiveOutageAndLeak(t *testing.T) {
	clk := &clock{t0}
	c := New(Options{Seed: 4, Start: t0, Now: clk.now, Speed: 60})
	clk.t = t0.Add(Cycle / 60)
	all, _ := fetchAll(t, c, "")
	var outage, leak int
	for _, m := range all {
		sim := m.CreatedAt.Sub(t0) * 60
		low := strings.ToLower(m.Text)
		switch {
		case sim >= OutageAt && sim < OutageAt+7*time.Minute && (strings.Contains(low, "down") || strings.Contains(low, "storing") || strings.Contains(low, "uit?") || strings.Contains(low, "503") || strings.Contains(low, "failing")):
			outage++
		case sim >= LeakAt && (strings.Contains(low, "leak") || strings.Contains(low, "gelekt")):
			leak++
		}
	}
	if outage < 100 || leak < 60 {
		t.Fatalf("outage mentions %d, leak mentions %d", outage, leak)
	}
}

func TestLiveDeterministicAndPaged(t *testing.T) {
	clk := &clock{t0.Add(3 * time.Minute)}
	a := New(Options{Seed: 9, Start: t0, Now: clk.now})
	b := New(Options{Seed: 9, Start: t0, Now: clk.now, PageSize: 7})
	x, curA := fetchAll(t, a, "")
	y, curB := fetchAll(t, b, "")
	if !reflect.DeepEqual(x, y) || curA != curB {
		t.Fatalf("same seed, different paging: %d vs %d items", len(x), len(y))
	}
	keys := map[string]bool{}
	for _, m := range x {
		if keys[m.Key()] {
			t.Fatalf("duplicate %s", m.Key())
		}
		keys[m.Key()] = true
		if m.Connector != "demo" {
			t.Fatalf("connector %q", m.Connector)
		}
	}
	// Nothing new without time passing.
	p, err := a.Fetch(context.Background(), curA)
	if err != nil || len(p.Items) != 0 || p.More || p.Cursor != curA {
		t.Fatalf("refetch gave %d items, more=%v, cursor %q (want %q), %v", len(p.Items), p.More, p.Cursor, curA, err)
	}
	// A cursor of another run starts from the beginning.
	p, _ = a.Fetch(context.Background(), "abc:5")
	if len(p.Items) == 0 || p.Items[0].Key() != x[0].Key() {
		t.Fatal("foreign cursor did not restart the stream")
	}
	// History ids never collide with live ids.
	for _, m := range History(9, t0, 2) {
		if keys[m.Key()] {
			t.Fatalf("history and live share %s", m.Key())
		}
	}
}

func TestSends(t *testing.T) {
	clk := &clock{t0}
	c := New(Options{Seed: 1, Start: t0, Now: clk.now})
	to := domain.Mention{Platform: domain.PlatformX, NativeID: "1", Author: domain.Author{Handle: "@someone"}}
	for refusesDMs(to.Author.Handle) {
		to.Author.Handle += "x"
	}
	var ok, limited, unavailable int
	for i := 1; i <= 35; i++ {
		msg := connectors.Message{IdempotencyKey: "k" + string(rune('a'+i)), Visibility: domain.VisibilityPrivate, Text: "Hi, sorry about that", InReplyTo: to}
		res, err := c.Send(context.Background(), msg)
		var rl *connectors.RateLimitError
		switch {
		case err == nil:
			ok++
			if res.RemoteID == "" {
				t.Fatal("success without remote id")
			}
		case errors.As(err, &rl):
			limited++
			if i%5 != 0 || !rl.Reset.After(t0) {
				t.Fatalf("attempt %d rate limited (reset %v)", i, rl.Reset)
			}
		case errors.Is(err, connectors.ErrUnavailable):
			unavailable++
			if !connectors.Retryable(err) {
				t.Fatal("unavailable not retryable")
			}
		default:
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if limited != 7 || unavailable != 4 || ok != 24 {
		t.Fatalf("ok %d, limited %d, unavailable %d", ok, limited, unavailable)
	}
	// Replaying a key that succeeded returns the first result, once sent.
	first := c.Sends()[0]
	res, err := c.Send(context.Background(), first.Msg)
	if err != nil || res != first.Result {
		t.Fatalf("replay: %v %v", res, err)
	}
	if got := c.Delivered(); got != 24 {
		t.Fatalf("delivered %d", got)
	}
	if s := c.Sends(); len(s) != 36 || !s[35].Replay {
		t.Fatalf("%d sends recorded", len(s))
	}
	if _, found, _ := c.Lookup(context.Background(), first.Msg); !found {
		t.Fatal("lookup did not find a delivered message")
	}
	// Empty text is refused for good.
	if _, err := c.Send(context.Background(), connectors.Message{Text: " ", InReplyTo: to}); !errors.Is(err, connectors.ErrPermanent) {
		t.Fatalf("empty message: %v", err)
	}
}

func TestSomeAuthorsRefuseDMs(t *testing.T) {
	c := New(Options{Seed: 1})
	var refused int
	for _, m := range History(1, t0, 3) {
		if refusesDMs(m.Author.Handle) {
			refused++
			// Attempts 5 and 7 are scripted failures; use a fresh connector.
			c = New(Options{Seed: 1})
			_, err := c.Send(context.Background(), connectors.Message{Visibility: domain.VisibilityPrivate, Text: "hi", InReplyTo: m})
			if !errors.Is(err, connectors.ErrCannotDM) {
				t.Fatalf("want cannot-DM for %s, got %v", m.Author.Handle, err)
			}
		}
	}
	if refused == 0 {
		t.Fatal("no author refuses DMs")
	}
}
