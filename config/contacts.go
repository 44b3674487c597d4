package config

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"switchboard/domain"
)

// Contacts is the `contacts:` section: tags the team puts on authors
// (VIP, journalist, employee, partner …), by handle. A handle is written
// as in the import format's author.handle, on any platform, or
// platform:handle for one platform; "@" and case are ignored. The tags
// show on the contact with the ones operators set by hand, and only this
// file changes them.
//
//	contacts:
//	  "@ana@social.example": [vip, partner]
//	  "x:@journo": journalist
//	  ana.bsky.social: vip
type Contacts struct {
	Entries []ContactTags
}

// ContactTags is one entry of the section.
type ContactTags struct {
	Platform domain.Platform // "" for any platform
	Handle   string
	Tags     []string
	Line     int
}

// UnmarshalYAML reads and checks the section.
func (c *Contacts) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: contacts: want a mapping of handles to tags (\"@ana@social.example\": [vip])", n.Line)
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || strings.TrimSpace(strings.TrimPrefix(k.Value, "@")) == "" || strings.ContainsAny(k.Value, " \t\n") {
			return fmt.Errorf("line %d: contacts: %q is not a handle (write it as in the import format's author.handle, or platform:handle)", k.Line, k.Value)
		}
		e := ContactTags{Handle: k.Value, Line: k.Line}
		if p, h, ok := strings.Cut(k.Value, ":"); ok && domain.Platform(p).Valid() {
			e.Platform, e.Handle = domain.Platform(p), h
		}
		id := string(e.Platform) + ":" + fold(e.Handle)
		if l, dup := seen[id]; dup {
			return fmt.Errorf("line %d: contacts: %s is already given on line %d", k.Line, k.Value, l)
		}
		seen[id] = k.Line
		var items []*yaml.Node
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag != "!!null":
			items = []*yaml.Node{v}
		case v.Kind == yaml.SequenceNode:
			items = v.Content
		}
		if len(items) == 0 {
			return fmt.Errorf("line %d: contacts: %s: give one tag or a list of tags (vip, journalist, employee, partner …)", v.Line, k.Value)
		}
		for _, it := range items {
			t := strings.TrimSpace(it.Value)
			switch {
			case it.Kind != yaml.ScalarNode || t == "" || strings.ContainsAny(t, " \t\n,"):
				return fmt.Errorf("line %d: contacts: %s: a tag is one word like vip", it.Line, k.Value)
			case len(t) > 64:
				return fmt.Errorf("line %d: contacts: %s: tag %q is longer than 64 bytes", it.Line, k.Value, t[:64])
			case strings.ContainsFunc(t, func(r rune) bool { return r < 0x20 || r == 0x7f }):
				return fmt.Errorf("line %d: contacts: %s: tag %q holds a control character", it.Line, k.Value, t)
			}
			if !slices.Contains(e.Tags, t) {
				e.Tags = append(e.Tags, t)
			}
		}
		c.Entries = append(c.Entries, e)
	}
	return nil
}

func fold(handle string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(handle), "@"))
}

// TagsOf are the tags the section gives handle on platform p (entries for
// any platform and for p), nil when none.
func (c Contacts) TagsOf(p domain.Platform, handle string) []string {
	h := fold(handle)
	var out []string
	for _, e := range c.Entries {
		if (e.Platform == "" || e.Platform == p) && fold(e.Handle) == h {
			for _, t := range e.Tags {
				if !slices.Contains(out, t) {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// Lookup is TagsOf through an index built once, for a store that asks
// for every contact it shows; nil when the section is empty.
func (c Contacts) Lookup() func(p domain.Platform, handle string) []string {
	if len(c.Entries) == 0 {
		return nil
	}
	idx := map[string][]string{}
	for _, e := range c.Entries {
		k := string(e.Platform) + ":" + fold(e.Handle)
		idx[k] = append(idx[k], e.Tags...)
	}
	return func(p domain.Platform, handle string) []string {
		h := fold(handle)
		var out []string
		for _, t := range append(slices.Clip(idx[":"+h]), idx[string(p)+":"+h]...) {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
		return out
	}
}
