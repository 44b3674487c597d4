package store

import (
	"strconv"
	"strings"

	"switchboard/domain"
)

// index describes one secondary index: a flat bucket of value|timekey keys.
type index struct {
	name   string
	bucket []byte
	// values lists the index values of a mention (may repeat nothing).
	values func(m *domain.Mention) []string
	// counted indexes keep a counter per value in the counts bucket.
	counted bool
}

// Index names, as used by Filter and Counts.
const (
	IndexStatus   = "status"
	IndexTag      = "tag"
	IndexTeam     = "team"
	IndexAssignee = "assignee"
	IndexPlatform = "platform"
	IndexIncident = "incident"
	IndexBand     = "band"
	IndexPriority = "priority"
	IndexWord     = "word"
	// IndexConversation lists the mentions merged into one conversation.
	IndexConversation = "conversation"
	// IndexReplyTo lists the replies to a message by the key of the
	// message they answer (platform:parent id): a thread's replies are
	// found without a scan.
	IndexReplyTo = "reply_to"
	// IndexDM lists the direct messages of one person on one platform
	// (platform:handle, the handle folded to lower case).
	IndexDM = "dm"
	// IndexAuthor lists each contact's mentions (value: the day and the
	// contact key, platform:handle, see ContactKey).
	IndexAuthor = "author"
	// IndexKind, IndexLang and IndexFollowers narrow kind:, lang: and
	// followers: (schema 2): counted, so a value nobody has answers at
	// once, and the rarest condition drives the walk. The filter still
	// checks the exact condition on each mention they yield.
	IndexKind = "kind"
	// IndexLang holds a mention's language and each shorter prefix of it
	// at a "-" ("nl-be" and "nl"), lower case: lang:nl finds nl-BE.
	IndexLang = "lang"
	// IndexFollowers holds the author's follower band (see FollowerBand).
	IndexFollowers = "followers"
)

var indexes = []*index{
	{name: IndexStatus, bucket: []byte("ix_status"), counted: true, values: func(m *domain.Mention) []string {
		return []string{string(storedStatus(m))}
	}},
	{name: IndexTag, bucket: []byte("ix_tag"), counted: true, values: func(m *domain.Mention) []string {
		return m.State.Tags
	}},
	{name: IndexTeam, bucket: []byte("ix_team"), counted: true, values: func(m *domain.Mention) []string {
		return []string{m.State.Team}
	}},
	{name: IndexAssignee, bucket: []byte("ix_assignee"), counted: true, values: func(m *domain.Mention) []string {
		return []string{m.State.Assignee}
	}},
	{name: IndexPlatform, bucket: []byte("ix_platform"), counted: true, values: func(m *domain.Mention) []string {
		return []string{string(m.Platform)}
	}},
	{name: IndexIncident, bucket: []byte("ix_incident"), counted: true, values: func(m *domain.Mention) []string {
		return []string{m.State.IncidentID}
	}},
	{name: IndexBand, bucket: []byte("ix_band"), counted: true, values: func(m *domain.Mention) []string {
		return []string{string(m.Band())}
	}},
	{name: IndexPriority, bucket: []byte("ix_priority"), counted: true, values: func(m *domain.Mention) []string {
		return []string{string(storedPriority(m))}
	}},
	{name: IndexWord, bucket: []byte("ix_word"), counted: false, values: dayWords},
	// a store made before conversations gets this bucket empty at open,
	// which is right: none of its mentions is merged
	{name: IndexConversation, bucket: []byte("ix_conversation"), counted: false, values: func(m *domain.Mention) []string {
		if m.State.Conversation == "" {
			return nil
		}
		return []string{m.State.Conversation}
	}},
	// a store made before threads gets these two buckets at open, filled
	// from its records (see backfillIndexes)
	{name: IndexReplyTo, bucket: []byte("ix_reply_to"), counted: false, values: func(m *domain.Mention) []string {
		if k := ParentKey(m); k != "" {
			return []string{k}
		}
		return nil
	}},
	{name: IndexDM, bucket: []byte("ix_dm"), counted: false, values: func(m *domain.Mention) []string {
		if m.Kind != domain.KindDM {
			return nil
		}
		return []string{DMPerson(m)}
	}},
	// a store made before contacts gets this bucket filled at open (see
	// backfillContacts); the contacts' counters say how many each holds.
	// Partitioned by day like the word index, so that a batch of mentions
	// by many authors writes one hot region of it: a contact's mentions
	// are read day by day between its first and last seen.
	{name: IndexAuthor, bucket: []byte("ix_author"), counted: false, values: func(m *domain.Mention) []string {
		return []string{dayValue(dayOf(m.CreatedAt.Unix()), ContactKey(m.Platform, m.Author.Handle))}
	}},
	{name: IndexKind, bucket: []byte("ix_kind"), counted: true, values: func(m *domain.Mention) []string {
		return []string{string(kindOf(m))}
	}},
	{name: IndexLang, bucket: []byte("ix_lang"), counted: true, values: func(m *domain.Mention) []string {
		return langValues(m.Lang)
	}},
	{name: IndexFollowers, bucket: []byte("ix_followers"), counted: true, values: func(m *domain.Mention) []string {
		return []string{strconv.FormatInt(FollowerBand(m.Author.Followers), 10)}
	}},
}

// kindOf is a mention's kind, "mention" when it has none.
func kindOf(m *domain.Mention) domain.Kind {
	if m.Kind == "" {
		return domain.KindMention
	}
	return m.Kind
}

// langValues are the lang index values of a language tag: the tag and
// every prefix of it that ends before a "-", lower case.
func langValues(tag string) []string {
	tag = ixValue(strings.ToLower(tag))
	out := []string{tag}
	for i := len(tag) - 1; i > 0; i-- {
		if tag[i] == '-' {
			out = append(out, tag[:i])
		}
	}
	return out
}

// FollowerBand is the lowest follower count of n's band: counts below 100
// are bands of their own, larger ones are grouped by their first two
// digits (100–109, 110–119, …, 990–999, 1,000–1,099, …), so a range query
// reads few bands at every scale and at most two bands hold counts
// outside the range.
func FollowerBand(n int64) int64 {
	if n < 100 {
		return max(n, 0)
	}
	p := int64(1)
	for n/p >= 100 {
		p *= 10
	}
	return n / p * p
}

// nextFollowerBand is the lowest count of the band after b's.
func nextFollowerBand(b int64) int64 {
	if b < 100 {
		return b + 1
	}
	p := int64(1)
	for b/p >= 100 {
		p *= 10
	}
	return b + p
}

// ParentKey is the key of the message m answers ("" for none): its
// platform and in_reply_to id.
func ParentKey(m *domain.Mention) string {
	if m.InReplyTo == "" {
		return ""
	}
	return domain.MentionKey(m.Platform, ixValue(m.InReplyTo))
}

// DMPerson names the direct-message conversation m belongs to: one per
// person and platform (platform:handle, the handle without "@" and in
// lower case).
func DMPerson(m *domain.Mention) string {
	h := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(m.Author.Handle), "@"))
	return string(m.Platform) + ":" + ixValue(h)
}

// ixValue keeps an index value free of the zero byte that ends it.
func ixValue(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

func indexByName(name string) *index {
	for _, ix := range indexes {
		if ix.name == name {
			return ix
		}
	}
	return nil
}

func storedStatus(m *domain.Mention) domain.Status {
	if m.State.Status == "" {
		return domain.StatusOpen
	}
	return m.State.Status
}

func storedPriority(m *domain.Mention) domain.Priority {
	if m.State.Priority == "" {
		return domain.PriorityNormal
	}
	return m.State.Priority
}

// The word index is partitioned by day: its values are the day of the
// mention (2 bytes, days since 1970) followed by the word. A batch of new
// mentions then lands in one small, hot region of the tree instead of
// dirtying a page for every distinct word in the whole index, which made
// ingest several times slower; a search walks the days newest-first, one
// seek per day.
func dayWords(m *domain.Mention) []string {
	words := mentionWords(m)
	d := dayOf(m.CreatedAt.Unix())
	for i, w := range words {
		words[i] = dayValue(d, w)
	}
	return words
}

func dayOf(unix int64) uint16 {
	if unix < 0 {
		return 0
	}
	return uint16(unix / 86400)
}

func dayValue(d uint16, word string) string {
	return string([]byte{byte(d >> 8), byte(d)}) + word
}

// mentionWords are the searchable words of a mention: its text and its
// author's handle and name.
func mentionWords(m *domain.Mention) []string {
	w := appendWords(make([]string, 0, 32), m.Text)
	w = appendWords(w, m.Author.Handle)
	return appendWords(w, m.Author.Name)
}
