package x

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"switchboard/connectors"
)

const goodPage = `{"data":[{"id":"1346889436626259968","text":"@brand hi","author_id":"100","created_at":"2024-01-15T12:00:00.000Z","conversation_id":"1346889436626259968","lang":"en"}],
"includes":{"users":[{"id":"100","username":"alice","name":"Alice","verified":false,"public_metrics":{"followers_count":3,"following_count":1,"post_count":1,"listed_count":0}}]},
"meta":{"newest_id":"1346889436626259968","oldest_id":"1346889436626259968","result_count":1,"next_token":"7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"}}`

func TestDecodeMentionsRejectsHostilePayloads(t *testing.T) {
	if _, err := DecodeMentions([]byte(goodPage), time.Now()); err != nil {
		t.Fatalf("good page: %v", err)
	}
	long := strings.Repeat("a", maxTextBytes+1)
	cases := map[string]string{
		"not json":          `{"data":[`,
		"data not array":    `{"data":{"id":"1"}}`,
		"id not numeric":    strings.Replace(goodPage, `"id":"1346889436626259968","text"`, `"id":"../../etc","text"`, 1),
		"id too long":       strings.Replace(goodPage, `"id":"1346889436626259968","text"`, `"id":"12345678901234567890","text"`, 1),
		"no text":           strings.Replace(goodPage, `"text":"@brand hi",`, ``, 1),
		"text too long":     strings.Replace(goodPage, `@brand hi`, long, 1),
		"bad date":          strings.Replace(goodPage, `2024-01-15T12:00:00.000Z`, `yesterday`, 1),
		"no author":         strings.Replace(goodPage, `"author_id":"100",`, ``, 1),
		"user without id":   strings.Replace(goodPage, `{"id":"100","username"`, `{"username"`, 1),
		"user no handle":    strings.Replace(goodPage, `"username":"alice",`, ``, 1),
		"negative follower": strings.Replace(goodPage, `"followers_count":3`, `"followers_count":-3`, 1),
		"bad newest":        strings.Replace(goodPage, `"newest_id":"1346889436626259968"`, `"newest_id":"x"`, 1),
		"token with space":  strings.Replace(goodPage, `7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i`, `a b`, 1),
		"bad reference":     strings.Replace(goodPage, `"lang":"en"`, `"lang":"en","referenced_tweets":[{"type":"replied_to","id":"zz"}]`, 1),
		"escape in lang":    strings.Replace(goodPage, `"lang":"en"`, `"lang":"\u001b[31m"`, 1),
		"leading zero id":   strings.Replace(goodPage, `"author_id":"100"`, `"author_id":"0100"`, 1),
		"year zero":         strings.Replace(goodPage, `2024-01-15T12:00:00.000Z`, `0000-01-15T12:00:00.000Z`, 1),
		"only errors":       `{"errors":[{"title":"Not Found Error","detail":"user gone"}]}`,
	}
	for name, body := range cases {
		p, err := DecodeMentions([]byte(body), time.Now())
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if len(p.Items) != 0 || p.NextToken != "" {
			t.Errorf("%s: half-returned %+v", name, p)
		}
		if name != "only errors" && !errors.Is(err, connectors.ErrBadPayload) {
			t.Errorf("%s: %v does not wrap ErrBadPayload", name, err)
		}
	}
}

func FuzzDecodeMentions(f *testing.F) {
	f.Add([]byte(goodPage))
	f.Add([]byte(`{"data":[],"meta":{"result_count":0}}`))
	f.Add([]byte(`{"data":[{"id":"1","text":"","author_id":"1","created_at":"2024-01-01T00:00:00Z","referenced_posts":[{"type":"replied_to","id":"2"}]}],"errors":[{"message":"x"}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeMentions(b, time.Unix(0, 0))
		if err != nil {
			if len(p.Items) != 0 {
				t.Fatal("items returned with an error")
			}
			return
		}
		for _, m := range p.Items {
			if !isID(m.NativeID) || !isID(m.Author.ID) || m.CreatedAt.IsZero() || !utf8.ValidString(m.Text) {
				t.Fatalf("accepted a bad item %+v", m)
			}
			if m.InReplyTo != "" && !isID(m.InReplyTo) {
				t.Fatalf("bad reply id %q", m.InReplyTo)
			}
			if !idLess(m.NativeID, p.NewestID) && m.NativeID != p.NewestID {
				t.Fatalf("newest id %s older than item %s", p.NewestID, m.NativeID)
			}
		}
		if len(p.NextToken) > maxTokenBytes {
			t.Fatal("oversized token")
		}
	})
}

func BenchmarkDecodeMentionsPage(b *testing.B) {
	var data, users []string
	for i := range 100 {
		id := fmt.Sprint(1346889436626259968 + i)
		data = append(data, fmt.Sprintf(`{"id":"%s","text":"@brand your latest update broke sync again, third time this week #fail https://t.co/abc%d","author_id":"%d","created_at":"2024-01-15T12:00:%02d.000Z","conversation_id":"%s","lang":"en","referenced_tweets":[{"type":"replied_to","id":"1346889436626250000"}]}`, id, i, 1000+i, i%60, id))
		users = append(users, fmt.Sprintf(`{"id":"%d","username":"user%d","name":"User Number %d","verified":%v,"public_metrics":{"followers_count":%d,"following_count":1,"post_count":1,"listed_count":0}}`, 1000+i, i, i, i%2 == 0, i*37))
	}
	body := []byte(`{"data":[` + strings.Join(data, ",") + `],"includes":{"users":[` + strings.Join(users, ",") + `]},"meta":{"result_count":100,"newest_id":"1346889436626260067","next_token":"abc"}}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := DecodeMentions(body, time.Unix(0, 0))
		if err != nil || len(p.Items) != 100 {
			b.Fatal(err)
		}
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add("since=1346889436626259968")
	f.Add("since=1&next=abc&top=9")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		c2, err := parseCursor(c.String())
		if err != nil || c2 != c {
			t.Fatalf("round trip %+v -> %+v (%v)", c, c2, err)
		}
		if c.Since != "" && !isID(c.Since) {
			t.Fatalf("accepted since %q", c.Since)
		}
	})
}
