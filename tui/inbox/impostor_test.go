package inbox

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"switchboard/domain"
	"switchboard/store"
	"switchboard/tui/pane"
)

func TestMentionWarnsOfATrustImitatingNameAndAFlaggedImpostor(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	imp := domain.Mention{Platform: domain.PlatformX, NativeID: "1", Author: domain.Author{Handle: "@brand_support", Name: "✔ Official \x1b[31mAcme"},
		Text: "DM us for a refund", CreatedAt: now}
	if _, err := st.Ingest([]domain.Mention{imp}); err != nil {
		t.Fatal(err)
	}
	m := newModel(t, st, Options{BrandName: "Acme", BrandHandles: []string{"@acme"}})
	press(m, "enter")
	v := m.View()
	plain := ansi.Strip(v)
	if !strings.Contains(plain, "⚠ display name imitates trust: ✔ official") {
		t.Fatalf("no trust warning:\n%s", plain)
	}
	if strings.Contains(plain, "flagged as impersonating") {
		t.Fatalf("flag shown before anyone flagged:\n%s", plain)
	}
	if strings.ContainsRune(v, 0x1b) && strings.Contains(v, "\x1b[31mAcme") {
		t.Fatal("the name's escape reached the screen")
	}
	if _, err := st.FlagImpostor("ana", store.Impostor{Platform: domain.PlatformX, Handle: "@brand_support", Incident: "INC-3"}); err != nil {
		t.Fatal(err)
	}
	press(m, "esc")
	press(m, "enter")
	if plain = ansi.Strip(m.View()); !strings.Contains(plain, "⛔ flagged as impersonating the brand (incident INC-3): no reply of any kind goes to this author") {
		t.Fatalf("no impostor flag:\n%s", plain)
	}
	// I clears a flag (a false alarm), and sets it again
	_, cmd := m.Update(pane.KeyPress("I"))
	if msg, _ := cmd().(pane.ToastMsg); !strings.Contains(msg.Text, "no longer flagged") {
		t.Fatalf("clear: %+v", msg)
	}
	if err := st.CheckRecipient(imp); err != nil {
		t.Fatalf("cleared author refused: %v", err)
	}
	_, cmd = m.Update(pane.KeyPress("I"))
	if msg, _ := cmd().(pane.ToastMsg); !strings.Contains(msg.Text, "flagged as impersonating the brand") {
		t.Fatalf("flag: %+v", msg)
	}
	if f, ok, _ := st.ImpostorOf(domain.PlatformX, "@brand_support"); !ok || f.Cleared || f.By != "ana" {
		t.Fatalf("flag after I: %+v", f)
	}
}
