package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/store"
)

type receiver struct {
	mu    sync.Mutex
	got   []string // delivery ids or slack texts
	fails int      // answer 503 this many times first
	srv   *httptest.Server
}

func newReceiver(t *testing.T, secret string, fails int) *receiver {
	r := &receiver{fails: fails}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.fails > 0 {
			r.fails--
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if secret != "" {
			if req.Header.Get("X-Switchboard-Signature") != Sign([]byte(secret), body) {
				http.Error(w, "bad signature", http.StatusUnauthorized)
				return
			}
			var ev Event
			if err := json.Unmarshal(body, &ev); err != nil || ev.ID != req.Header.Get("X-Switchboard-Delivery") {
				http.Error(w, "bad body", http.StatusBadRequest)
				return
			}
			r.got = append(r.got, ev.ID)
			return
		}
		var slack struct{ Text string }
		if err := json.Unmarshal(body, &slack); err != nil || slack.Text == "" {
			http.Error(w, "bad slack body", http.StatusBadRequest)
			return
		}
		r.got = append(r.got, slack.Text)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) deliveries() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestQueueDeliversEachEventOnceAndRetries: a Slack target and a signed
// webhook target that fails twice; each gets each event once, the
// failing one after its retries and without holding the other; an event
// published again (a replay) is not sent again; filters apply.
func TestQueueDeliversEachEventOnceAndRetries(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	slack, hook := newReceiver(t, "", 0), newReceiver(t, "s3cret", 2)
	n := &Notifier{St: st, Every: 10 * time.Millisecond, Getenv: func(k string) string {
		return map[string]string{"HOOK_SECRET": "s3cret", "SLACK_URL": slack.srv.URL}[k]
	}, Targets: []config.NotifyTarget{
		{Name: "room", Type: "slack", URLEnv: "SLACK_URL", Events: []string{"incident", "alert"}, MinSeverity: "SEV2"},
		{Name: "pager", Type: "webhook", URL: hook.srv.URL, SecretEnv: "HOOK_SECRET"},
	}}
	// fast retries for the test: the failures are retried at once
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	evs := []Event{
		{ID: "e1", Type: "incident", Severity: "SEV1", Title: "Incident INC-1 declared: <!channel> free insulin"},
		{ID: "e2", Type: "incident", Severity: "SEV3", Title: "minor"},
		{ID: "e3", Type: "approval", Title: "Draft d1 waits for approval by legal"},
	}
	for _, ev := range evs {
		if err := n.Publish(ev, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Publish(evs[0], 0); err != nil { // a replay
		t.Fatal(err)
	}
	// the webhook's first two attempts fail: make them due again at once
	go func() {
		for ctx.Err() == nil {
			time.Sleep(30 * time.Millisecond)
			due, _ := st.DueNotifications("pager", time.Now().Add(time.Hour), 10)
			for _, d := range due {
				if d.Attempts > 0 && d.NextAt.After(time.Now()) {
					st.NotificationFailed(d, time.Now(), d.LastErr)
				}
			}
		}
	}()
	go n.Run(ctx)
	waitFor(t, "the slack target", func() bool { return len(slack.deliveries()) >= 1 })
	waitFor(t, "the webhook after its retries", func() bool { return len(hook.deliveries()) >= 3 })
	time.Sleep(200 * time.Millisecond)
	if got := slack.deliveries(); len(got) != 1 || !strings.Contains(got[0], "[SEV1]") || !strings.Contains(got[0], "&lt;!channel&gt;") {
		t.Fatalf("slack got %q: want the SEV1 incident once, its markup escaped", got)
	}
	if got := hook.deliveries(); strings.Join(got, ",") != "e1,e2,e3" {
		t.Fatalf("webhook got %v, want e1,e2,e3 once each in order", got)
	}
	if p, _ := st.PendingNotifications(); len(p) != 0 {
		t.Fatalf("still queued: %v", p)
	}
}

func TestWantsAndBackoff(t *testing.T) {
	tgt := config.NotifyTarget{Events: []string{"incident"}, MinSeverity: "SEV2"}
	for _, tc := range []struct {
		ev   Event
		want bool
	}{{Event{Type: "incident", Severity: "SEV1"}, true}, {Event{Type: "incident", Severity: "SEV2"}, true},
		{Event{Type: "incident", Severity: "SEV4"}, false}, {Event{Type: "approval"}, false}} {
		if Wants(tgt, tc.ev) != tc.want {
			t.Errorf("Wants(%+v) = %v", tc.ev, !tc.want)
		}
	}
	if d := backoff(0); d < 2*time.Second || d > 3*time.Second {
		t.Errorf("first backoff %v", d)
	}
	if d := backoff(50); d < 10*time.Minute || d > 11*time.Minute {
		t.Errorf("backoff is not capped: %v", d)
	}
}
