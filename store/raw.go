package store

import (
	"bytes"
	"slices"
	"strconv"

	"switchboard/domain"
)

// A stored mention is the JSON of domain.Mention. Some unindexed
// conditions (kind, language, followers, author, FYI) name a field that
// appears once in that JSON under a key no other field has: in JSON text a
// quote inside a string is always escaped (\"), so `"lang":"` can only be
// a key. rejectRaw reads those fields straight from the bytes and rules a
// record out without decoding it; it never rules one in: a record it keeps
// is decoded and checked in full (post.match), and a field it cannot read
// simply (escapes in the value, a shape it does not expect) keeps the
// record.

// rawString is the value of the string field key (`"key":"`) in v, and
// whether it is there and free of escapes. present is false when the key
// is absent (the field was empty and omitted).
func rawString(v []byte, key string) (val []byte, present, ok bool) {
	i := bytes.Index(v, []byte(key))
	if i < 0 {
		return nil, false, true
	}
	rest := v[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 || bytes.IndexByte(rest[:j], '\\') >= 0 {
		return nil, true, false
	}
	return rest[:j], true, true
}

// rawInt is the value of the integer field key (`"key":`) in v; 0 when
// absent.
func rawInt(v []byte, key string) (n int64, ok bool) {
	i := bytes.Index(v, []byte(key))
	if i < 0 {
		return 0, true
	}
	rest := v[i+len(key):]
	j := 0
	for j < len(rest) && (rest[j] == '-' || rest[j] >= '0' && rest[j] <= '9') {
		j++
	}
	n, err := strconv.ParseInt(string(rest[:j]), 10, 64)
	return n, err == nil
}

// rejectRaw reports whether the record v, with the operator state st that
// overrides its own (nil when none, see bState), surely fails one of p's
// kind, language, followers, author or FYI conditions.
func (p *post) rejectRaw(v, st []byte) bool {
	f := p.f
	if f.Kinds != nil {
		k, present, ok := rawString(v, `"kind":"`)
		if ok {
			kind := domain.KindMention
			if present && len(k) > 0 {
				kind = domain.Kind(k)
			}
			if !slices.Contains(f.Kinds, kind) {
				return true
			}
		}
	}
	if f.Langs != nil {
		l, _, ok := rawString(v, `"lang":"`)
		if ok && !slices.ContainsFunc(f.Langs, func(x string) bool { return langIs(string(l), x) }) {
			return true
		}
	}
	if r := f.Followers; r != nil {
		n, ok := rawInt(v, `"followers":`)
		if ok && (r.Min != nil && n < *r.Min || r.Max != nil && n > *r.Max) {
			return true
		}
	}
	if p.authors != nil {
		h, _, ok := rawString(v, `"handle":"`)
		if ok && !slices.Contains(p.authors, foldHandle(string(h))) {
			return true
		}
	}
	if f.FYI != nil {
		if st != nil {
			v = st // the state written since holds the mark
		}
		fyi := bytes.Contains(v, []byte(`"fyi":true`))
		if fyi != *f.FYI {
			return true
		}
	}
	return false
}
