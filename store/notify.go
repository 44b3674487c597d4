package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The notification queue: events for outgoing webhooks, one entry per
// event and target (keyed target, 0, sequence: a target's deliveries are
// one range, in order), kept until the target took it. An event is queued for
// a target at most once (the seen bucket remembers it), so a replay after
// a restart queues nothing twice; a delivery is removed only after the
// target answered 2xx.
var (
	bNotifyQueue = []byte("notify_queue")
	bNotifySeen  = []byte("notify_seen")
	keyNotifyLog = []byte("notify_log") // the audit-log position the notifier has read to
)

func init() { extraBuckets = append(extraBuckets, bNotifyQueue, bNotifySeen) }

// Notification is one queued delivery.
type Notification struct {
	Seq    uint64 `json:"-"`
	Target string `json:"target"`
	// Event is the event's id (its delivery id for the receiver, who can
	// drop a repeat after a crash between sending and recording it).
	Event    string          `json:"event"`
	Body     json.RawMessage `json:"body"`
	Attempts int             `json:"attempts"`
	NextAt   time.Time       `json:"next_at"`
	LastErr  string          `json:"last_error,omitempty"`
}

// EnqueueNotification queues body for each target that has not had event
// yet, and, when logPos > 0, records that the notifier has read the audit
// log to logPos, in one transaction. It returns how many it queued.
func (s *Store) EnqueueNotification(event string, targets []string, body []byte, logPos uint64) (int, error) {
	n := 0
	_, err := s.update(func(w *txw) error {
		q, seen := w.tx.Bucket(bNotifyQueue), w.tx.Bucket(bNotifySeen)
		for _, t := range targets {
			k := []byte(t + "\x00" + event)
			if seen.Get(k) != nil {
				continue
			}
			seq, err := q.NextSequence()
			if err != nil {
				return err
			}
			v, err := json.Marshal(Notification{Target: t, Event: event, Body: body, NextAt: s.now()})
			if err != nil {
				return err
			}
			if err := q.Put(notifyKey(t, seq), v); err != nil {
				return err
			}
			if err := seen.Put(k, u64(uint64(s.now().Unix()))); err != nil {
				return err
			}
			n++
		}
		if logPos > 0 {
			return w.tx.Bucket(bMeta).Put(keyNotifyLog, u64(logPos))
		}
		return nil
	})
	return n, err
}

// SetNotifyLog records the audit-log position the notifier has read to.
func (s *Store) SetNotifyLog(pos uint64) error {
	_, err := s.update(func(w *txw) error { return w.tx.Bucket(bMeta).Put(keyNotifyLog, u64(pos)) })
	return err
}

// NotifyLog is the audit-log position the notifier has read to (0: none
// yet).
func (s *Store) NotifyLog() (uint64, error) {
	var pos uint64
	err := s.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bMeta).Get(keyNotifyLog); len(v) == 8 {
			pos = getU64(v)
		}
		return nil
	})
	return pos, err
}

// LastEvent is the position of the newest audit event (0 when none).
func (s *Store) LastEvent() (uint64, error) {
	var pos uint64
	err := s.view(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bEvents).Cursor().Last(); k != nil {
			pos = getU64(k)
		}
		return nil
	})
	return pos, err
}

func notifyKey(target string, seq uint64) []byte { return append([]byte(target+"\x00"), u64(seq)...) }

// DueNotifications are target's queued deliveries due at now, oldest
// first, at most limit. A target's deliveries go in order: one waiting
// for its retry holds the ones queued after it.
func (s *Store) DueNotifications(target string, now time.Time, limit int) ([]Notification, error) {
	var out []Notification
	prefix := []byte(target + "\x00")
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bNotifyQueue).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Next() {
			var n Notification
			if err := json.Unmarshal(v, &n); err != nil {
				return fmt.Errorf("store: damaged notification %x: %w", k, err)
			}
			if n.NextAt.After(now) {
				return nil
			}
			n.Seq = getU64(k[len(prefix):])
			out = append(out, n)
		}
		return nil
	})
	return out, err
}

// PendingNotifications counts the queued deliveries per target.
func (s *Store) PendingNotifications() (map[string]int, error) {
	out := map[string]int{}
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bNotifyQueue).ForEach(func(_, v []byte) error {
			var n Notification
			if json.Unmarshal(v, &n) == nil {
				out[n.Target]++
			}
			return nil
		})
	})
	return out, err
}

// ErrNoNotification is returned for a delivery no longer queued.
var ErrNoNotification = errors.New("store: no such notification")

// NotificationDelivered removes a delivery its target took.
func (s *Store) NotificationDelivered(n Notification) error {
	_, err := s.update(func(w *txw) error { return w.tx.Bucket(bNotifyQueue).Delete(notifyKey(n.Target, n.Seq)) })
	return err
}

// NotificationFailed records a failed attempt and when to try again.
func (s *Store) NotificationFailed(d Notification, next time.Time, reason string) error {
	_, err := s.update(func(w *txw) error {
		q := w.tx.Bucket(bNotifyQueue)
		k := notifyKey(d.Target, d.Seq)
		v := q.Get(k)
		if v == nil {
			return ErrNoNotification
		}
		var n Notification
		if err := json.Unmarshal(v, &n); err != nil {
			return err
		}
		n.Attempts++
		n.NextAt, n.LastErr = next.UTC(), reason
		b, err := json.Marshal(n)
		if err != nil {
			return err
		}
		return q.Put(k, b)
	})
	return err
}
