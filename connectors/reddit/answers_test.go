package reddit

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/safetext"
)

func safeLine(s string) bool { return safetext.Line(s) == s }

// FuzzJSONErrors: an api_type=json answer gives things or a clear error
// whose text is one safe line.
func FuzzJSONErrors(f *testing.F) {
	f.Add([]byte(`{"json":{"errors":[],"data":{"things":[{"kind":"t1","data":{"name":"t1_abc","permalink":"/r/brand/comments/x/y/abc/"}}]}}}`))
	f.Add([]byte(`{"json":{"errors":[["NOT_WHITELISTED_BY_USER_MESSAGE","Can't send a message to that user.","to"]]}}`))
	f.Add([]byte(`{"json":{"errors":[["RATELIMIT","Looks like you've been doing that a lot. Take a break for 3 minutes before trying again.","ratelimit"]]}}`))
	f.Add([]byte(`{"json":{"errors":[["BAD_\u001b[31mCODE","\u202eevil\nline",null]]}}`))
	f.Add([]byte(`{"json":{"errors":[[1,2,3],[]]}}`))
	f.Add([]byte(`{"json":null}`))
	f.Add([]byte(`<html>Our CDN was unable to reach our servers</html>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		things, err := jsonErrors(b)
		if err == nil {
			for _, th := range things { // the caller checks names; decoding must not invent any
				_ = th.Data.Name
			}
			return
		}
		if things != nil {
			t.Fatal("things with an error")
		}
		var cannot *connectors.CannotDMError
		var rl *connectors.RateLimitError
		if !errors.Is(err, connectors.ErrBadPayload) && !errors.Is(err, connectors.ErrPermanent) && !errors.As(err, &cannot) && !errors.As(err, &rl) {
			t.Fatalf("unclassified error %v", err)
		}
		if !safeLine(err.Error()) || len([]rune(err.Error())) > 500 {
			t.Fatalf("unsafe or long error %q", err)
		}
	})
}

// FuzzDecodeToken: a token answer gives a header-safe bearer token and a
// sane lifetime, or an error that holds neither the token nor anything
// unsafe.
func FuzzDecodeToken(f *testing.F) {
	f.Add(200, []byte(`{"access_token":"eyJhbGciOiJSUzI1NiIsImtpZCI6IlNIQTI1NjpzS3dsMnlsV0VtMjVmcXhwTU40cWY4MXE2OWFFdWFyMnpLMUdhVGxjdWNZIiwidHlwIjoiSldUIn0.x.y","token_type":"bearer","expires_in":86400,"scope":"*"}`))
	f.Add(200, []byte(`{"error":"invalid_grant"}`))
	f.Add(200, []byte(`{"access_token":"tok\r\nX-Injected: 1","token_type":"bearer","expires_in":3600}`))
	f.Add(200, []byte(`{"access_token":"s3cr3t-token","token_type":"bearer","error":"bad s3cr3t-token"}`))
	f.Add(200, []byte(`{"access_token":"t","token_type":"mac","expires_in":-5}`))
	f.Add(200, []byte(`{"access_token":"t","token_type":"Bearer","expires_in":1e300}`))
	f.Add(401, []byte(`{"message":"Unauthorized","error":401}`))
	f.Add(429, []byte(`{"message":"Too Many Requests","error":429}`))
	f.Add(503, []byte(`<html>upstream</html>`))
	f.Fuzz(func(t *testing.T, status int, b []byte) {
		tok, exp, err := decodeToken(status, b, "brand_support", connectors.RateLimit{})
		if err != nil {
			if tok != "" || exp != 0 {
				t.Fatal("token with an error")
			}
			var in struct {
				AccessToken string `json:"access_token"`
			}
			// The body's words are dropped when they quote the token; a token
			// that happens to be a piece of our own wording leaks nothing.
			if json.Unmarshal(b, &in) == nil && len(in.AccessToken) >= 4 && strings.Contains(err.Error(), in.AccessToken) &&
				!strings.Contains(err.Error(), "withheld") {
				t.Fatalf("error %q holds the token", err)
			}
			if !safeLine(err.Error()) {
				t.Fatalf("unsafe error %q", err)
			}
			if status == http.StatusUnauthorized && !errors.Is(err, connectors.ErrAuth) {
				t.Fatalf("401 is not an auth failure: %v", err)
			}
			return
		}
		if status != http.StatusOK || !connectors.ValidToken(tok) || strings.ContainsAny(tok, " \r\n") {
			t.Fatalf("accepted token %q with status %d", tok, status)
		}
		if exp < 2*time.Minute || exp > 24*time.Hour {
			t.Fatalf("lifetime %v", exp)
		}
	})
}
