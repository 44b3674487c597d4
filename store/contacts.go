package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"switchboard/domain"
)

// Contacts. Every author is a contact, keyed by platform and handle (as
// the folded handle: "@" and case ignored, see ContactKey). The store
// keeps each contact in the transaction that ingests or refreshes one of
// their mentions: the counters (mentions, first and last seen, the
// sentiment sum and its per-week series) change by the mention's share,
// never by a recount, and `db check` recounts them from the mentions to
// verify them. The profile (handle as spelled, followers, verified) is
// the newest mention's; the display names are every name seen.
//
// Operators add tags and notes and link the contacts of one person across
// platforms into a group: a group is shown as one person, with one
// history, and `author:` naming one of its handles matches them all.
// Every such change is an audit event on the target "contact:KEY" and is
// undone like a mention action.

var (
	bContacts      = []byte("contacts")       // contact key → Contact JSON
	bContactGroups = []byte("contact_groups") // group 0 contact key → nil (sequence: group ids)
	bContactNames  = []byte("contact_names")  // folded display name 0 contact key → nil
)

func init() {
	extraBuckets = append(extraBuckets, bContacts, bContactGroups, bContactNames)
}

// ChangeContact is the Change.Kind of a contact's tags, notes or links
// (ID the contact key).
const ChangeContact = "contact"

// ContactTargetPrefix starts the audit target of a contact: "contact:KEY".
const ContactTargetPrefix = "contact:"

// ContactTarget is the audit target of the contact with key.
func ContactTarget(key string) string { return ContactTargetPrefix + key }

// ContactKey is the key of the contact handle on platform p:
// "mastodon:ana@social.example" (the handle without a leading "@",
// lower-cased).
func ContactKey(p domain.Platform, handle string) string {
	return string(p) + ":" + strings.ReplaceAll(foldHandle(handle), "\x00", "\uFFFD")
}

// SplitContactKey is the platform and folded handle of a contact key.
func SplitContactKey(key string) (domain.Platform, string) {
	p, h, _ := strings.Cut(key, ":")
	return domain.Platform(p), h
}

// maxContactNames caps the display names kept per contact (the oldest
// go first).
const maxContactNames = 20

// Contact is one author on one platform.
type Contact struct {
	Platform domain.Platform `json:"platform"`
	// Handle, AuthorID, Followers and Verified are as the newest mention
	// (or the latest fetch of one) gave them. Untrusted platform text.
	Handle    string   `json:"handle"`
	AuthorID  string   `json:"author_id,omitempty"`
	Names     []string `json:"names,omitempty"` // every display name seen, oldest first
	Followers int64    `json:"followers,omitempty"`
	Verified  bool     `json:"verified,omitempty"`
	// The counters: kept at ingest, verified by db check.
	FirstSeen time.Time `json:"first_seen,omitzero"` // the oldest mention's created_at (seconds)
	LastSeen  time.Time `json:"last_seen,omitzero"`  // the newest mention's
	Mentions  int       `json:"mentions"`
	// SentimentSum is the sum of the mentions' scores in thousandths, so
	// that adding and taking away mentions is exact.
	SentimentSum int64 `json:"sentiment_sum,omitempty"`
	// Weeks are the mentions and their sentiment sum per week, oldest
	// first: in the record, so that a card reads them with it.
	Weeks []WeekCount `json:"weeks,omitempty"`
	// What operators set.
	Tags  []string      `json:"tags,omitempty"`
	Notes []domain.Note `json:"notes,omitempty"`
	// Group is the group of linked contacts this one is in ("" alone).
	Group string `json:"group,omitempty"`
}

// Key is the contact's key.
func (c *Contact) Key() string { return ContactKey(c.Platform, c.Handle) }

// Ref is the contact as an operator writes it: platform:handle.
func (c *Contact) Ref() string { return string(c.Platform) + ":" + c.Handle }

// Sentiment is the average sentiment of the contact's mentions.
func (c *Contact) Sentiment() float64 {
	if c.Mentions == 0 {
		return 0
	}
	return float64(c.SentimentSum) / 1000 / float64(c.Mentions)
}

// hasData reports whether operators set anything on the contact.
func (c *Contact) hasData() bool { return len(c.Tags) > 0 || len(c.Notes) > 0 || c.Group != "" }

// milli is a sentiment score in thousandths.
func milli(s float64) int64 { return int64(math.Round(s * 1000)) }

func seenAt(t time.Time) time.Time { return time.Unix(max(0, t.Unix()), 0).UTC() }

// mondayOf is the day (days since 1970) of the Monday of t's week (UTC).
func mondayOf(t time.Time) uint16 {
	d := t.Unix() / 86400
	if d < 0 {
		return 0
	}
	return uint16(d - (d+3)%7) // 1 Jan 1970 was a Thursday
}

// WeekCount is one week of a contact: its Monday (days since 1970), how
// many mentions and their sentiment sum in thousandths. In JSON it is
// [monday, mentions, sum], to keep busy contacts' records small.
type WeekCount struct {
	Monday   uint16
	Mentions int64
	Sum      int64
}

// MarshalJSON writes [monday, mentions, sum].
func (w WeekCount) MarshalJSON() ([]byte, error) {
	return []byte("[" + strconv.Itoa(int(w.Monday)) + "," + strconv.FormatInt(w.Mentions, 10) + "," + strconv.FormatInt(w.Sum, 10) + "]"), nil
}

// UnmarshalJSON reads [monday, mentions, sum].
func (w *WeekCount) UnmarshalJSON(b []byte) error {
	var a [3]int64
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	if a[0] < 0 || a[0] > math.MaxUint16 {
		return fmt.Errorf("week %d is out of range", a[0])
	}
	w.Monday, w.Mentions, w.Sum = uint16(a[0]), a[1], a[2]
	return nil
}

// addWeek adds n mentions with sentiment sum to the week of monday.
func addWeek(ws []WeekCount, monday uint16, n, sum int64) []WeekCount {
	i, found := slices.BinarySearchFunc(ws, monday, func(w WeekCount, d uint16) int { return int(w.Monday) - int(d) })
	if !found {
		ws = slices.Insert(ws, i, WeekCount{Monday: monday})
	}
	ws[i].Mentions += n
	ws[i].Sum += sum
	if ws[i].Mentions <= 0 {
		ws = slices.Delete(ws, i, i+1)
	}
	if len(ws) == 0 {
		return nil
	}
	return ws
}

// authorIter walks the mentions of the contact c (key) in the author
// index, day by day between its first and last seen.
func authorIter(tx *bolt.Tx, key string, first, last time.Time, desc bool) iterator {
	return &dayIter{c: tx.Bucket(indexByName(IndexAuthor).bucket).Cursor(), word: key, desc: desc,
		min: dayOf(first.Unix()), max: dayOf(last.Unix())}
}

// authorsIter walks the mentions of several contacts.
func authorsIter(tx *bolt.Tx, cs []Contact, desc bool) iterator {
	if len(cs) == 1 {
		return authorIter(tx, cs[0].Key(), cs[0].FirstSeen, cs[0].LastSeen, desc)
	}
	u := &union{desc: desc}
	for i := range cs {
		u.its = append(u.its, authorIter(tx, cs[i].Key(), cs[i].FirstSeen, cs[i].LastSeen, desc))
	}
	return u
}

func groupKey(group, key string) []byte { return []byte(group + "\x00" + key) }

// foldName is a display name compared for link suggestions: its words
// as search folds them (case and accents ignored), one space apart.
func foldName(name string) string { return strings.Join(Tokens(name), " ") }

// contactTx is what one transaction changes about contacts; it is written
// at flush, once per contact.
type contactTx struct {
	loaded map[string]*Contact // nil: known not to exist
	dirty  map[string]bool
	bounds map[string]bool // first/last seen to read again from the author index
}

func (w *txw) cx() *contactTx {
	if w.contactsTx == nil {
		w.contactsTx = &contactTx{loaded: map[string]*Contact{}, dirty: map[string]bool{}, bounds: map[string]bool{}}
	}
	return w.contactsTx
}

func getContact(tx *bolt.Tx, key string) (*Contact, error) {
	v := tx.Bucket(bContacts).Get([]byte(key))
	if v == nil {
		return nil, nil
	}
	c := new(Contact)
	if err := json.Unmarshal(v, c); err != nil {
		return nil, fmt.Errorf("store: damaged contact %q: %w", key, err)
	}
	return c, nil
}

// contact is the contact with key as this transaction has it (nil when
// there is none).
func (w *txw) contact(key string) (*Contact, error) {
	cx := w.cx()
	if c, ok := cx.loaded[key]; ok {
		return c, nil
	}
	c, err := getContact(w.tx, key)
	if err != nil {
		return nil, err
	}
	cx.loaded[key] = c
	return c, nil
}

func (w *txw) touch(key string) { w.cx().dirty[key] = true }

// contactAdd counts a mention stored for the first time (or moved to this
// author by a refresh) on its author's contact.
func (w *txw) contactAdd(m *domain.Mention) error {
	key := ContactKey(m.Platform, m.Author.Handle)
	c, err := w.contact(key)
	if err != nil {
		return err
	}
	if c == nil {
		c = &Contact{Platform: m.Platform, Handle: m.Author.Handle}
		w.cx().loaded[key] = c
	}
	t := seenAt(m.CreatedAt)
	c.Mentions++
	c.SentimentSum += milli(m.Sentiment)
	if c.FirstSeen.IsZero() || t.Before(c.FirstSeen) {
		c.FirstSeen = t
	}
	if !t.Before(c.LastSeen) {
		c.LastSeen = t
		w.profile(c, m.Author)
	}
	if err := w.addName(key, c, m.Author.Name); err != nil {
		return err
	}
	c.Weeks = addWeek(c.Weeks, mondayOf(m.CreatedAt), 1, milli(m.Sentiment))
	w.touch(key)
	return nil
}

// contactRemove takes a mention away from its author's contact (a refresh
// that moved it to another handle).
func (w *txw) contactRemove(m *domain.Mention) error {
	key := ContactKey(m.Platform, m.Author.Handle)
	c, err := w.contact(key)
	if err != nil || c == nil {
		return err
	}
	t := seenAt(m.CreatedAt)
	c.Mentions--
	c.SentimentSum -= milli(m.Sentiment)
	if t.Equal(c.FirstSeen) || t.Equal(c.LastSeen) {
		w.cx().bounds[key] = true
	}
	c.Weeks = addWeek(c.Weeks, mondayOf(m.CreatedAt), -1, -milli(m.Sentiment))
	w.touch(key)
	return nil
}

// contactRefresh follows a refreshed mention: a new handle moves it to
// another contact; otherwise the fetch is the freshest word on the
// author's profile.
func (w *txw) contactRefresh(old, m *domain.Mention) error {
	ok, nk := ContactKey(old.Platform, old.Author.Handle), ContactKey(m.Platform, m.Author.Handle)
	if ok != nk {
		if err := w.contactRemove(old); err != nil {
			return err
		}
		return w.contactAdd(m)
	}
	if old.Author == m.Author {
		return nil
	}
	c, err := w.contact(nk)
	if err != nil || c == nil {
		return err
	}
	w.profile(c, m.Author)
	if err := w.addName(nk, c, m.Author.Name); err != nil {
		return err
	}
	w.touch(nk)
	return nil
}

func (w *txw) profile(c *Contact, a domain.Author) {
	c.Handle, c.Followers, c.Verified = a.Handle, a.Followers, a.Verified
	if a.ID != "" {
		c.AuthorID = a.ID
	}
}

// addName records a display name seen on the contact, and in the name
// index that link suggestions read.
func (w *txw) addName(key string, c *Contact, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || slices.Contains(c.Names, name) {
		return nil
	}
	c.Names = append(c.Names, name)
	nb := w.tx.Bucket(bContactNames)
	if len(c.Names) > maxContactNames {
		gone := c.Names[0]
		c.Names = slices.Delete(c.Names, 0, 1)
		if f := foldName(gone); f != "" && !slices.ContainsFunc(c.Names, func(n string) bool { return foldName(n) == f }) {
			if err := nb.Delete([]byte(f + "\x00" + key)); err != nil {
				return err
			}
		}
	}
	if f := foldName(name); f != "" {
		return nb.Put([]byte(f+"\x00"+key), nil)
	}
	return nil
}

// flushContacts writes what the transaction changed about contacts. It
// runs after the index writes, which the first and last seen of a contact
// that lost a mention are read from again.
func (w *txw) flushContacts() error {
	cx := w.contactsTx
	if cx == nil {
		return nil
	}
	for key := range cx.bounds {
		c := cx.loaded[key]
		if c == nil || c.FirstSeen.IsZero() {
			continue
		}
		first, last := c.FirstSeen, c.LastSeen // the mentions lie within
		c.FirstSeen, c.LastSeen = time.Time{}, time.Time{}
		if tk := authorIter(w.tx, key, first, last, false).seek(make([]byte, timekeyLen)); tk != nil {
			c.FirstSeen = timekeyTime(tk)
		}
		if tk := authorIter(w.tx, key, first, last, true).seek(bytes.Repeat([]byte{0xff}, timekeyLen)); tk != nil {
			c.LastSeen = timekeyTime(tk)
		}
	}
	keys := make([]string, 0, len(cx.dirty))
	for k := range cx.dirty {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	cb := w.tx.Bucket(bContacts)
	for _, key := range keys {
		c := cx.loaded[key]
		if c == nil {
			continue
		}
		if c.Mentions <= 0 && !c.hasData() {
			if err := cb.Delete([]byte(key)); err != nil {
				return err
			}
			for _, n := range c.Names {
				if f := foldName(n); f != "" {
					if err := w.tx.Bucket(bContactNames).Delete([]byte(f + "\x00" + key)); err != nil {
						return err
					}
				}
			}
			continue
		}
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if err := cb.Put([]byte(key), b); err != nil {
			return err
		}
	}
	return nil
}

// backfillContacts builds the contacts and the author index of a store
// written before contacts existed, once, when it is first opened by this
// binary.
func (s *Store) backfillContacts(tx *bolt.Tx) error {
	w := &txw{s: s, tx: tx, counts: map[countRef]int64{}, ops: map[*index][]ixop{}}
	ix := indexByName(IndexAuthor)
	err := tx.Bucket(bMentions).ForEach(func(tk, v []byte) error {
		m, err := decodeMention(tk, v)
		if err != nil {
			return nil // db check reports it
		}
		for _, val := range ix.values(m) {
			w.ops[ix] = append(w.ops[ix], ixop{ixkey(val, tk), true})
		}
		return w.contactAdd(m)
	})
	if err != nil {
		return err
	}
	return w.flush()
}

// --- Reading ---

// ContactTags is the config's tags of a contact (Options.ContactTags).
func (s *Store) configTags(c *Contact) []string {
	if s.opts.ContactTags == nil {
		return nil
	}
	return s.opts.ContactTags(c.Platform, c.Handle)
}

// FindContacts lists the contacts an operator's HANDLE names: a handle as
// in the import format's author.handle ("@ana@social.example"), on any
// platform, or "platform:handle" for one platform. More than one is an
// ambiguous handle; none, a handle never seen.
func (s *Store) FindContacts(spec string) ([]Contact, error) {
	spec = strings.TrimSpace(spec)
	platforms := domain.Platforms
	if p, h, ok := strings.Cut(spec, ":"); ok && domain.Platform(p).Valid() {
		platforms, spec = []domain.Platform{domain.Platform(p)}, h
	}
	var out []Contact
	err := s.view(func(tx *bolt.Tx) error {
		for _, p := range platforms {
			c, err := getContact(tx, ContactKey(p, spec))
			if err != nil {
				return err
			}
			if c != nil {
				out = append(out, *c)
			}
		}
		return nil
	})
	return out, err
}

// Person is a contact with the contacts linked to it: one person across
// platforms. The totals are over every linked contact.
type Person struct {
	// Contacts are the linked contacts, the one asked for first.
	Contacts []Contact
	Group    string
	Mentions int
	// Followers is the sum over the contacts; Verified whether any is.
	Followers int64
	Verified  bool
	Names     []string
	FirstSeen time.Time
	LastSeen  time.Time
	// Tags are the operators' and the config's; ConfigTags the config's
	// (the contacts: section), which only the config file changes.
	Tags       []string
	ConfigTags []string
	Notes      []ContactNote
	// Sentiment is the average score of all the mentions.
	Sentiment float64
}

// ContactNote is a note on one of a person's contacts.
type ContactNote struct {
	Contact string // contact key
	domain.Note
}

// Handles are the person's handles, as spelled on the platforms.
func (p *Person) Handles() []string {
	out := make([]string, len(p.Contacts))
	for i := range p.Contacts {
		out[i] = p.Contacts[i].Handle
	}
	return out
}

// Keys are the person's contact keys.
func (p *Person) Keys() []string {
	out := make([]string, len(p.Contacts))
	for i := range p.Contacts {
		out[i] = p.Contacts[i].Key()
	}
	return out
}

// Card is what the detail view and `contacts show` show of a person.
type Card struct {
	Person
	// Weeks is the sentiment series, one entry per week with mentions,
	// oldest first.
	Weeks []WeekSentiment
	// Recent are the person's newest mentions across the linked contacts,
	// newest first, with our replies to each.
	Recent []CardMention
	// Suggestions are contacts that may be the same person (not linked).
	Suggestions []Suggestion
	// History is the audit log of the contacts (tags, notes, links).
	History []domain.Event
}

// WeekSentiment is one week of a person's sentiment.
type WeekSentiment struct {
	Monday   time.Time
	Mentions int
	Average  float64
}

// CardMention is one of a person's mentions and our replies to it
// (every draft that is not cancelled or rejected, oldest first).
type CardMention struct {
	domain.Mention
	Replies []domain.Draft
}

// Suggestion is a contact that may be the person, and why.
type Suggestion struct {
	Contact Contact
	Reason  string
}

// members are the contacts in c's group (c alone when it has none), c
// first, the others by key.
func members(tx *bolt.Tx, c *Contact) ([]Contact, error) {
	out := []Contact{*c}
	if c.Group == "" {
		return out, nil
	}
	keys, err := groupMembers(tx, c.Group)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k == c.Key() {
			continue
		}
		m, err := getContact(tx, k)
		if err != nil {
			return nil, err
		}
		if m != nil {
			out = append(out, *m)
		}
	}
	return out, nil
}

func groupMembers(tx *bolt.Tx, group string) ([]string, error) {
	var out []string
	prefix := []byte(group + "\x00")
	c := tx.Bucket(bContactGroups).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, string(k[len(prefix):]))
	}
	return out, nil
}

func (s *Store) person(tx *bolt.Tx, c *Contact) (Person, error) {
	ms, err := members(tx, c)
	if err != nil {
		return Person{}, err
	}
	p := Person{Contacts: ms, Group: c.Group}
	var sum int64
	for i := range ms {
		m := &ms[i]
		p.Mentions += m.Mentions
		sum += m.SentimentSum
		p.Followers += m.Followers
		p.Verified = p.Verified || m.Verified
		for _, n := range m.Names {
			if !slices.Contains(p.Names, n) {
				p.Names = append(p.Names, n)
			}
		}
		if !m.FirstSeen.IsZero() && (p.FirstSeen.IsZero() || m.FirstSeen.Before(p.FirstSeen)) {
			p.FirstSeen = m.FirstSeen
		}
		if m.LastSeen.After(p.LastSeen) {
			p.LastSeen = m.LastSeen
		}
		for _, t := range m.Tags {
			if !slices.Contains(p.Tags, t) {
				p.Tags = append(p.Tags, t)
			}
		}
		for _, t := range s.configTags(m) {
			if !slices.Contains(p.ConfigTags, t) {
				p.ConfigTags = append(p.ConfigTags, t)
			}
			if !slices.Contains(p.Tags, t) {
				p.Tags = append(p.Tags, t)
			}
		}
		for _, n := range m.Notes {
			p.Notes = append(p.Notes, ContactNote{Contact: m.Key(), Note: n})
		}
	}
	sort.SliceStable(p.Notes, func(i, j int) bool { return p.Notes[i].At.Before(p.Notes[j].At) })
	if p.Mentions > 0 {
		p.Sentiment = float64(sum) / 1000 / float64(p.Mentions)
	}
	return p, nil
}

// ContactCard reads the card of the contact with key and the contacts
// linked to it, with its recent newest mentions (and our replies to
// them). It reads the counters the store keeps: it never counts.
func (s *Store) ContactCard(key string, recent int) (Card, error) {
	var card Card
	err := s.view(func(tx *bolt.Tx) error {
		c, err := getContact(tx, key)
		if err != nil {
			return err
		}
		if c == nil {
			return fmt.Errorf("contact %s: %w", key, ErrNotFound)
		}
		if card.Person, err = s.person(tx, c); err != nil {
			return err
		}
		card.Weeks = readWeeks(card.Contacts)
		if card.Recent, err = recentMentions(tx, card.Contacts, recent); err != nil {
			return err
		}
		card.Suggestions = suggestions(tx, &card.Person)
		card.History, err = contactHistory(tx, card.Keys())
		return err
	})
	return card, err
}

// CardOf is the card of the author of m.
func (s *Store) CardOf(m *domain.Mention, recent int) (Card, error) {
	return s.ContactCard(ContactKey(m.Platform, m.Author.Handle), recent)
}

func readWeeks(cs []Contact) []WeekSentiment {
	var all []WeekCount
	for i := range cs {
		for _, wk := range cs[i].Weeks {
			all = addWeek(all, wk.Monday, wk.Mentions, wk.Sum)
		}
	}
	out := make([]WeekSentiment, 0, len(all))
	for _, a := range all {
		out = append(out, WeekSentiment{Monday: time.Unix(int64(a.Monday)*86400, 0).UTC(), Mentions: int(a.Mentions), Average: float64(a.Sum) / 1000 / float64(a.Mentions)})
	}
	return out
}

func recentMentions(tx *bolt.Tx, cs []Contact, n int) ([]CardMention, error) {
	if n <= 0 {
		return nil, nil
	}
	it := authorsIter(tx, cs, true)
	var out []CardMention
	for tk := it.seek(bytes.Repeat([]byte{0xff}, timekeyLen)); tk != nil && len(out) < n; tk = it.next() {
		m, err := getMention(tx, tk)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, fmt.Errorf("store: the author index points at missing record %x (run `switchboard db check`)", tk)
			}
			return nil, err
		}
		ds, err := draftsOf(tx, m.Key())
		if err != nil {
			return nil, err
		}
		cm := CardMention{Mention: *m}
		for _, d := range ds {
			if d.State != domain.DraftCancelled && d.State != domain.DraftRejected {
				cm.Replies = append(cm.Replies, d)
			}
		}
		out = append(out, cm)
	}
	return out, nil
}

// maxSuggestions caps the link suggestions of one card.
const maxSuggestions = 10

// suggestions are the contacts not linked to p whose display names are
// one of p's (case, accents and spacing ignored).
func suggestions(tx *bolt.Tx, p *Person) []Suggestion {
	var out []Suggestion
	seen := map[string]bool{}
	for _, k := range p.Keys() {
		seen[k] = true
	}
	c := tx.Bucket(bContactNames).Cursor()
	for _, name := range p.Names {
		f := foldName(name)
		if f == "" {
			continue
		}
		prefix := []byte(f + "\x00")
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < maxSuggestions; k, _ = c.Next() {
			key := string(k[len(prefix):])
			if seen[key] {
				continue
			}
			seen[key] = true
			sc, err := getContact(tx, key)
			if err != nil || sc == nil {
				continue
			}
			out = append(out, Suggestion{Contact: *sc, Reason: "same display name " + strconv.Quote(name)})
		}
	}
	return out
}

func contactHistory(tx *bolt.Tx, keys []string) ([]domain.Event, error) {
	var out []domain.Event
	c := tx.Bucket(bEvTarget).Cursor()
	evs := tx.Bucket(bEvents)
	for _, key := range keys {
		prefix := []byte(ContactTarget(key) + "\x00")
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) != len(prefix)+8 {
				continue
			}
			var ev domain.Event
			if err := json.Unmarshal(evs.Get(k[len(prefix):]), &ev); err != nil {
				return nil, fmt.Errorf("store: damaged event: %w", err)
			}
			out = append(out, ev)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

// People lists every person (contacts linked into one are one person),
// most mentions first; with keys, only the people those contacts are.
func (s *Store) People(keys []string) ([]Person, error) {
	var out []Person
	err := s.view(func(tx *bolt.Tx) error {
		done := map[string]bool{}
		add := func(c *Contact) error {
			if done[c.Key()] || (c.Group != "" && done["\x00"+c.Group]) {
				return nil
			}
			p, err := s.person(tx, c)
			if err != nil {
				return err
			}
			done[c.Key()] = true
			if c.Group != "" {
				done["\x00"+c.Group] = true
			}
			out = append(out, p)
			return nil
		}
		if keys == nil {
			return tx.Bucket(bContacts).ForEach(func(k, v []byte) error {
				c := new(Contact)
				if err := json.Unmarshal(v, c); err != nil {
					return fmt.Errorf("store: damaged contact %q: %w", k, err)
				}
				return add(c)
			})
		}
		for _, k := range keys {
			c, err := getContact(tx, k)
			if err != nil {
				return err
			}
			if c != nil {
				if err := add(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Mentions != out[j].Mentions {
			return out[i].Mentions > out[j].Mentions
		}
		return out[i].Contacts[0].Key() < out[j].Contacts[0].Key()
	})
	return out, err
}

// ExpandAuthors widens f.Authors with every handle of the contacts linked
// to a contact it names, so that `author:` follows links. Query and Count
// do it themselves; a caller that matches mentions in hand with
// Filter.Matches (live updates) expands the filter once with this.
func (s *Store) ExpandAuthors(f Filter) Filter {
	if f.Authors == nil {
		return f
	}
	_ = s.view(func(tx *bolt.Tx) error {
		f = expandAuthors(tx, f)
		return nil
	})
	return f
}

func expandAuthors(tx *bolt.Tx, f Filter) Filter {
	if f.Authors == nil {
		return f
	}
	out := make([]string, 0, len(f.Authors))
	add := func(h string) {
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	for _, a := range f.Authors {
		h := foldHandle(a)
		add(h)
		for _, p := range domain.Platforms {
			c, err := getContact(tx, ContactKey(p, h))
			if err != nil || c == nil || c.Group == "" {
				continue
			}
			keys, _ := groupMembers(tx, c.Group)
			for _, k := range keys {
				_, mh := SplitContactKey(k)
				add(mh)
			}
		}
	}
	f.Authors = out
	return f
}

// authorCond is the author index condition of handles (already folded):
// each handle on every platform it has a contact on, estimated by the
// contacts' counters.
func authorCond(tx *bolt.Tx, handles []string) cond {
	c := cond{ix: indexByName(IndexAuthor)}
	var cs []Contact
	for _, h := range handles {
		for _, p := range domain.Platforms {
			key := ContactKey(p, h)
			ct, err := getContact(tx, key)
			if err != nil || ct == nil || ct.Mentions <= 0 {
				continue
			}
			cs = append(cs, *ct)
			c.values = append(c.values, key)
			c.est += ct.Mentions
		}
	}
	if len(cs) > 0 {
		c.iter = func(desc bool) iterator { return authorsIter(tx, cs, desc) }
	} else {
		c.values = []string{}
	}
	return c
}

// --- Writing ---

// ErrAmbiguous wraps a handle that names contacts on several platforms.
var ErrAmbiguous = errors.New("ambiguous handle")

// changeContacts runs fn on the contacts named by keys in one write
// transaction as actor (who needs domain.PermTriage); fn returns the
// events to record. ErrNoChange when it records none.
func (s *Store) changeContacts(actor string, keys []string, fn func(w *txw, cs []*Contact) ([]domain.Event, error)) ([]domain.Event, error) {
	if err := validLabel("actor", actor); err != nil {
		return nil, err
	}
	if err := s.authorize(actor, domain.PermTriage); err != nil {
		return nil, err
	}
	var out []domain.Event
	_, err := s.update(func(w *txw) error {
		cs := make([]*Contact, len(keys))
		for i, k := range keys {
			c, err := w.contact(k)
			if err != nil {
				return err
			}
			if c == nil {
				return fmt.Errorf("contact %s: %w", k, ErrNotFound)
			}
			cs[i] = c
		}
		evs, err := fn(w, cs)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return ErrNoChange
		}
		for _, ev := range evs {
			ev.Actor = actor
			e, err := w.appendEvent(ev)
			if err != nil {
				return err
			}
			out = append(out, e)
			key := strings.TrimPrefix(ev.Target, ContactTargetPrefix)
			w.extra = append(w.extra, Change{Kind: ChangeContact, ID: key})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TagContact adds tags to the contact with key (the person: a tag any of
// the linked contacts has already is not added again).
func (s *Store) TagContact(actor, key string, tags ...string) ([]domain.Event, error) {
	for _, t := range tags {
		if err := validLabel("tag", t); err != nil {
			return nil, err
		}
	}
	return s.changeContacts(actor, []string{key}, func(w *txw, cs []*Contact) ([]domain.Event, error) {
		ms, err := w.groupOf(cs[0])
		if err != nil {
			return nil, err
		}
		var evs []domain.Event
		for _, t := range tags {
			if slices.ContainsFunc(ms, func(m *Contact) bool { return slices.Contains(m.Tags, t) }) {
				continue
			}
			cs[0].Tags = append(cs[0].Tags, t)
			w.touch(key)
			evs = append(evs, domain.Event{Kind: domain.EventTag, Target: ContactTarget(key), Field: "tags", After: t})
		}
		return evs, nil
	})
}

// ErrConfigTag is an untag of a tag the config's contacts: section gives.
var ErrConfigTag = errors.New("the tag comes from the config file's contacts: section; remove it there")

// UntagContact removes tags from the person the contact with key is
// (from every linked contact that has them).
func (s *Store) UntagContact(actor, key string, tags ...string) ([]domain.Event, error) {
	return s.changeContacts(actor, []string{key}, func(w *txw, cs []*Contact) ([]domain.Event, error) {
		ms, err := w.groupOf(cs[0])
		if err != nil {
			return nil, err
		}
		var evs []domain.Event
		for _, t := range tags {
			found := false
			for _, m := range ms {
				if slices.Contains(m.Tags, t) {
					found = true
					m.Tags = removeString(slices.Clone(m.Tags), t)
					w.touch(m.Key())
					evs = append(evs, domain.Event{Kind: domain.EventUntag, Target: ContactTarget(m.Key()), Field: "tags", Before: t})
				}
			}
			if !found && slices.ContainsFunc(ms, func(m *Contact) bool { return slices.Contains(w.s.configTags(m), t) }) {
				return nil, fmt.Errorf("%q: %w", t, ErrConfigTag)
			}
		}
		return evs, nil
	})
}

// NoteContact adds an internal note to the contact with key.
func (s *Store) NoteContact(actor, key, text string) ([]domain.Event, error) {
	if err := validateAction(Action{Kind: domain.EventNote, Value: text}); err != nil {
		return nil, err
	}
	return s.changeContacts(actor, []string{key}, func(w *txw, cs []*Contact) ([]domain.Event, error) {
		cs[0].Notes = append(cs[0].Notes, domain.Note{Author: actor, At: w.s.now(), Text: text})
		w.touch(key)
		return []domain.Event{{Kind: domain.EventNote, Target: ContactTarget(key), Field: "notes", After: text}}, nil
	})
}

// groupOf are the contacts of c's group as this transaction has them.
func (w *txw) groupOf(c *Contact) ([]*Contact, error) {
	if c.Group == "" {
		return []*Contact{c}, nil
	}
	keys, err := groupMembers(w.tx, c.Group)
	if err != nil {
		return nil, err
	}
	out := []*Contact{c}
	for _, k := range keys {
		if k == c.Key() {
			continue
		}
		m, err := w.contact(k)
		if err != nil {
			return nil, err
		}
		if m != nil {
			out = append(out, m)
		}
	}
	return out, nil
}

// setGroup moves c into group g ("" alone) and returns its event.
func (w *txw) setGroup(c *Contact, g string) (domain.Event, error) {
	key := c.Key()
	b := w.tx.Bucket(bContactGroups)
	ev := domain.Event{Kind: domain.EventLink, Target: ContactTarget(key), Field: "link", Before: c.Group, After: g}
	if c.Group != "" {
		if err := b.Delete(groupKey(c.Group, key)); err != nil {
			return ev, err
		}
	}
	if g != "" {
		if err := b.Put(groupKey(g, key), nil); err != nil {
			return ev, err
		}
	}
	c.Group = g
	w.touch(key)
	return ev, nil
}

func (w *txw) newGroupID() (string, error) {
	seq, err := w.tx.Bucket(bContactGroups).NextSequence()
	if err != nil {
		return "", err
	}
	return "g" + strconv.FormatUint(seq, 10), nil
}

// LinkContacts links the contacts with keys a and b (and everyone already
// linked to either) as one person.
func (s *Store) LinkContacts(actor, a, b string) ([]domain.Event, error) {
	if a == b {
		return nil, fmt.Errorf("%s is one contact: link it to another", a)
	}
	return s.changeContacts(actor, []string{a, b}, func(w *txw, cs []*Contact) ([]domain.Event, error) {
		return w.linkContacts(cs)
	})
}

func (w *txw) linkContacts(cs []*Contact) ([]domain.Event, error) {
	target := ""
	for _, c := range cs {
		if c.Group != "" {
			target = c.Group
			break
		}
	}
	if target == "" {
		g, err := w.newGroupID()
		if err != nil {
			return nil, err
		}
		target = g
	}
	var evs []domain.Event
	for _, c := range cs {
		if c.Group == target {
			continue
		}
		ms, err := w.groupOf(c)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			ev, err := w.setGroup(m, target)
			if err != nil {
				return nil, err
			}
			evs = append(evs, ev)
		}
	}
	return evs, nil
}

// UnlinkContacts takes each contact with keys out of its group; a group
// left with one contact is dissolved.
func (s *Store) UnlinkContacts(actor string, keys ...string) ([]domain.Event, error) {
	return s.changeContacts(actor, keys, func(w *txw, cs []*Contact) ([]domain.Event, error) {
		var evs []domain.Event
		for _, c := range cs {
			g := c.Group
			if g == "" {
				continue
			}
			ev, err := w.setGroup(c, "")
			if err != nil {
				return nil, err
			}
			evs = append(evs, ev)
			rest, err := groupMembers(w.tx, g)
			if err != nil {
				return nil, err
			}
			if len(rest) == 1 {
				last, err := w.contact(rest[0])
				if err != nil {
					return nil, err
				}
				if last != nil {
					ev, err := w.setGroup(last, "")
					if err != nil {
						return nil, err
					}
					evs = append(evs, ev)
				}
			}
		}
		return evs, nil
	})
}

// UndoContact reverses actor's most recent change to contacts (a tag,
// untag, note, link or unlink) that is not undone yet.
func (s *Store) UndoContact(actor string) ([]domain.Event, error) {
	if err := s.authorize(actor, domain.PermTriage); err != nil {
		return nil, err
	}
	var group uint64
	err := s.view(func(tx *bolt.Tx) error {
		g, err := lastGroupOf(tx, actor, func(ev domain.Event) bool { return strings.HasPrefix(ev.Target, ContactTargetPrefix) })
		group = g
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.UndoGroup(actor, group)
}

// undoContact reverses one recorded contact event; changed is false when
// the contact has moved on since.
func (w *txw) undoContact(actor string, ev domain.Event, group uint64) (bool, error) {
	key := strings.TrimPrefix(ev.Target, ContactTargetPrefix)
	c, err := w.contact(key)
	if err != nil || c == nil {
		return false, err
	}
	switch ev.Kind {
	case domain.EventTag:
		if !slices.Contains(c.Tags, ev.After) {
			return false, nil
		}
		c.Tags = removeString(slices.Clone(c.Tags), ev.After)
	case domain.EventUntag:
		if slices.Contains(c.Tags, ev.Before) {
			return false, nil
		}
		c.Tags = append(c.Tags, ev.Before)
	case domain.EventNote:
		i := slices.IndexFunc(c.Notes, func(n domain.Note) bool { return n.Text == ev.After && n.Author == ev.Actor })
		if i < 0 {
			return false, nil
		}
		c.Notes = slices.Delete(slices.Clone(c.Notes), i, i+1)
	case domain.EventLink:
		if c.Group != ev.After {
			return false, nil
		}
		if _, err := w.setGroup(c, ev.Before); err != nil {
			return false, err
		}
	default:
		return false, nil
	}
	w.touch(key)
	undo := domain.Event{Actor: actor, Kind: domain.EventUndo, Target: ev.Target, Field: ev.Field,
		Before: ev.After, After: ev.Before, Undoes: group}
	if _, err := w.appendEvent(undo); err != nil {
		return false, err
	}
	w.extra = append(w.extra, Change{Kind: ChangeContact, ID: key})
	return true, nil
}

// --- Export and import ---

// ContactRecord is the operators' part of a contact, as export writes it
// and import reads it: the rest (counters, names, followers) comes from
// the mentions.
type ContactRecord struct {
	Platform domain.Platform
	Handle   string
	Tags     []string
	Notes    []domain.Note
	// Link names the person the contact is linked into: the smallest key
	// of its group, the same in every store the export is imported into.
	Link string
}

// ContactRecords lists the contacts operators set something on, by key;
// with keys, only those contacts and the contacts linked to them.
func (s *Store) ContactRecords(keys map[string]bool) ([]ContactRecord, error) {
	var out []ContactRecord
	err := s.view(func(tx *bolt.Tx) error {
		want := keys
		if keys != nil {
			want = map[string]bool{}
			for k := range keys {
				want[k] = true
				c, err := getContact(tx, k)
				if err != nil {
					return err
				}
				if c != nil && c.Group != "" {
					ms, _ := groupMembers(tx, c.Group)
					for _, m := range ms {
						want[m] = true
					}
				}
			}
		}
		labels := map[string]string{}
		return tx.Bucket(bContacts).ForEach(func(k, v []byte) error {
			if want != nil && !want[string(k)] {
				return nil
			}
			c := new(Contact)
			if err := json.Unmarshal(v, c); err != nil {
				return fmt.Errorf("store: damaged contact %q: %w", k, err)
			}
			if !c.hasData() {
				return nil
			}
			r := ContactRecord{Platform: c.Platform, Handle: c.Handle, Tags: c.Tags, Notes: c.Notes}
			if c.Group != "" {
				l, ok := labels[c.Group]
				if !ok {
					ms, _ := groupMembers(tx, c.Group)
					if len(ms) > 1 {
						l = slices.Min(ms)
					}
					labels[c.Group] = l
				}
				r.Link = l
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// ImportContacts merges contact records into the store in one
// transaction: tags and notes not there yet are added, and the records
// with one Link are linked into one person (with the people they are
// linked to already). A contact with no mention yet is kept, so its
// mentions find it when they come. Like imported mention state, it is
// not an operator's action: no audit event.
func (s *Store) ImportContacts(recs []ContactRecord) (int, error) {
	for _, r := range recs {
		if !r.Platform.Valid() || strings.TrimSpace(strings.TrimPrefix(r.Handle, "@")) == "" {
			return 0, fmt.Errorf("%w: a contact needs a platform and a handle", ErrInvalid)
		}
		for _, t := range r.Tags {
			if err := validLabel("tag", t); err != nil {
				return 0, fmt.Errorf("%w: contact %s: %v", ErrInvalid, r.Handle, err)
			}
		}
	}
	changed := 0
	_, err := s.update(func(w *txw) error {
		links := map[string][]*Contact{}
		var order []string
		for _, r := range recs {
			key := ContactKey(r.Platform, r.Handle)
			c, err := w.contact(key)
			if err != nil {
				return err
			}
			if c == nil {
				c = &Contact{Platform: r.Platform, Handle: r.Handle}
				w.cx().loaded[key] = c
			}
			before := len(c.Tags) + len(c.Notes)
			for _, t := range r.Tags {
				if !slices.Contains(c.Tags, t) {
					c.Tags = append(c.Tags, t)
				}
			}
			for _, n := range r.Notes {
				n.At = n.At.UTC()
				if !slices.ContainsFunc(c.Notes, func(o domain.Note) bool { return o.Author == n.Author && o.At.Equal(n.At) && o.Text == n.Text }) {
					c.Notes = append(c.Notes, n)
				}
			}
			if len(c.Tags)+len(c.Notes) != before {
				changed++
			}
			w.touch(key)
			if r.Link != "" {
				if _, ok := links[r.Link]; !ok {
					order = append(order, r.Link)
				}
				links[r.Link] = append(links[r.Link], c)
			}
		}
		for _, l := range order {
			cs := links[l]
			if len(cs) < 2 {
				continue
			}
			evs, err := w.linkContacts(cs)
			if err != nil {
				return err
			}
			changed += len(evs)
		}
		return nil
	})
	return changed, err
}

// --- Checking ---

// contactCheck recounts the contacts from the mentions for Check.
type contactCheck struct {
	want map[string]*Contact
}

func newContactCheck() *contactCheck { return &contactCheck{want: map[string]*Contact{}} }

func (cc *contactCheck) add(m *domain.Mention) {
	key := ContactKey(m.Platform, m.Author.Handle)
	c := cc.want[key]
	if c == nil {
		c = &Contact{}
		cc.want[key] = c
	}
	t := seenAt(m.CreatedAt)
	c.Mentions++
	c.SentimentSum += milli(m.Sentiment)
	if c.FirstSeen.IsZero() || t.Before(c.FirstSeen) {
		c.FirstSeen = t
	}
	if t.After(c.LastSeen) {
		c.LastSeen = t
	}
	c.Weeks = addWeek(c.Weeks, mondayOf(m.CreatedAt), 1, milli(m.Sentiment))
}

func (cc *contactCheck) report(tx *bolt.Tx, report func(string, string, ...any)) {
	groups := map[string]bool{}
	_ = tx.Bucket(bContacts).ForEach(func(k, v []byte) error {
		key := string(k)
		where := "contact " + printableKey(k)
		var c Contact
		if err := json.Unmarshal(v, &c); err != nil {
			report(where, "record does not decode: %v", err)
			return nil
		}
		if c.Key() != key {
			report(where, "record is of %s", printableKey([]byte(c.Key())))
		}
		want := cc.want[key]
		if want == nil {
			want = &Contact{}
		}
		delete(cc.want, key)
		if c.Mentions != want.Mentions {
			report(where, "counter mentions is %d, the records give %d", c.Mentions, want.Mentions)
		}
		if c.SentimentSum != want.SentimentSum {
			report(where, "sentiment sum is %d, the records give %d", c.SentimentSum, want.SentimentSum)
		}
		if !c.FirstSeen.Equal(want.FirstSeen) {
			report(where, "first seen is %s, the records give %s", fmtSeen(c.FirstSeen), fmtSeen(want.FirstSeen))
		}
		if !c.LastSeen.Equal(want.LastSeen) {
			report(where, "last seen is %s, the records give %s", fmtSeen(c.LastSeen), fmtSeen(want.LastSeen))
		}
		if !slices.Equal(c.Weeks, want.Weeks) {
			report(where, "weekly counts are %s, the records give %s", fmtWeeks(c.Weeks), fmtWeeks(want.Weeks))
		}
		if c.Mentions == 0 && !c.hasData() {
			report(where, "has no mention and nothing set on it, and should not be stored")
		}
		if c.Group != "" {
			groups[c.Group] = true
			if v := tx.Bucket(bContactGroups).Get(groupKey(c.Group, key)); v == nil {
				if k2, _ := tx.Bucket(bContactGroups).Cursor().Seek(groupKey(c.Group, key)); !bytes.Equal(k2, groupKey(c.Group, key)) {
					report(where, "is in group %s, which does not list it", printableKey([]byte(c.Group)))
				}
			}
		}
		nb := tx.Bucket(bContactNames)
		for _, n := range c.Names {
			if f := foldName(n); f != "" {
				if k2, _ := nb.Cursor().Seek([]byte(f + "\x00" + key)); !bytes.Equal(k2, []byte(f+"\x00"+key)) {
					report(where, "name %q is missing from the name index", n)
				}
			}
		}
		return nil
	})
	missing := make([]string, 0, len(cc.want))
	for k := range cc.want {
		missing = append(missing, k)
	}
	sort.Strings(missing)
	for _, k := range missing {
		report("contact "+printableKey([]byte(k)), "is missing, the records give %d mentions", cc.want[k].Mentions)
	}
	_ = tx.Bucket(bContactGroups).ForEach(func(k, _ []byte) error {
		g, key, ok := strings.Cut(string(k), "\x00")
		if !ok {
			report("contact_groups", "malformed key %x", k)
			return nil
		}
		c, err := getContact(tx, key)
		if err != nil || c == nil || c.Group != g {
			report("contact_groups", "group %s lists %s, which is not in it", g, printableKey([]byte(key)))
		}
		return nil
	})
	_ = tx.Bucket(bContactNames).ForEach(func(k, _ []byte) error {
		f, key, ok := strings.Cut(string(k), "\x00")
		if !ok {
			report("contact_names", "malformed key %x", k)
			return nil
		}
		c, err := getContact(tx, key)
		if err != nil || c == nil || !slices.ContainsFunc(c.Names, func(n string) bool { return foldName(n) == f }) {
			report("contact_names", "name %q points at %s, which does not have it", f, printableKey([]byte(key)))
		}
		return nil
	})
}

func fmtWeeks(ws []WeekCount) string {
	parts := make([]string, 0, min(len(ws), 8))
	for i, w := range ws {
		if i == 8 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s: %d (%d)", time.Unix(int64(w.Monday)*86400, 0).UTC().Format(time.DateOnly), w.Mentions, w.Sum))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func fmtSeen(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Format(time.RFC3339)
}

// ContactEventText says in words what a contact's audit event did
// ("linked into person g3", "tagged vip"); untrusted parts are not made
// safe here.
func ContactEventText(ev domain.Event) string {
	switch ev.Kind {
	case domain.EventLink:
		switch {
		case ev.After != "" && ev.Before != "":
			return "moved from person " + ev.Before + " to " + ev.After
		case ev.After != "":
			return "linked into person " + ev.After
		}
		return "unlinked from person " + ev.Before
	case domain.EventTag:
		return "tagged " + ev.After
	case domain.EventUntag:
		return "removed tag " + ev.Before
	case domain.EventNote:
		return "noted: " + ev.After
	case domain.EventUndo:
		if ev.Field == "link" {
			return "undid a link (person " + orNone(ev.Before) + " → " + orNone(ev.After) + ")"
		}
		return "undid " + ev.Field + ": " + orNone(ev.Before) + " → " + orNone(ev.After)
	}
	return ev.Field + ": " + orNone(ev.Before) + " → " + orNone(ev.After)
}

func orNone(s string) string {
	if s == "" {
		return "∅"
	}
	return s
}
