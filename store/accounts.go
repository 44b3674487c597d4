package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

// The hijack watch: each connector that can reads the brand's own recent
// posts and profile every poll (connectors.OwnPostsFetcher), and the store
// judges them here, in one transaction with the connector's own-posts
// cursor, so each post is judged exactly once and an alert is never lost
// or doubled by a crash. Alerts are kept in a bucket of their own: they
// survive restarts and are not replayed from mentions.

var (
	bAccountAlerts = []byte("account_alerts") // alert id → domain.AccountAlert JSON
	bOwnState      = []byte("own_state")      // connector name → ownState JSON
)

func init() { extraBuckets = append(extraBuckets, bAccountAlerts, bOwnState) }

// ChangeAccountAlert is the Change.Kind of a new account alert (ID its id).
const ChangeAccountAlert = "account_alert"

// SwitchboardApp is the app name under which switchboard's own posts
// appear (the name its platform app is registered with): listing it in
// brand.apps never excuses a post the outbox did not send.
const SwitchboardApp = "switchboard"

// ownState is a connector's own-posts position and the profile last seen.
type ownState struct {
	Cursor  string                 `json:"cursor"`
	Profile *domain.AccountProfile `json:"profile,omitempty"`
	At      time.Time              `json:"at"`
}

// OwnPage is one look at a brand account: the posts newer than the
// connector's own-posts cursor, the cursor after them, and the profile as
// it is now (nil when the connector could not read it).
type OwnPage struct {
	Connector string
	Platform  domain.Platform
	Handle    string
	Posts     []domain.OwnPost
	Cursor    string
	Profile   *domain.AccountProfile
}

// OwnCursor is the connector's own-posts cursor ("" before its first look).
func (s *Store) OwnCursor(connector string) (string, error) {
	st, _, err := s.ownState(connector)
	return st.Cursor, err
}

func (s *Store) ownState(connector string) (ownState, bool, error) {
	var st ownState
	var had bool
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		st, had, err = getOwnState(tx, connector)
		return err
	})
	return st, had, err
}

func getOwnState(tx *bolt.Tx, connector string) (ownState, bool, error) {
	var st ownState
	b := tx.Bucket(bOwnState)
	if b == nil {
		return st, false, nil
	}
	v := b.Get([]byte(connector))
	if v == nil {
		return st, false, nil
	}
	if err := json.Unmarshal(v, &st); err != nil {
		return st, true, fmt.Errorf("store: damaged own-posts state of %s: %w", connector, err)
	}
	return st, true, nil
}

// RecordOwn judges one look at a brand account and stores the cursor, the
// profile and any alerts in one transaction; it returns the new alerts.
//
// The first look at a connector's account is the baseline: its posts are
// history and its profile the one to compare with, so it raises nothing.
// After that, a post raises an AccountPost alert when no draft the outbox
// sent on that platform has its id as RemoteID (a send still in flight
// counts when its text matches) — unless the platform names the app it came
// from and apps lists it (apps other than switchboard itself are the team's
// other tools) — or when it names an app that apps does not list. A profile
// that differs from the one last seen raises an AccountProfile alert.
// Alert ids are derived from the connector and post, so a post is never
// alerted twice.
func (s *Store) RecordOwn(p OwnPage, apps []string) ([]domain.AccountAlert, error) {
	if err := validLabel("connector", p.Connector); err != nil {
		return nil, err
	}
	var out []domain.AccountAlert
	_, err := s.update(func(w *txw) error {
		out = out[:0]
		st, had, err := getOwnState(w.tx, p.Connector)
		if err != nil {
			return err
		}
		now := w.s.now()
		ab := w.tx.Bucket(bAccountAlerts)
		put := func(a domain.AccountAlert) error {
			if ab.Get([]byte(a.ID)) != nil {
				return nil // judged before
			}
			b, err := json.Marshal(a)
			if err != nil {
				return err
			}
			if err := ab.Put([]byte(a.ID), b); err != nil {
				return err
			}
			if _, err := w.appendEvent(domain.Event{Actor: ActorDetector, Kind: domain.EventIncident, Target: a.ID,
				Field: FieldAccountAlert, After: AccountAlertTitle(a)}); err != nil {
				return err
			}
			w.extra = append(w.extra, Change{Kind: ChangeAccountAlert, ID: a.ID})
			out = append(out, a)
			return nil
		}
		if had && len(p.Posts) > 0 {
			ours, err := outboxPosts(w.tx, p.Platform)
			if err != nil {
				return err
			}
			posts := slices.Clone(p.Posts)
			sort.SliceStable(posts, func(i, j int) bool { return posts[i].CreatedAt.Before(posts[j].CreatedAt) })
			for _, post := range posts {
				reasons := judgeOwnPost(post, ours, apps)
				if len(reasons) == 0 {
					continue
				}
				a := domain.AccountAlert{ID: accountAlertID(p.Connector, "post", post.ID), Kind: domain.AlertAccountPost,
					Platform: p.Platform, Connector: p.Connector, Handle: p.Handle, PostID: post.ID, URL: post.URL,
					Text: post.Text, App: post.App, PostedAt: post.CreatedAt, Reasons: reasons, DetectedAt: now}
				if err := put(a); err != nil {
					return err
				}
			}
		}
		if p.Profile != nil {
			if had && st.Profile != nil {
				if ch := ProfileChanges(*st.Profile, *p.Profile); len(ch) > 0 {
					key, _ := json.Marshal(p.Profile)
					a := domain.AccountAlert{ID: accountAlertID(p.Connector, "profile", st.At.String()+string(key)),
						Kind: domain.AlertAccountProfile, Platform: p.Platform, Connector: p.Connector, Handle: p.Handle,
						Changes: ch, Reasons: []string{"the profile changed"}, DetectedAt: now}
					if err := put(a); err != nil {
						return err
					}
				}
			}
			prof := *p.Profile
			st.Profile = &prof
		}
		if p.Cursor != "" {
			st.Cursor = p.Cursor
		}
		st.At = now
		b, err := json.Marshal(st)
		if err != nil {
			return err
		}
		return w.tx.Bucket(bOwnState).Put([]byte(p.Connector), b)
	})
	return out, err
}

// FieldAccountAlert is the event field of a raised account alert.
const FieldAccountAlert = "account_alert"

func accountAlertID(connector, what, key string) string {
	h := sha256.Sum256([]byte(connector + "\x00" + what + "\x00" + key))
	return "acct-" + hex.EncodeToString(h[:8])
}

// outboxPost is what the judge needs of a draft the outbox sent or is
// sending.
type outboxPost struct {
	RemoteID string
	Text     string
	InFlight bool
}

// outboxPosts lists the drafts on platform that were sent, or are being
// sent (whose id the platform has not told yet).
func outboxPosts(tx *bolt.Tx, p domain.Platform) ([]outboxPost, error) {
	var out []outboxPost
	err := tx.Bucket(bDrafts).ForEach(func(k, v []byte) error {
		var d domain.Draft
		if err := json.Unmarshal(v, &d); err != nil {
			return fmt.Errorf("store: damaged draft %x: %w", k, err)
		}
		if d.Platform != p {
			return nil
		}
		switch {
		case d.State == domain.DraftSent && d.RemoteID != "":
			out = append(out, outboxPost{RemoteID: d.RemoteID, Text: d.Text})
		case d.State == domain.DraftSending || d.State == domain.DraftUnknown:
			out = append(out, outboxPost{Text: d.Text, InFlight: true})
		}
		return nil
	})
	return out, err
}

// judgeOwnPost says why post on a brand account is an alert (nil: it is
// not): see RecordOwn.
func judgeOwnPost(post domain.OwnPost, ours []outboxPost, apps []string) []string {
	sent := false
	for _, o := range ours {
		if o.RemoteID != "" && o.RemoteID == post.ID || o.InFlight && sameWords(o.Text, post.Text) {
			sent = true
			break
		}
	}
	listed := false
	for _, a := range apps {
		if post.App != "" && strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(post.App)) {
			listed = true
		}
	}
	unlisted := post.App != "" && len(apps) > 0 && !listed
	var reasons []string
	if !sent && (!listed || strings.EqualFold(post.App, SwitchboardApp)) {
		reasons = append(reasons, "not sent by switchboard")
	}
	if unlisted {
		reasons = append(reasons, "posted from an app brand.apps does not list: "+post.App)
	}
	return reasons
}

// sameWords compares two texts by their words (a platform may add
// mentions, expand links or change white space).
func sameWords(a, b string) bool {
	fa, fb := strings.Fields(a), strings.Fields(b)
	if len(fa) == 0 || len(fb) == 0 {
		return false
	}
	return strings.Contains(strings.Join(fb, " "), strings.Join(fa, " ")) || strings.Join(fa, " ") == strings.Join(fb, " ")
}

// ProfileChanges lists the fields in which after differs from before.
func ProfileChanges(before, after domain.AccountProfile) []domain.ProfileChange {
	var out []domain.ProfileChange
	add := func(field, b, a string) {
		if b != a {
			out = append(out, domain.ProfileChange{Field: field, Before: b, After: a})
		}
	}
	add("handle", before.Handle, after.Handle)
	add("name", before.Name, after.Name)
	add("avatar", before.Avatar, after.Avatar)
	add("bio", before.Bio, after.Bio)
	add("links", strings.Join(before.Links, " "), strings.Join(after.Links, " "))
	return out
}

// AccountAlertTitle is the alert's one-line title (platform text is not
// in it).
func AccountAlertTitle(a domain.AccountAlert) string {
	who := a.Handle
	if who == "" {
		who = "the " + string(a.Platform) + " account"
	}
	if a.Kind == domain.AlertLookalike {
		return "an account that looks like the brand's: " + who + " on " + string(a.Platform)
	}
	if a.Kind == domain.AlertAccountProfile {
		var fields []string
		for _, c := range a.Changes {
			fields = append(fields, c.Field)
		}
		return "the profile of " + who + " changed: " + strings.Join(fields, ", ")
	}
	if len(a.Reasons) > 0 && a.Reasons[0] != "not sent by switchboard" {
		return "a post on " + who + " from an app brand.apps does not list"
	}
	return "a post on " + who + " that switchboard did not send"
}

// AccountAlerts lists every account alert, earliest detected first.
func (s *Store) AccountAlerts() ([]domain.AccountAlert, error) {
	var out []domain.AccountAlert
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAccountAlerts)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var a domain.AccountAlert
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("store: damaged account alert %q: %w", k, err)
			}
			out = append(out, a)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].DetectedAt.Before(out[j].DetectedAt) })
	return out, err
}

// AccountAlert reads one account alert.
func (s *Store) AccountAlert(id string) (domain.AccountAlert, error) {
	var a domain.AccountAlert
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAccountAlerts)
		var v []byte
		if b != nil {
			v = b.Get([]byte(id))
		}
		if v == nil {
			return fmt.Errorf("alert %q: %w", id, ErrNotFound)
		}
		return json.Unmarshal(v, &a)
	})
	return a, err
}
