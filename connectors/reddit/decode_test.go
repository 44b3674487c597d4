package reddit

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"switchboard/connectors"
)

const goodListing = `{"kind":"Listing","data":{"after":"t1_abc","before":null,"children":[
{"kind":"t1","data":{"id":"abc","name":"t1_abc","author":"alice","author_fullname":"t2_xyz","body":"u/brand hi","created_utc":1740000000.0,
"context":"/r/brand/comments/lnk1/title/abc/?context=3","parent_id":"t3_lnk1","type":"username_mention","subreddit":"brand"}},
{"kind":"t4","data":{"id":"m1","name":"t4_m1","author":"bob","body":"help","subject":"Order","created_utc":1739999999,"first_message_name":null,"parent_id":null}}]}}`

func TestDecodeListingRejectsHostilePayloads(t *testing.T) {
	p, err := DecodeListing([]byte(goodListing), time.Now())
	if err != nil || len(p.Items) != 2 || p.After != "t1_abc" {
		t.Fatalf("good listing: %v %+v", err, p)
	}
	cases := map[string]string{
		"not json":        `{"kind":"Listing","data":{`,
		"not a listing":   `{"kind":"t1","data":{}}`,
		"no data":         `{"kind":"Listing"}`,
		"bad after":       strings.Replace(goodListing, `"after":"t1_abc"`, `"after":"x; rm"`, 1),
		"name mismatch":   strings.Replace(goodListing, `"name":"t1_abc"`, `"name":"t1_abd"`, 1),
		"kind mismatch":   strings.Replace(goodListing, `{"kind":"t1"`, `{"kind":"t4"`, 1),
		"unknown kind":    strings.Replace(strings.Replace(goodListing, `{"kind":"t1"`, `{"kind":"t5"`, 1), `"t1_abc","author"`, `"t5_abc","author"`, 1),
		"no created":      strings.Replace(goodListing, `"created_utc":1740000000.0,`, ``, 1),
		"ancient created": strings.Replace(goodListing, `1740000000.0`, `12`, 1),
		"bad author":      strings.Replace(goodListing, `"author":"alice"`, `"author":"\u001b[2J"`, 1),
		"bad author id":   strings.Replace(goodListing, `"t2_xyz"`, `"t2_XYZ!"`, 1),
		"no body":         strings.Replace(goodListing, `"body":"u/brand hi",`, ``, 1),
		"bad context":     strings.Replace(goodListing, `/r/brand/comments/lnk1/title/abc/?context=3`, `https://evil.example/`, 1),
		"bad parent":      strings.Replace(goodListing, `"parent_id":"t3_lnk1"`, `"parent_id":"../"`, 1),
		"huge body":       strings.Replace(goodListing, `u/brand hi`, strings.Repeat("a", maxTextBytes+1), 1),
		"bad first msg":   strings.Replace(goodListing, `"first_message_name":null`, `"first_message_name":"zz"`, 1),
	}
	for name, body := range cases {
		p, err := DecodeListing([]byte(body), time.Now())
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !errors.Is(err, connectors.ErrBadPayload) || len(p.Items) != 0 || p.After != "" {
			t.Errorf("%s: %v, half-returned %+v", name, err, p)
		}
	}
}

func FuzzDecodeListing(f *testing.F) {
	f.Add([]byte(goodListing))
	f.Add([]byte(`{"kind":"Listing","data":{"after":null,"children":[]}}`))
	f.Add([]byte(`{"kind":"Listing","data":{"children":[{"kind":"t3","data":{"id":"p1","name":"t3_p1","author":"[deleted]","title":"t","subreddit":"gadgets","permalink":"/r/gadgets/comments/p1/t/","created_utc":1740000000}}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeListing(b, time.Unix(0, 0))
		if err != nil {
			if len(p.Items) != 0 {
				t.Fatal("items with an error")
			}
			return
		}
		if len(p.Items) != len(p.Created) {
			t.Fatal("parallel slices differ")
		}
		for _, m := range p.Items {
			if !fullnameRE().MatchString(m.NativeID) || !utf8.ValidString(m.Text) || !strings.HasPrefix(m.URL, "https://www.reddit.com/") || !m.Kind.Valid() {
				t.Fatalf("bad item %+v", m)
			}
		}
	})
}

func FuzzParseCursor(f *testing.F) {
	f.Add(`{"s":{"inbox":{"m":1740000000,"i":["t1_a"]}},"r":["t1_a"]}`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		// What was accepted survives a round trip.
		c2, err := parseCursor(c.String())
		if err != nil || c2.String() != c.String() {
			t.Fatalf("round trip %q -> %q (%v)", c.String(), c2.String(), err)
		}
	})
}

func BenchmarkDecodeListingPage(b *testing.B) {
	var ch []string
	for i := range 100 {
		ch = append(ch, fmt.Sprintf(`{"kind":"t1","data":{"id":"c%d","name":"t1_c%d","author":"user_%d","author_fullname":"t2_u%d","body":"u/brand_support your latest update broke sync again, third time this week. Any ETA on a fix?","created_utc":%d.0,"context":"/r/brand/comments/lnk%d/some_title/c%d/?context=3","parent_id":"t3_lnk%d","type":"username_mention","subreddit":"brand","was_comment":true,"subject":"username mention","link_title":"Sync broken"}}`, i, i, i, i, 1740000000+i, i, i, i))
	}
	body := []byte(`{"kind":"Listing","data":{"after":"t1_c99","before":null,"dist":100,"children":[` + strings.Join(ch, ",") + `]}}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := DecodeListing(body, time.Unix(0, 0))
		if err != nil || len(p.Items) != 100 {
			b.Fatal(err)
		}
	}
}
