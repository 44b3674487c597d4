package config

import (
	"slices"
	"strings"
	"testing"

	"switchboard/domain"
)

func TestContactsSection(t *testing.T) {
	c, err := Parse([]byte(`contacts:
  "@ana@social.example": [vip, partner]
  "x:@Journo": journalist
  ana.bsky.social: vip
`), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	look := c.Contacts.Lookup()
	for _, tc := range []struct {
		p    domain.Platform
		h    string
		want []string
	}{
		{domain.PlatformMastodon, "@Ana@social.example", []string{"vip", "partner"}},
		{domain.PlatformX, "@journo", []string{"journalist"}},
		{domain.PlatformMastodon, "@journo", nil},
		{domain.PlatformBluesky, "ana.bsky.social", []string{"vip"}},
	} {
		if got := c.Contacts.TagsOf(tc.p, tc.h); !slices.Equal(got, tc.want) {
			t.Errorf("TagsOf(%s, %s) = %v, want %v", tc.p, tc.h, got, tc.want)
		}
		if got := look(tc.p, tc.h); !slices.Equal(got, tc.want) {
			t.Errorf("Lookup(%s, %s) = %v, want %v", tc.p, tc.h, got, tc.want)
		}
	}
	for in, want := range map[string]string{
		"contacts: [vip]\n":                       "line 1: contacts: want a mapping",
		"contacts:\n  \"@a\": []\n":               "line 2: contacts: @a: give one tag",
		"contacts:\n  \"@a\": [\"two words\"]\n":  "line 2: contacts: @a: a tag is one word",
		"contacts:\n  \"@a\": vip\n  \"@A\": x\n": "line 3: contacts: @A is already given on line 2",
	} {
		if _, err := Parse([]byte(in), "c.yaml"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
