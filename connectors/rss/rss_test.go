package rss

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func read(t testing.TB, name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGoogleAlerts(t *testing.T) {
	ms, err := Decode(read(t, "alerts.xml"), now, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("%d entries", len(ms))
	}
	m := ms[0]
	if m.URL != "https://news.example.com/2026/03/10/acme-recall?ref=feed" {
		t.Fatalf("link not unwrapped: %s", m.URL)
	}
	if m.NativeID != "tag:google.com,2013:googlealerts/feed:1111111111111111111" || m.Platform != domain.PlatformNews || m.Kind != domain.KindNews {
		t.Fatalf("mention %+v", m)
	}
	if !strings.HasPrefix(m.Text, "Acme recalls Rocket Skates over brake fault\n\nThe company said Acme customers") {
		t.Fatalf("text %q", m.Text)
	}
	if m.Author.Handle != "news.example.com" || m.Author.Name != "" {
		t.Fatalf("author %+v", m.Author)
	}
	if !m.CreatedAt.Equal(time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("created %v", m.CreatedAt)
	}
	if ms[1].Author.Handle != "markets.example" || !strings.HasPrefix(ms[1].Text, "Analysts on Acme's quarter") {
		t.Fatalf("second %+v", ms[1])
	}
}

func TestRSSWithAndWithoutGUID(t *testing.T) {
	ms, err := Decode(read(t, "nieuws.xml"), now, "en")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 {
		t.Fatalf("%d entries", len(ms))
	}
	if ms[0].NativeID != "nb-98765" || ms[0].Lang != "nl" || ms[0].Text != "Acme opent distributiecentrum bij Utrecht\n\nHet bedrijf verwacht 200 banen." {
		t.Fatalf("first %+v", ms[0])
	}
	if ms[0].Author.Handle != "nieuwsblad.example" || ms[0].Author.Name != "Nieuwsblad Digitaal" {
		t.Fatalf("author %+v", ms[0].Author)
	}
	if !ms[0].CreatedAt.Equal(time.Date(2026, 3, 10, 7, 0, 0, 0, time.UTC)) {
		t.Fatalf("created %v", ms[0].CreatedAt)
	}
	if ms[1].NativeID != "https://nieuwsblad.example/tech/acme-storing" {
		t.Fatalf("keyed by %q, want the link", ms[1].NativeID)
	}
	if !ms[2].CreatedAt.Equal(now) || !strings.Contains(ms[2].Text, "\u202E") {
		t.Fatalf("undated/hostile %+v", ms[2])
	}
}

func TestUnwrap(t *testing.T) {
	cases := map[string]string{
		"https://www.google.com/url?rct=j&sa=t&url=https://a.example/x%3Fy%3D1&ct=ga": "https://a.example/x?y=1",
		"https://www.google.nl/url?q=https://b.example/&sa=U":                         "https://b.example/",
		"https://www.google.com/url?url=javascript:alert(1)":                          "https://www.google.com/url?url=javascript:alert(1)",
		"https://evil.example/url?url=https://a.example/":                             "https://evil.example/url?url=https://a.example/",
		"https://a.example/story":                                                     "https://a.example/story",
		"":                                                                            "",
	}
	for in, want := range cases {
		if got := Unwrap(in); got != want {
			t.Errorf("Unwrap(%q) = %q, want %q", in, got, want)
		}
	}
}

type feedServer struct {
	mu    sync.Mutex
	body  []byte
	etag  string
	code  int
	hits  int
	cond  int // requests answered 304
	slow  bool
	extra http.Header
}

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits++
	if f.slow {
		f.mu.Unlock()
		<-r.Context().Done()
		f.mu.Lock()
		return
	}
	for k, v := range f.extra {
		w.Header()[k] = v
	}
	if f.code != 0 {
		w.WriteHeader(f.code)
		return
	}
	if f.etag != "" && r.Header.Get("If-None-Match") == f.etag {
		f.cond++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if f.etag != "" {
		w.Header().Set("ETag", f.etag)
	}
	w.Write(f.body)
}

func TestFetchConditionalAndErrors(t *testing.T) {
	fs := &feedServer{body: read(t, "alerts.xml"), etag: `"v1"`}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	c := New("news", srv.URL, nil)
	ctx := context.Background()
	p, err := c.Fetch(ctx, "")
	if err != nil || len(p.Items) != 2 || p.Cursor == "" || p.More {
		t.Fatalf("%+v %v", p, err)
	}
	p2, err := c.Fetch(ctx, p.Cursor)
	if err != nil || len(p2.Items) != 0 || p2.Cursor != p.Cursor || fs.cond != 1 {
		t.Fatalf("conditional: %+v %v (304s %d)", p2, err, fs.cond)
	}
	fs.etag = `"v2"`
	if p3, err := c.Fetch(ctx, p.Cursor); err != nil || len(p3.Items) != 2 || p3.Cursor == p.Cursor {
		t.Fatalf("changed feed: %+v %v", p3, err)
	}

	for code, want := range map[int]error{401: connectors.ErrAuth, 404: connectors.ErrPermanent, 503: connectors.ErrUnavailable, 429: connectors.ErrRateLimited} {
		fs.code = code
		fs.extra = http.Header{"Retry-After": {"120"}}
		_, err := c.Fetch(ctx, "")
		if !errors.Is(err, want) {
			t.Fatalf("HTTP %d: %v", code, err)
		}
		var rl *connectors.RateLimitError
		if code == 429 && (!errors.As(err, &rl) || rl.Reset.Before(time.Now().Add(100*time.Second))) {
			t.Fatalf("429 reset: %v", err)
		}
	}
	fs.code, fs.extra = 0, nil
	fs.body = []byte("<html><body>not a feed</body></html>")
	if _, err := c.Fetch(ctx, ""); !errors.Is(err, connectors.ErrBadPayload) {
		t.Fatalf("not a feed: %v", err)
	}
	fs.body = read(t, "alerts.xml")[:700]
	if _, err := c.Fetch(ctx, ""); !errors.Is(err, connectors.ErrBadPayload) {
		t.Fatalf("truncated feed: %v", err)
	}
	fs.body = append([]byte("<rss><channel>"), make([]byte, MaxBody)...)
	if _, err := c.Fetch(ctx, ""); !errors.Is(err, connectors.ErrTooLarge) {
		t.Fatalf("oversized: %v", err)
	}
	fs.slow = true
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.Fetch(tctx, ""); !errors.Is(err, context.DeadlineExceeded) || !connectors.Retryable(err) {
		t.Fatalf("timeout: %v", err)
	}
	if _, err := c.Send(ctx, connectors.Message{Text: "hi"}); !errors.Is(err, connectors.ErrPermanent) {
		t.Fatal("send to a feed accepted")
	}
}

func TestFactory(t *testing.T) {
	spec := connectors.Spec{Name: "news", Decode: func(v any) error { v.(*Settings).URL = "https://www.google.com/alerts/feeds/1/2"; return nil }}
	if c, err := Factory(spec); err != nil || c.Platform() != domain.PlatformNews {
		t.Fatal(err)
	}
	spec.Decode = func(v any) error { v.(*Settings).URL = "file:///etc/passwd"; return nil }
	if _, err := Factory(spec); err == nil {
		t.Fatal("file URL accepted")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(read(f, "alerts.xml"))
	f.Add(read(f, "nieuws.xml"))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"https://a.example/1","title":"t"}]}`))
	f.Add([]byte(`<rss><channel><item><title>x</title></item></channel></rss>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ms, err := Decode(body, now, "")
		if err != nil {
			if !errors.Is(err, connectors.ErrBadPayload) {
				t.Fatalf("error kind %v", err)
			}
			return
		}
		for _, m := range ms {
			if m.NativeID == "" || len(m.NativeID) > 512 || m.Author.Handle == "" || m.CreatedAt.IsZero() {
				t.Fatalf("unstorable mention %+v", m)
			}
		}
	})
}
