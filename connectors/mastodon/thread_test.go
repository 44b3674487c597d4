package mastodon

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// contextServer answers GET /api/v1/statuses/:id/context the way
// Mastodon does: ancestors oldest first up to the first one it has (a
// deleted status ends the walk), descendants depth first; 404 for a
// status it does not have.
type contextServer struct {
	t        *testing.T
	statuses map[string]map[string]any
	order    []string
	asked    []string
	srv      *httptest.Server
}

func newContextServer(t *testing.T) *contextServer {
	cs := &contextServer{t: t, statuses: map[string]map[string]any{}}
	cs.srv = httptest.NewServer(http.HandlerFunc(cs.serve))
	t.Cleanup(cs.srv.Close)
	return cs
}

// add puts a status in the documented shape: id by acct answering parent.
func (cs *contextServer) add(id, parent, acct, content string, min int) {
	st := docsStatus(cs.t)
	st["id"], st["content"] = id, "<p>"+content+"</p>"
	st["created_at"] = time.Date(2026, 3, 10, 12, min, 0, 0, time.UTC).Format(time.RFC3339Nano)
	st["url"] = "https://social.example/@" + acct + "/" + id
	st["uri"] = st["url"]
	if parent != "" {
		st["in_reply_to_id"], st["in_reply_to_account_id"] = parent, "7"
	}
	acc := st["account"].(map[string]any)
	acc["acct"], acc["username"], acc["id"], acc["display_name"] = acct, acct, "A"+acct, strings.ToUpper(acct)
	cs.statuses[id] = st
	cs.order = append(cs.order, id)
}

func (cs *contextServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		w.WriteHeader(401)
		return
	}
	id, ok := strings.CutPrefix(r.URL.Path, "/api/v1/statuses/")
	id, ok2 := strings.CutSuffix(id, "/context")
	if r.Method != http.MethodGet || !ok || !ok2 {
		cs.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		w.WriteHeader(404)
		return
	}
	cs.asked = append(cs.asked, id)
	if cs.statuses[id] == nil {
		w.WriteHeader(404)
		w.Write([]byte(`{"error":"Record not found"}`))
		return
	}
	anc := []map[string]any{}
	seen := map[string]bool{id: true}
	for p, _ := cs.statuses[id]["in_reply_to_id"].(string); cs.statuses[p] != nil && !seen[p]; p, _ = cs.statuses[p]["in_reply_to_id"].(string) {
		seen[p] = true
		anc = append([]map[string]any{cs.statuses[p]}, anc...)
	}
	desc := []map[string]any{}
	var walk func(string)
	walk = func(parent string) {
		for _, k := range cs.order {
			if st := cs.statuses[k]; st["in_reply_to_id"] == parent && !seen[k] {
				seen[k] = true
				desc = append(desc, st)
				walk(k)
			}
		}
	}
	walk(id)
	json.NewEncoder(w).Encode(map[string]any{"ancestors": anc, "descendants": desc})
}

// threadOutline renders a stored conversation: depth dots, key, "*" focus,
// "(missing)", and the author.
func threadOutline(t *testing.T, s *store.Store, key string) string {
	t.Helper()
	th, err := s.Thread(key, store.ThreadWindow{Start: true, After: 100})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range th.Messages {
		b.WriteString(strings.Repeat(".", m.Depth) + m.Key)
		if m.Focus {
			b.WriteString("*")
		}
		if m.Missing {
			b.WriteString(" (missing)")
		}
		if m.Mention != nil {
			b.WriteString(" " + m.Mention.Author.Handle)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestFetchThreadStoresTheContextForOfflineReading(t *testing.T) {
	cs := newContextServer(t)
	cs.add("100", "", "acme", "Our new app is out", 0)
	cs.add("101", "100", "alice", "It crashes on start", 1)
	cs.add("103", "101", "carol@other.example", "@acme same here, any news?", 3)
	cs.add("104", "103", "dave", "+1", 4)
	cs.add("105", "100", "erin", "love it", 5) // not in 103's context

	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := New("masto", cs.srv.URL, testToken, cs.srv.Client())
	focus := domain.Mention{Platform: domain.PlatformMastodon, NativeID: "103", Kind: domain.KindReply, InReplyTo: "101",
		Author: domain.Author{Handle: "@carol@other.example"}, Text: "@acme same here, any news?", CreatedAt: time.Date(2026, 3, 10, 12, 3, 0, 0, time.UTC), Connector: "masto"}
	res, err := st.Ingest([]domain.Mention{focus})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply("ana", res.IDs[:1], store.Action{Kind: domain.EventTag, Value: "app"}); err != nil {
		t.Fatal(err)
	}
	if got := threadOutline(t, st, "mastodon:103"); got != "mastodon:101 (missing)\n.mastodon:103* @carol@other.example\n" {
		t.Fatalf("before the fetch:\n%s", got)
	}
	p := connectors.NewPoller(st, connectors.PollerOptions{})
	p.Add(c, time.Hour)
	fr, err := p.FetchThread(context.Background(), focus)
	if err != nil {
		t.Fatal(err)
	}
	if fr.Connector != "masto" || fr.Fetched != 3 || fr.New != 3 || len(fr.Missing) != 0 {
		t.Fatalf("fetch: %+v", fr)
	}
	cs.srv.Close() // offline from here on
	want := "mastodon:100 @acme@" + hostOf(cs) + "\n.mastodon:101 @alice@" + hostOf(cs) + "\n..mastodon:103* @carol@other.example\n...mastodon:104 @dave@" + hostOf(cs) + "\n"
	if got := threadOutline(t, st, "mastodon:103"); got != want {
		t.Fatalf("after the fetch:\n%s\nwant:\n%s", got, want)
	}
	root, _ := st.GetByKey("mastodon:100")
	if root.Kind != domain.KindMention || root.State.Status != domain.StatusDone || !root.State.FYI || root.Text != "Our new app is out" {
		t.Fatalf("fetched context is stored as done FYI context: %+v", root)
	}
	if anc, _ := st.GetByKey("mastodon:101"); anc.Kind != domain.KindReply || anc.InReplyTo != "100" || anc.Author.Followers == 0 {
		t.Fatalf("fetched ancestor: %+v", anc)
	}
	if f, _ := st.GetByKey("mastodon:103"); !f.State.HasTag("app") || f.State.Status != domain.StatusOpen {
		t.Fatalf("the focus lost its operator state: %+v", f.State)
	}
}

// hostOf is the server's host name, which completes local accounts' handles.
func hostOf(cs *contextServer) string {
	u, _ := url.Parse(cs.srv.URL)
	return u.Hostname()
}

func TestFetchThreadReportsDeletedParentsAndSurvivesLoops(t *testing.T) {
	cs := newContextServer(t)
	cs.add("301", "300", "frank", "what did they say?", 6)
	cs.add("302", "301", "gus", "no idea", 7)
	cs.add("500", "501", "mallory", "loop a", 7)
	cs.add("501", "500", "mallory", "loop b", 8)
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := connectors.NewPoller(st, connectors.PollerOptions{})
	p.Add(New("masto", cs.srv.URL, testToken, cs.srv.Client()), time.Hour)
	mk := func(id, parent string) domain.Mention {
		return domain.Mention{Platform: domain.PlatformMastodon, NativeID: id, Kind: domain.KindReply, InReplyTo: parent,
			Author: domain.Author{Handle: "@x@social.example"}, Text: "t", CreatedAt: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	}
	orphan, gone, loop := mk("301", "300"), mk("400", "399"), mk("500", "501")
	if _, err := st.Ingest([]domain.Mention{orphan, gone, loop}); err != nil {
		t.Fatal(err)
	}
	// the parent was deleted: the server's ancestors stop, the gap stays
	fr, err := p.FetchThread(context.Background(), orphan)
	if err != nil || strings.Join(fr.Missing, ",") != "300" || fr.New != 1 {
		t.Fatalf("deleted parent: %+v %v", fr, err)
	}
	if got := threadOutline(t, st, "mastodon:301"); got != "mastodon:300 (missing)\n.mastodon:301* @x@social.example\n..mastodon:302 @gus@"+hostOf(cs)+"\n" {
		t.Fatalf("deleted parent:\n%s", got)
	}
	// the mention itself was deleted: 404, reported, nothing stored
	fr, err = p.FetchThread(context.Background(), gone)
	if err != nil || strings.Join(fr.Missing, ",") != "400" || fr.Fetched != 0 {
		t.Fatalf("deleted mention: %+v %v", fr, err)
	}
	// statuses answering each other: stored, read without looping
	if _, err := p.FetchThread(context.Background(), loop); err != nil {
		t.Fatal(err)
	}
	th, err := st.Thread("mastodon:500", store.ThreadWindow{Start: true, After: 100})
	if err != nil || !th.Cycle || len(th.Messages) != 2 {
		t.Fatalf("loop: %+v %v", th, err)
	}
	if strings.Join(cs.asked, " ") != "301 400 500" {
		t.Fatalf("asked the server for %v", cs.asked)
	}
}

func TestDecodeContextRefusesMalformedAnswers(t *testing.T) {
	for _, body := range []string{`[]`, `{"ancestors":[]}`, `{"ancestors":[{"id":""}],"descendants":[]}`,
		`{"ancestors":[{"id":"1","account":{"acct":"a"},"created_at":"yesterday"}],"descendants":[]}`} {
		if _, _, err := DecodeContext([]byte(body), "h", "9", ""); err == nil || !strings.Contains(err.Error(), "malformed") {
			t.Errorf("%s: %v", body, err)
		}
	}
}
