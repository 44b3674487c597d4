package mastodon

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// TestE2ERealServer runs against a real Mastodon-compatible server: the
// user mentions the brand, one poll stores it, a private reply goes out
// through the connector and the user receives it.
func TestE2ERealServer(t *testing.T) {
	server := os.Getenv("SWITCHBOARD_E2E_MASTODON_URL")
	brandTok := os.Getenv("SWITCHBOARD_E2E_MASTODON_BRAND_TOKEN")
	userTok := os.Getenv("SWITCHBOARD_E2E_MASTODON_USER_TOKEN")
	if server == "" || brandTok == "" || userTok == "" {
		t.Skip("set SWITCHBOARD_E2E_MASTODON_URL, SWITCHBOARD_E2E_MASTODON_BRAND_TOKEN and SWITCHBOARD_E2E_MASTODON_USER_TOKEN to run against a real server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	api := func(tok, method, path string, form url.Values, out any) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequestWithContext(ctx, method, strings.TrimRight(server, "/")+path, body)
		req.Header.Set("Authorization", "Bearer "+tok)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("%s %s: HTTP %d", method, path, resp.StatusCode)
		}
		if out != nil {
			if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
				t.Fatal(err)
			}
		}
	}
	var brand, user struct {
		ID, Acct string
	}
	api(brandTok, "GET", "/api/v1/accounts/verify_credentials", nil, &brand)
	api(userTok, "GET", "/api/v1/accounts/verify_credentials", nil, &user)

	s, err := store.Open(filepath.Join(t.TempDir(), "e2e.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := New("e2e", server, brandTok, nil)
	p := connectors.NewPoller(s, connectors.PollerOptions{})
	p.Add(c, 0)
	p.Once(ctx) // set the cursor past older mentions

	nonce := fmt.Sprintf("e2e-%d", time.Now().UnixNano())
	api(userTok, "POST", "/api/v1/statuses", url.Values{"status": {"@" + brand.Acct + " help please " + nonce}, "visibility": {"public"}}, nil)
	var got domain.Mention
	for i := 0; i < 20 && got.NativeID == ""; i++ {
		time.Sleep(time.Second)
		res := p.Once(ctx)
		if res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		pg, err := s.Query(store.Filter{Text: nonce}, "", 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Mentions) > 0 {
			got = pg.Mentions[0]
		}
	}
	if got.NativeID == "" {
		t.Fatal("the mention never arrived")
	}
	reply := "We are on it " + nonce
	if _, err := c.Send(ctx, connectors.Message{IdempotencyKey: nonce, Visibility: domain.VisibilityPrivate, Text: reply, InReplyTo: got}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		var ns []notification
		api(userTok, "GET", "/api/v1/notifications?types[]=mention&limit=20", nil, &ns)
		for _, n := range ns {
			if n.Status != nil && n.Status.Visibility == "direct" && strings.Contains(PlainText(n.Status.Content), reply) {
				return
			}
		}
		time.Sleep(time.Second)
	}
	t.Fatal("the user never received the private reply")
}
