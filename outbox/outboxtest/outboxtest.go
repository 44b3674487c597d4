// Package outboxtest is the crash-mid-send scenario that every connector
// with a connectors.Reconciler runs against its own test server.
package outboxtest

import (
	"context"
	"path/filepath"
	"testing"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/outbox"
	"switchboard/store"
)

// RecoverAfterCrash stores m, queues a reply to it (vis, text) and marks it
// sending; first sends it — the platform takes it, then the process
// "dies" before the store hears. A new outbox over restarted (a fresh
// connector of the same account) must find the reply with Recover and mark
// it sent with the id first got, without sending it again; the caller
// checks its server received one message.
func RecoverAfterCrash(t testing.TB, first, restarted connectors.Connector, m domain.Mention, vis domain.Visibility, text string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Ingest([]domain.Mention{m}); err != nil {
		t.Fatal(err)
	}
	d, err := st.NewDraft("ana", m.Key(), vis, text)
	if err != nil {
		t.Fatal(err)
	}
	if d, err = st.QueueDraft("ana", d.ID, 0); err != nil {
		t.Fatal(err)
	}
	if d, err = st.BeginSend(d.ID); err != nil {
		t.Fatal(err)
	}
	sent, err := first.Send(ctx, connectors.Message{IdempotencyKey: d.IdempotencyKey, Visibility: vis, Text: d.Text, InReplyTo: m})
	if err != nil {
		t.Fatal(err)
	}
	x := outbox.New(st, []connectors.Connector{restarted}, outbox.Options{})
	if n, err := x.Recover(ctx); err != nil || n != 1 {
		t.Fatalf("recover: %d %v", n, err)
	}
	if _, err := x.Step(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := st.Draft(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != domain.DraftSent || got.RemoteID != sent.RemoteID {
		t.Fatalf("after recover: %s %q (%s); want sent %q", got.State, got.RemoteID, got.LastError, sent.RemoteID)
	}
}
