package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"switchboard/store"
)

// miniMastodon serves /api/v1/notifications with min_id paging over
// fixed-width opaque ids, newest first, optionally slowly.
type miniMastodon struct {
	mu    sync.Mutex
	n     int
	delay time.Duration
	pages int
	// limitedUntil, when set, answers 429 with this X-RateLimit-Reset.
	limitedUntil string
}

func (m *miniMastodon) add(k int) { m.mu.Lock(); m.n += k; m.mu.Unlock() }

func nid(i int) string { return fmt.Sprintf("01J%023d", i) }

func (m *miniMastodon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer tok-123" {
		w.WriteHeader(401)
		w.Write([]byte(`{"error":"The access token is invalid"}`))
		return
	}
	// the hijack watch's look at the account: no posts, a steady profile
	switch {
	case r.URL.Path == "/api/v1/accounts/verify_credentials":
		w.Write([]byte(`{"id":"1","username":"acme","acct":"acme","display_name":"Acme","note":"","avatar":"","fields":[]}`))
		return
	case strings.HasPrefix(r.URL.Path, "/api/v1/accounts/"):
		w.Write([]byte(`[]`))
		return
	case r.URL.Path == "/api/v2/search":
		// the look-alike watch's account search: nobody like the brand
		w.Write([]byte(`{"accounts":[],"statuses":[],"hashtags":[]}`))
		return
	}
	m.mu.Lock()
	n, delay, until := m.n, m.delay, m.limitedUntil
	m.pages++
	m.mu.Unlock()
	if until != "" {
		w.Header().Set("X-RateLimit-Limit", "300")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", until)
		w.WriteHeader(429)
		w.Write([]byte(`{"error":"Too many requests"}`))
		return
	}
	time.Sleep(delay)
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	var ids []int
	if min := r.URL.Query().Get("min_id"); min != "" {
		for i := 1; i <= n && len(ids) < limit; i++ {
			if nid(i) > min {
				ids = append(ids, i)
			}
		}
	} else {
		for i := max(1, n-limit+1); i <= n; i++ {
			ids = append(ids, i)
		}
	}
	page := []map[string]any{}
	for k := len(ids) - 1; k >= 0; k-- {
		i := ids[k]
		page = append(page, map[string]any{"id": nid(i), "type": "mention", "created_at": "2026-03-10T12:00:00.000Z",
			"status": map[string]any{"id": "S" + nid(i), "created_at": time.Date(2026, 3, 10, 12, 0, i%60, 0, time.UTC).Format(time.RFC3339),
				"visibility": "public", "content": fmt.Sprintf("<p>@acme help %d</p>", i), "uri": "https://m.example/s/" + strconv.Itoa(i),
				"account": map[string]any{"id": "7", "username": "alice", "acct": "alice", "display_name": "Alice", "followers_count": 12}}})
	}
	json.NewEncoder(w).Encode(page)
}

const feedXML = `<?xml version="1.0"?><rss version="2.0"><channel><title>Tech Courant</title>
<item><title>Acme recalls skates</title><link>https://tc.example/1</link><guid>tc-1</guid><pubDate>Tue, 10 Mar 2026 08:00:00 GMT</pubDate></item>
<item><title>Acme opens store</title><link>https://tc.example/2</link><guid>tc-2</guid><pubDate>Tue, 10 Mar 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func countMentions(t *testing.T, db string) map[string]int {
	t.Helper()
	s, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := map[string]int{}
	after := ""
	for {
		pg, err := s.Query(store.Filter{}, after, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pg.Mentions {
			seen[m.Key()]++
		}
		if pg.Next == "" {
			return seen
		}
		after = pg.Next
	}
}

// okLine matches poll --once's line for a connector that fetched: the
// counts, then its health with the time of its last success.
func okLine(name, counts string) string {
	return `^` + regexp.QuoteMeta(name+": "+counts) + ` \(ok, last success \d\d:\d\d:\d\d\)$`
}

func matchLines(t *testing.T, what, out string, want ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%s: %d lines, want %d:\n%s", what, len(lines), len(want), out)
	}
	for i, re := range want {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Fatalf("%s: line %q does not match %s", what, lines[i], re)
		}
	}
}

func TestPollOnce(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("TZ", "UTC")
	t.Setenv("SB_TEST_MASTODON_TOKEN", "tok-123")
	mast := &miniMastodon{n: 3}
	ms := httptest.NewServer(mast)
	defer ms.Close()
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(feedXML)) }))
	defer feed.Close()
	cfg := writeConfig(t, fmt.Sprintf(`brand:
  name: Acme
connectors:
  - name: mastodon-main
    type: mastodon
    server: %s
    token_env: SB_TEST_MASTODON_TOKEN
    every: 60s
  - name: news
    type: rss
    url: %s/feed
`, ms.URL, feed.URL))
	db := filepath.Join(t.TempDir(), "sb.db")

	r := run(t, "", "poll", "--once", "--config", cfg, "--db", db)
	if r.code != 0 {
		t.Fatalf("first poll: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	matchLines(t, "first poll", r.stdout, okLine("mastodon-main", "3 new, 0 duplicates"), okLine("news", "2 new, 0 duplicates"))
	mast.add(2)
	r = run(t, "", "poll", "--once", "--config", cfg, "--db", db)
	if r.code != 0 {
		t.Fatalf("second poll: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	matchLines(t, "second poll", r.stdout, okLine("mastodon-main", "2 new, 0 duplicates"), okLine("news", "0 new, 2 duplicates"))
	if n := len(countMentions(t, db)); n != 7 {
		t.Fatalf("%d mentions stored", n)
	}

	// A failing connector: its error, the others still polled, exit 1.
	t.Setenv("SB_TEST_MASTODON_TOKEN", "wrong-SECRET")
	r = run(t, "", "poll", "--once", "--config", cfg, "--db", db)
	if r.code != 1 || !strings.Contains(r.stdout, "mastodon-main: error: ") || !strings.Contains(r.stdout, "authentication failed") ||
		!strings.Contains(r.stdout, "news: 0 new, 2 duplicates") || strings.Contains(r.stdout+r.stderr, "wrong-SECRET") {
		t.Fatalf("auth failure: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	matchLines(t, "auth failure", r.stdout, `^mastodon-main: error: .*authentication failed.* \(auth failed\)$`, okLine("news", "0 new, 2 duplicates"))

	// Rate-limited: the state with the time the limit ends.
	t.Setenv("SB_TEST_MASTODON_TOKEN", "tok-123")
	mast.mu.Lock()
	mast.limitedUntil = "2026-03-10T10:05:00.000Z"
	mast.mu.Unlock()
	r = run(t, "", "poll", "--once", "--config", cfg, "--db", db)
	if r.code != 1 {
		t.Fatalf("rate limited: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	matchLines(t, "rate limited", r.stdout, `^mastodon-main: error: .* \(rate-limited until 10:05:00\)$`, okLine("news", "0 new, 2 duplicates"))
}

func TestPollConfigErrors(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	db := filepath.Join(t.TempDir(), "sb.db")
	cases := []struct{ cfg, want string }{
		{"connectors:\n  - name: a\n    type: myspace\n", `config.yaml: line 2: connector a: unknown type "myspace" (known: `},
		{"connectors:\n  - name: m\n    type: mastodon\n    server: https://m.example\n    token_env: SB_TEST_UNSET_VAR\n", "SB_TEST_UNSET_VAR is not set"},
		{"connectors:\n  - name: m\n    type: mastodon\n    token: hunter2\n", "line 4: token: secrets do not go in the config file"},
		{"connectors:\n  - name: n\n    type: rss\n    url: https://x.example/f\n    every: 1 minute\n", "line 5: every"},
		{"brand:\n  name: Acme\n", "no connectors configured"},
	}
	for _, tc := range cases {
		r := run(t, "", "poll", "--once", "--config", writeConfig(t, tc.cfg), "--db", db)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "hunter2") {
			t.Errorf("config %q: code %d, stderr %q, want %q", tc.cfg, r.code, r.stderr, tc.want)
		}
	}
	if r := run(t, "", "poll", "--once", "--config", filepath.Join(t.TempDir(), "missing.yaml"), "--db", db); r.code != 1 {
		t.Errorf("missing explicit config: code %d", r.code)
	}
}

// TestPollRestart kills a running `poll` in the middle of paging and
// starts it again: every mention is stored exactly once.
func TestPollRestart(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("SB_TEST_MASTODON_TOKEN", "tok-123")
	mast := &miniMastodon{n: 5}
	ms := httptest.NewServer(mast)
	defer ms.Close()
	cfg := writeConfig(t, fmt.Sprintf("connectors:\n  - name: m\n    type: mastodon\n    server: %s\n    token_env: SB_TEST_MASTODON_TOKEN\n    limit: 20\n", ms.URL))
	db := filepath.Join(t.TempDir(), "sb.db")
	r0 := run(t, "", "poll", "--once", "--config", cfg, "--db", db)
	matchLines(t, "first", r0.stdout, okLine("m", "5 new, 0 duplicates"))
	mast.add(200)
	mast.mu.Lock()
	mast.delay, mast.pages = 150*time.Millisecond, 0
	mast.mu.Unlock()
	cmd := exec.Command(binary(t), "poll", "--config", cfg, "--db", db)
	cmd.Env = os.Environ()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mast.mu.Lock()
		p := mast.pages
		mast.mu.Unlock()
		if p >= 4 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("poll never paged")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL) // mid-page: a request is in flight
	cmd.Wait()
	mid := len(countMentions(t, db))
	if mid <= 5 || mid >= 205 {
		t.Fatalf("%d stored when killed; want a partial run", mid)
	}
	mast.mu.Lock()
	mast.delay = 0
	mast.mu.Unlock()
	r := run(t, "", "poll", "--once", "--config", cfg, "--db", db)
	if r.code != 0 {
		t.Fatalf("restart: %q %q", r.stdout, r.stderr)
	}
	matchLines(t, "restart", r.stdout, okLine("m", fmt.Sprintf("%d new, 0 duplicates", 205-mid)))
	seen := countMentions(t, db)
	if len(seen) != 205 {
		t.Fatalf("%d mentions after restart", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("%s stored %d times", k, n)
		}
	}
}
