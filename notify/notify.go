// Package notify sends switchboard's events to outgoing webhooks: crisis
// alerts, incident changes and approval requests and decisions, to Slack
// incoming webhooks or to signed JSON webhooks. Deliveries go through a
// durable queue in the store like the outbox: an event is queued once per
// target, retried with backoff until the target answers 2xx, survives a
// restart, and a failing target holds up no other.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"switchboard/config"
	"switchboard/crisis"
	"switchboard/domain"
	"switchboard/store"
)

// Event is one thing a target may want to know.
type Event struct {
	// ID is the event's identity: the same event (replayed after a
	// restart) has the same id, and a target gets it once.
	ID   string `json:"id"`
	Type string `json:"type"` // alert, incident or approval
	// Severity is an incident's (SEV1…SEV4); "" for the others.
	Severity string    `json:"severity,omitempty"`
	Title    string    `json:"title"`
	Text     string    `json:"text,omitempty"`
	At       time.Time `json:"at"`
}

// Wants reports whether target t takes ev.
func Wants(t config.NotifyTarget, ev Event) bool {
	if len(t.Events) > 0 && !slices.Contains(t.Events, ev.Type) {
		return false
	}
	if t.MinSeverity != "" && ev.Severity != "" && ev.Severity > t.MinSeverity {
		return false // "SEV3" > "SEV2": less severe
	}
	return true
}

// Body is what target t is sent for ev.
func Body(t config.NotifyTarget, ev Event) ([]byte, error) {
	if t.Type == "slack" {
		text := "*" + slackEscape(ev.Title) + "*"
		if ev.Severity != "" {
			text = "[" + ev.Severity + "] " + text
		}
		if ev.Text != "" {
			text += "\n" + slackEscape(ev.Text)
		}
		return json.Marshal(map[string]string{"text": text})
	}
	return json.Marshal(ev)
}

// slackEscape keeps platform text from becoming Slack markup (mentions
// such as <!channel>, links).
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// Sign is the signature header value of body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Store is what the notifier needs of the store: the audit log it follows
// (and its position in it), the durable delivery queue, and the drafts and
// incidents events name. *store.Store is one.
type Store interface {
	LastEvent() (uint64, error)
	Log(after uint64, fn func(domain.Event) bool) error
	NotifyLog() (uint64, error)
	SetNotifyLog(pos uint64) error
	EnqueueNotification(event string, targets []string, body []byte, logPos uint64) (int, error)
	DueNotifications(target string, now time.Time, limit int) ([]store.Notification, error)
	NotificationDelivered(n store.Notification) error
	NotificationFailed(d store.Notification, next time.Time, reason string) error
	Draft(id string) (domain.Draft, error)
	Incident(id string) (domain.Incident, error)
}

// Notifier queues events for the configured targets and delivers them.
type Notifier struct {
	St      Store
	Targets []config.NotifyTarget
	// Getenv reads the URLs and secrets named by url_env and secret_env.
	Getenv func(string) string
	Client *http.Client
	Now    func() time.Time
	// Logf reports delivery problems (never a URL or a secret).
	Logf func(format string, a ...any)
	// Every is how often each target's queue is looked at (1s).
	Every time.Duration
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

func (n *Notifier) logf(format string, a ...any) {
	if n.Logf != nil {
		n.Logf(format, a...)
	}
}

// Publish queues ev for every target that wants it; logPos, when not 0,
// is the audit-log position it came from, recorded in the same
// transaction.
func (n *Notifier) Publish(ev Event, logPos uint64) error {
	var targets []string
	for _, t := range n.Targets {
		if Wants(t, ev) {
			targets = append(targets, t.Name)
		}
	}
	if len(targets) == 0 {
		if logPos > 0 {
			return n.St.SetNotifyLog(logPos)
		}
		return nil
	}
	// each target gets the body of its type: queue per type
	byBody := map[string][]string{}
	for _, name := range targets {
		t := n.target(name)
		b, err := Body(t, ev)
		if err != nil {
			return err
		}
		byBody[string(b)] = append(byBody[string(b)], name)
	}
	for b, names := range byBody {
		if _, err := n.St.EnqueueNotification(ev.ID, names, []byte(b), logPos); err != nil {
			return err
		}
	}
	return nil
}

func (n *Notifier) target(name string) config.NotifyTarget {
	for _, t := range n.Targets {
		if t.Name == name {
			return t
		}
	}
	return config.NotifyTarget{}
}

// Run delivers until ctx ends: one loop per target, so a slow or failing
// target never holds up another.
func (n *Notifier) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, t := range n.Targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n.runTarget(ctx, t)
		}()
	}
	wg.Wait()
}

func (n *Notifier) runTarget(ctx context.Context, t config.NotifyTarget) {
	every := n.Every
	if every <= 0 {
		every = time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		due, err := n.St.DueNotifications(t.Name, n.now(), 20)
		if err != nil {
			n.logf("notify %s: %v", t.Name, err)
		}
		for _, d := range due {
			if ctx.Err() != nil {
				return
			}
			if err := n.deliver(ctx, t, d.Event, d.Body); err != nil {
				wait := backoff(d.Attempts)
				n.logf("notify %s: delivery %s failed (attempt %d): %v; next try in %s", t.Name, d.Event, d.Attempts+1, err, wait)
				if err := n.St.NotificationFailed(d, n.now().Add(wait), err.Error()); err != nil {
					n.logf("notify %s: %v", t.Name, err)
				}
				break // the rest wait for this one (a target gets them in order)
			}
			if err := n.St.NotificationDelivered(d); err != nil {
				n.logf("notify %s: %v", t.Name, err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// backoff is the wait after attempt n failed: 2s, 4s, 8s … up to 10
// minutes, with a little jitter.
func backoff(attempts int) time.Duration {
	d := 2 * time.Second << min(attempts, 9)
	d = min(d, 10*time.Minute)
	return d + time.Duration(rand.Int64N(int64(d/10)+1))
}

// deliver posts body to t once.
func (n *Notifier) deliver(ctx context.Context, t config.NotifyTarget, id string, body []byte) error {
	u := t.URL
	if t.URLEnv != "" {
		u = n.getenv(t.URLEnv)
		if u == "" {
			return fmt.Errorf("%s is not set (the target's url_env)", t.URLEnv)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("bad URL") // never the URL itself: it may be a secret
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "switchboard")
	if t.Type == "webhook" {
		secret := n.getenv(t.SecretEnv)
		if secret == "" {
			return fmt.Errorf("%s is not set (the webhook's secret_env)", t.SecretEnv)
		}
		req.Header.Set("X-Switchboard-Delivery", id)
		req.Header.Set("X-Switchboard-Signature", Sign([]byte(secret), body))
	}
	client := n.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			return fmt.Errorf("%s", ue.Err) // without the URL
		}
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the target answered %s", resp.Status)
	}
	return nil
}

func (n *Notifier) getenv(k string) string {
	if n.Getenv != nil {
		return n.Getenv(k)
	}
	return ""
}

// Test sends a sample event to t at once (not through the queue).
func (n *Notifier) Test(ctx context.Context, t config.NotifyTarget) error {
	ev := Event{ID: fmt.Sprintf("test-%d", n.now().UnixNano()), Type: "alert", Title: "switchboard test notification",
		Text: "If you can read this, the " + t.Name + " target works.", At: n.now().UTC()}
	body, err := Body(t, ev)
	if err != nil {
		return err
	}
	return n.deliver(ctx, t, ev.ID, body)
}

// Follow turns the store's audit log into events until ctx ends:
// incidents declared or changed, drafts waiting for approval, approved or
// rejected. It starts where it stopped (the position is kept in the
// store with each queued event); the first time, at the end of the log, so
// history is not sent.
func (n *Notifier) Follow(ctx context.Context, every time.Duration) {
	pos, err := n.St.NotifyLog()
	if err != nil {
		n.logf("notify: %v", err)
		return
	}
	if pos == 0 {
		if pos, err = n.St.LastEvent(); err == nil && pos > 0 {
			err = n.St.SetNotifyLog(pos)
		}
		if err != nil {
			n.logf("notify: %v", err)
			return
		}
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		var evs []struct {
			pos uint64
			ev  domain.Event
		}
		err := n.St.Log(pos, func(e domain.Event) bool {
			evs = append(evs, struct {
				pos uint64
				ev  domain.Event
			}{e.Seq, e})
			return len(evs) < 500
		})
		if err != nil {
			n.logf("notify: %v", err)
		}
		for _, e := range evs {
			ev, ok := n.fromAudit(e.ev)
			if ok {
				err = n.Publish(ev, e.pos)
			} else {
				err = nil
			}
			if err != nil {
				n.logf("notify: %v", err)
				break
			}
			pos = e.pos
		}
		if len(evs) > 0 && pos == evs[len(evs)-1].pos {
			_ = n.St.SetNotifyLog(pos)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// fromAudit is the event an audit entry makes, if any.
func (n *Notifier) fromAudit(e domain.Event) (Event, bool) {
	id := fmt.Sprintf("ev-%d", e.Seq)
	switch {
	case e.Kind == domain.EventIncident && e.Field == store.FieldDeclared:
		ev := Event{ID: id, Type: "incident", Title: "Incident " + e.Target + " declared: " + e.After, At: e.At}
		if inc, err := n.St.Incident(e.Target); err == nil {
			ev.Severity = inc.Severity.String()
			ev.Text = "Lead: " + orNone(inc.Lead) + ". Declared by " + e.Actor + "."
		}
		return ev, true
	case e.Kind == domain.EventIncident && (e.Field == store.FieldSeverity || e.Field == store.FieldStatus || e.Field == store.FieldUpdate):
		ev := Event{ID: id, Type: "incident", Title: "Incident " + e.Target + ": " + e.Field + " " + e.After, Text: "By " + e.Actor + ".", At: e.At}
		if inc, err := n.St.Incident(e.Target); err == nil {
			ev.Severity = inc.Severity.String()
		}
		return ev, true
	case e.Kind == domain.EventDraft && e.Field == "state" && e.After == string(domain.DraftAwaitingApproval):
		ev := Event{ID: id, Type: "approval", Title: "Draft " + e.Target + " waits for approval", Text: "Written by " + e.Actor + ".", At: e.At}
		if d, err := n.St.Draft(e.Target); err == nil && d.ApprovalRole != "" {
			ev.Title = "Draft " + e.Target + " waits for approval by " + d.ApprovalRole
		}
		return ev, true
	case e.Kind == domain.EventDraft && e.Field == "approval" && (strings.HasPrefix(e.After, "approved") || strings.HasPrefix(e.After, "rejected")):
		return Event{ID: id, Type: "approval", Title: "Draft " + e.Target + " " + e.After, Text: "By " + e.Actor + ".", At: e.At}, true
	}
	return Event{}, false
}

func orNone(s string) string {
	if s == "" {
		return "none yet"
	}
	return s
}

// FollowAlerts publishes the crisis watcher's open alerts as they are
// raised (an alert has a stable id, so one seen again after a restart is
// not sent again).
func (n *Notifier) FollowAlerts(ctx context.Context, w *crisis.Watcher) {
	published := map[string]bool{} // this run's: the store's seen set covers restarts
	for {
		if alerts, err := w.Alerts(); err == nil {
			for _, a := range alerts {
				if !a.Open || published[a.ID] {
					continue
				}
				ev := Event{ID: "alert-" + a.ID, Type: "alert", Title: "Crisis alert: " + string(a.Kind), Text: a.Reason, At: a.RaisedAt}
				if err := n.Publish(ev, 0); err != nil {
					n.logf("notify: %v", err)
					continue
				}
				published[a.ID] = true
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-w.Changed():
		}
	}
}
