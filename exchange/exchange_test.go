package exchange

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"switchboard/domain"
)

func TestDecodeValidLine(t *testing.T) {
	line := `{"platform":"mastodon","id":"109","url":"https://social.example/@ana/109","kind":"mention","author":{"id":"7","handle":"@ana@example.social","name":"Ana","followers":120,"verified":false},"text":"Waar blijft mijn bestelling?","lang":"nl","created_at":"2026-11-20T10:00:00Z","in_reply_to":"","tags":["shipping"],"status":"pending","team":"support","assignee":"bob"}`
	m, err := Decode([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if m.Key() != "mastodon:109" || m.Author.Followers != 120 || m.State.Status != domain.StatusPending ||
		m.State.Team != "support" || m.State.Tags[0] != "shipping" || m.CreatedAt.Hour() != 10 {
		t.Fatalf("decoded wrong: %+v", m)
	}
}

func TestDecodeErrorsSayWhat(t *testing.T) {
	cases := map[string]string{
		`{"platform":"x"`: "invalid JSON",
		`{"platform":"x","id":"1","author":{"handle":"@a"},"text":"t"}`:                                                       "created_at is missing",
		`{"platform":"x","id":"1","author":{"handle":""},"text":"t","created_at":"2026-11-20T10:00:00Z"}`:                     "author.handle is missing",
		`{"platform":"myspace","id":"1","author":{"handle":"@a"},"text":"t","created_at":"2026-11-20T10:00:00Z"}`:             `unknown platform "myspace"`,
		`{"platform":"x","id":"1","author":{"handle":"@a"},"text":"t","created_at":"yesterday"}`:                              "not an RFC 3339 time",
		`{"platform":"x","id":"1","author":{"handle":"@a"},"text":5,"created_at":"2026-11-20T10:00:00Z"}`:                     "text should be string",
		`{"platform":"x","id":"1","author":{"handle":"@a"},"text":"t","created_at":"2026-11-20T10:00:00Z","status":"closed"}`: `unknown status "closed"`,
	}
	for line, want := range cases {
		_, err := Decode([]byte(line))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Decode(%s) = %v, want error containing %q", line, err, want)
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	in := `{"platform":"x","id":"1","author":{"handle":"@a","name":"\u001b]0;evil\u0007"},"text":"=HYPERLINK(\"x\")","created_at":"2026-11-20T10:00:00Z","tags":["a","b"],"status":"done","team":"t","assignee":"z"}`
	m, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc, _ := NewEncoder(&buf, "jsonl")
	enc.Encode(&m)
	m2, err := Decode(bytes.TrimSpace(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var buf2 bytes.Buffer
	enc2, _ := NewEncoder(&buf2, "jsonl")
	enc2.Encode(&m2)
	if buf.String() != buf2.String() {
		t.Fatalf("round trip differs:\n%s\n%s", buf.String(), buf2.String())
	}
	if m2.Author.Name != "\x1b]0;evil\x07" {
		t.Fatalf("original bytes not kept for export: %q", m2.Author.Name)
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	var buf bytes.Buffer
	enc, _ := NewEncoder(&buf, "csv")
	m := domain.Mention{Platform: "x", NativeID: "1", Author: domain.Author{Handle: "@a"}, Text: "=HYPERLINK(\"http://evil\")"}
	enc.Encode(&m)
	enc.Flush()
	if !strings.Contains(buf.String(), `"'=HYPERLINK(""http://evil"")"`) {
		t.Fatalf("formula not defused:\n%s", buf.String())
	}
	for in, want := range map[string]string{"-0.500": "-0.500", "+1": "+1", "-1+1": "'-1+1", "@SUM(A1)": "'@SUM(A1)"} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"platform":"x","id":"1","author":{"handle":"@a"},"text":"t","created_at":"2026-11-20T10:00:00Z"}`))
	f.Add([]byte(`{"platform":"mastodon","id":"1","author":{"handle":"@a","followers":-5},"text":"\u202e","created_at":"2026-11-20T10:00:00+02:00","tags":null,"status":"snoozed","snoozed_until":"2027-01-01T00:00:00Z"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := Decode(line)
		if err != nil {
			return
		}
		if m.NativeID == "" || m.Author.Handle == "" || m.CreatedAt.IsZero() || !m.Platform.Valid() {
			t.Fatalf("accepted a record without required fields: %+v", m)
		}
		var buf bytes.Buffer
		enc, _ := NewEncoder(&buf, "jsonl")
		if err := enc.Encode(&m); err != nil {
			t.Fatalf("cannot encode what was decoded: %v", err)
		}
		if !utf8.Valid(buf.Bytes()) {
			t.Fatalf("export is not valid UTF-8")
		}
		if _, err := Decode(bytes.TrimSpace(buf.Bytes())); err != nil {
			t.Fatalf("export of a decoded line does not decode: %v\n%s", err, buf.String())
		}
	})
}

func TestContactLines(t *testing.T) {
	for line, want := range map[string]string{
		`{"platform":"x","id":"1"}`:                   "mention",
		`{"record":"mention","platform":"x"}`:         "mention",
		`{"record":"contact","platform":"x"}`:         "contact",
		`{"record":"person"}`:                         `unknown record "person"`,
		`{"text":"the word \"record\" in a mention"}`: "mention",
	} {
		got, err := Kind([]byte(line))
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, want) {
			t.Errorf("Kind(%s) = %q, want %q", line, got, want)
		}
	}
	c, err := DecodeContact([]byte(`{"record":"contact","platform":"mastodon","handle":"@ana@social.example","tags":["vip"],"link":"bluesky:ana.bsky.social"}`))
	if err != nil || c.Handle != "@ana@social.example" || c.Link != "bluesky:ana.bsky.social" {
		t.Fatalf("%+v %v", c, err)
	}
	var b strings.Builder
	enc, _ := NewEncoder(&b, "jsonl")
	enc.(ContactEncoder).EncodeContact(&c)
	if want := `{"record":"contact","platform":"mastodon","handle":"@ana@social.example","tags":["vip"],"link":"bluesky:ana.bsky.social"}` + "\n"; b.String() != want {
		t.Fatalf("encoded %q", b.String())
	}
	for _, bad := range []string{`{"record":"contact","platform":"myspace","handle":"a"}`, `{"record":"contact","platform":"x","handle":"@"}`,
		`{"record":"contact","platform":"x","handle":"a","notes":[{"text":"t"}]}`} {
		if _, err := DecodeContact([]byte(bad)); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
}
