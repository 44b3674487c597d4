package store

import (
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
