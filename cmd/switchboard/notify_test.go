package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/notify"
)

// TestNotificationsSurviveAKill: serve with a Slack-shaped target and a
// signed webhook; an approval request over ssh reaches each once, with a
// signature the receiver verifies; after kill -9 and a restart nothing is
// sent again, and the next event arrives once. notify test sends a sample.
func TestNotificationsSurviveAKill(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh is not installed: the SSH end-to-end test needs OpenSSH's ssh (apt-get install openssh-client)")
	}
	var mu sync.Mutex
	var slack, hook []string
	slackSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Text string }
		if json.NewDecoder(r.Body).Decode(&body) != nil || body.Text == "" {
			http.Error(w, "want {\"text\": …}", http.StatusBadRequest)
			return
		}
		mu.Lock()
		slack = append(slack, body.Text)
		mu.Unlock()
	}))
	defer slackSrv.Close()
	hookSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Switchboard-Signature") != notify.Sign([]byte("hunter2"), b) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		hook = append(hook, r.Header.Get("X-Switchboard-Delivery"))
		mu.Unlock()
	}))
	defer hookSrv.Close()
	got := func() (int, int) { mu.Lock(); defer mu.Unlock(); return len(slack), len(hook) }

	dir := t.TempDir()
	db, ops, cfg := filepath.Join(dir, "sb.db"), filepath.Join(dir, "ops.yaml"), filepath.Join(dir, "config.yaml")
	priv, pub := writeKeyPair(t, dir, "ana")
	if r := run(t, "", "operators", "add", "ana", "--role", "agent", "--key", pub, "--operators", ops); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	conf := fmt.Sprintf("notify:\n  - name: room\n    type: slack\n    url_env: TEST_SLACK_URL\n    events: [approval]\n  - name: pager\n    type: webhook\n    url: %s\n    secret_env: TEST_HOOK_SECRET\n", hookSrv.URL)
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.jsonl")
	writeMentions(t, in, map[string]any{"platform": "mastodon", "id": "1", "author": map[string]any{"handle": "@kim@social.example"},
		"text": "my order never arrived", "created_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)})
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	env := []string{"TEST_SLACK_URL=" + slackSrv.URL, "TEST_HOOK_SECRET=hunter2"}
	args := []string{"--db", db, "--operators", ops, "--config", cfg, "--host-key", filepath.Join(dir, "hostkey")}
	srv := startServe(t, env, args...)
	wait := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				s, h := got()
				t.Fatalf("%s: slack %d, webhook %d\n%s", what, s, h, srv.logs())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if r := opensshRun(t, srv.addr, priv, "", `reply mastodon:1 --private --text "This was our fault and we are sorry."`); r.code != 0 || !strings.Contains(r.stdout, "awaits approval by legal") {
		t.Fatalf("reply: %+v", r)
	}
	wait("the approval request", func() bool { s, h := got(); return s == 1 && h == 1 })
	mu.Lock()
	if !strings.Contains(slack[0], "waits for approval by legal") {
		t.Errorf("slack text %q", slack[0])
	}
	mu.Unlock()

	// the delivery is recorded a moment after the receiver answers; a
	// kill inside that moment may repeat it (the README says receivers
	// drop a repeated X-Switchboard-Delivery), so give it a second
	time.Sleep(time.Second)
	_ = srv.cmd.Process.Kill() // kill -9
	<-srv.done
	srv = startServe(t, env, args...)
	time.Sleep(3 * time.Second)
	if s, h := got(); s != 1 || h != 1 {
		t.Fatalf("after a restart the event was sent again: slack %d, webhook %d", s, h)
	}
	if r := opensshRun(t, srv.addr, priv, "", `reply mastodon:1 --private --text "Sorry, our fault again."`); r.code != 0 {
		t.Fatalf("second reply: %+v", r)
	}
	wait("the second request", func() bool { s, h := got(); return s == 2 && h == 2 })
	mu.Lock()
	if hook[0] == hook[1] {
		t.Errorf("two events share a delivery id %q", hook[0])
	}
	mu.Unlock()

	// notify test sends at once; an unknown target is a usage error
	r := runEnv(t, env, "", "notify", "test", "pager", "--config", cfg)
	if r.code != 0 || !strings.Contains(r.stdout, "sent a test notification to pager") {
		t.Fatalf("notify test: %+v", r)
	}
	if r := runEnv(t, env, "", "notify", "test", "nope", "--config", cfg); r.code != 2 || !strings.Contains(r.stderr, "room") {
		t.Fatalf("notify test nope: %+v", r)
	}
	if r := run(t, "", "notify", "test", "room", "--config", cfg); r.code != 1 || strings.Contains(r.stderr, slackSrv.URL) || !strings.Contains(r.stderr, "TEST_SLACK_URL is not set") {
		t.Fatalf("notify test without the URL's variable: %+v", r)
	}
}
