package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

// Threads. A mention's conversation is a tree: its ancestors, found by
// following in_reply_to up (by platform key), and every reply into it,
// found through the reply_to index (platform:parent id → the replies, in
// time order). The replies we sent (drafts the outbox sent) hang under the
// mention they answer, and replies to them under them, through the
// draft_remote index (platform:remote id → draft). A direct message's
// conversation is instead every direct message of that person on that
// platform, oldest first (the dm index), with our replies under each.
//
// A conversation is read as a window of its messages in reading order
// (depth first, siblings oldest first), from any message forwards or
// backwards, one index seek per step: a thread with thousands of replies
// is never read whole to draw a screen. Parents that loop back (a cycle in
// hostile or broken data), or go on past MaxAncestors, end the walk up;
// walking down never enters a message already on the way down and stops at
// MaxThreadDepth.

// MaxAncestors bounds the walk up from a mention to its conversation's
// first message; MaxThreadDepth bounds how deep a conversation is shown.
const (
	MaxAncestors   = 100
	MaxThreadDepth = 200
)

// bDraftRemote finds a sent reply by what the platform calls it.
var bDraftRemote = []byte("draft_remote") // "platform:remote id" → draft seq(8)

func init() {
	extraBuckets = append(extraBuckets, bDraftRemote)
	extraBackfills = append(extraBackfills, backfillDraftRemote)
}

// backfillDraftRemote indexes the replies sent before the index existed.
func backfillDraftRemote(tx *bolt.Tx, isNew func([]byte) bool) error {
	if !isNew(bDraftRemote) {
		return nil
	}
	return tx.Bucket(bDrafts).ForEach(func(k, v []byte) error {
		var d domain.Draft
		if json.Unmarshal(v, &d) != nil {
			return nil
		}
		if key := remoteKey(d); key != "" {
			return tx.Bucket(bDraftRemote).Put([]byte(key), k)
		}
		return nil
	})
}

// remoteKey is the platform key of a sent reply ("" until it is sent).
func remoteKey(d domain.Draft) string {
	if d.State != domain.DraftSent || d.RemoteID == "" || d.Platform == "" {
		return ""
	}
	return domain.MentionKey(d.Platform, ixValue(d.RemoteID))
}

// ThreadMessage is one message of a conversation.
type ThreadMessage struct {
	// Key is the message's platform key (platform:id); a reply we sent
	// that the platform gave no id has "draft:" and its draft id.
	Key string
	// Depth is how far below the conversation's first message it is (a
	// direct message conversation's messages are all 0, our replies 1).
	Depth int
	// Parent is the key of the message it answers ("" for the first).
	Parent string
	// Mention is the stored message (nil for ours or a missing one).
	Mention *domain.Mention
	// Ours is the reply we sent, and SentBy the operator who sent it.
	Ours   *domain.Draft
	SentBy string
	// Missing is a message that others answer but that is not in the
	// store (not fetched, deleted, or never visible to us): only Key is set.
	Missing bool
	// Focus is the message the thread was opened on.
	Focus bool
}

// Thread is a window of a conversation.
type Thread struct {
	// Focus is the key the thread was opened on; Root the key of the
	// conversation's first message ("" for direct messages).
	Focus, Root string
	// DM: the conversation is the direct messages of Person
	// (platform:handle), oldest first.
	DM     bool
	Person string
	// Messages are the window, in reading order.
	Messages []ThreadMessage
	// Ancestors are the messages the focus answers, from the first one
	// down (none for direct messages): a window that does not reach back
	// to them can show them above itself.
	Ancestors []ThreadMessage
	// MoreBefore and MoreAfter say the conversation goes on past the
	// window's first and last message.
	MoreBefore, MoreAfter bool
	// Cycle says the focus's parents loop back onto themselves (the
	// conversation starts where the loop closes); Deep that they go on past
	// MaxAncestors (it starts MaxAncestors messages up).
	Cycle, Deep bool
	// RootMissing says the conversation's first message is one others
	// answer that is not in the store (worth asking the platform for).
	RootMissing bool
}

// ThreadWindow says which part of a conversation to read.
type ThreadWindow struct {
	// At is the message the window is placed at: a Key of an earlier
	// window; "" is the focus.
	At string
	// Start places the window at the conversation's first message.
	Start bool
	// Before is how many messages before At to read, After how many from
	// At on, At included (both 0: 50 from At).
	Before, After int
}

// ErrNotInThread is a window placed at a message of another conversation.
var ErrNotInThread = errors.New("not a message of this conversation")

// Thread reads a window of the conversation of the stored mention with
// key (or of one of our sent replies, by its platform key).
func (s *Store) Thread(key string, w ThreadWindow) (Thread, error) {
	if w.Before < 0 || w.After < 0 {
		return Thread{}, fmt.Errorf("store: thread window %d before, %d after", w.Before, w.After)
	}
	if w.Before == 0 && w.After == 0 {
		w.After = 50
	}
	var th Thread
	err := s.view(func(tx *bolt.Tx) error {
		c, focus, err := openConv(tx, key)
		if err != nil {
			return err
		}
		th = Thread{Focus: key, DM: c.dm, Person: c.person, Cycle: c.cycle, Deep: c.deep, RootMissing: c.root.missing}
		if !c.dm {
			th.Root = c.root.key
			for i := 1; i < len(focus); i++ {
				th.Ancestors = append(th.Ancestors, c.message(focus[:i], key))
			}
		}
		var at []*tnode
		switch {
		case w.Start:
			at = []*tnode{c.root}
		case w.At == "" || w.At == key:
			at = focus
		default:
			if at, err = c.pathTo(w.At); err != nil {
				return err
			}
		}
		if c.dm && len(at) == 1 { // the person is no message: start at the first
			if at, err = c.next(at); err != nil || at == nil {
				return err
			}
		}
		var before []ThreadMessage
		p := at
		for len(before) < w.Before {
			if p, err = c.prev(p); err != nil {
				return err
			}
			if p == nil || (c.dm && len(p) == 1) {
				p = nil
				break
			}
			before = append(before, c.message(p, key))
		}
		if len(before) == w.Before && w.Before > 0 && p != nil {
			q, err := c.prev(p)
			if err != nil {
				return err
			}
			th.MoreBefore = q != nil && !(c.dm && len(q) == 1)
		}
		for i := len(before) - 1; i >= 0; i-- {
			th.Messages = append(th.Messages, before[i])
		}
		if w.Before == 0 {
			q, err := c.prev(at)
			if err != nil {
				return err
			}
			th.MoreBefore = q != nil && !(c.dm && len(q) == 1)
		}
		p = at
		for n := 0; n < w.After && p != nil; n++ {
			th.Messages = append(th.Messages, c.message(p, key))
			if p, err = c.next(p); err != nil {
				return err
			}
		}
		if w.After == 0 {
			p = at
		}
		th.MoreAfter = p != nil
		return nil
	})
	return th, err
}

// tnode is one message while a conversation is walked.
type tnode struct {
	key, parent string
	// pos orders siblings: unix seconds (4 bytes), 0 for a stored message
	// or 1 for ours, then the mention id or draft sequence (4 bytes).
	pos     []byte
	m       *domain.Mention
	d       *domain.Draft
	missing bool
}

// conv is one conversation being read in a transaction.
type conv struct {
	tx     *bolt.Tx
	root   *tnode
	dm     bool
	person string
	cycle  bool
	deep   bool
}

func nodePos(sec uint32, ours bool, id uint32) []byte {
	p := make([]byte, 9)
	binary.BigEndian.PutUint32(p[0:4], sec)
	if ours {
		p[4] = 1
	}
	binary.BigEndian.PutUint32(p[5:9], id)
	return p
}

func draftPos(d *domain.Draft) []byte {
	seq, _ := draftSeq(d.ID)
	t := timekey(d.SentAt, 0)
	return nodePos(binary.BigEndian.Uint32(t[0:4]), true, uint32(seq))
}

func mentionPos(tk []byte) []byte {
	return nodePos(binary.BigEndian.Uint32(tk[0:4]), false, timekeyID(tk))
}

// resolve finds the message with key: one of our sent replies first (the
// platform may have given us back our own reply as a mention too; the
// reply stands for both), else a stored mention. Nil when neither is
// stored.
func resolve(tx *bolt.Tx, key string) (*tnode, error) {
	var seq []byte
	if id, ok := strings.CutPrefix(key, "draft:"); ok {
		if n, ok := draftSeq(id); ok {
			seq = u64(n)
		}
	} else if v := tx.Bucket(bDraftRemote).Get([]byte(key)); v != nil {
		seq = v
	}
	if seq != nil {
		d, err := getDraft(tx, DraftID(getU64(seq)))
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if d.State != domain.DraftSent {
			return nil, nil
		}
		return draftNode(&d), nil
	}
	m, tk, err := mentionByKey(tx, key)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &tnode{key: key, parent: ParentKey(m), pos: mentionPos(tk), m: m}, nil
}

func draftNode(d *domain.Draft) *tnode {
	key := remoteKey(*d)
	if key == "" {
		key = "draft:" + d.ID
	}
	return &tnode{key: key, parent: d.MentionKey, pos: draftPos(d), d: d}
}

// openConv finds the conversation of key and the path to it from the
// conversation's first message.
func openConv(tx *bolt.Tx, key string) (*conv, []*tnode, error) {
	focus, err := resolve(tx, key)
	if err != nil {
		return nil, nil, err
	}
	if focus == nil {
		return nil, nil, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	c := &conv{tx: tx}
	// a direct message, or our reply to one: the person's conversation
	dmOf := focus.m
	var mid *tnode
	if focus.d != nil && focus.d.MentionKey != "" {
		if n, err := resolve(tx, focus.d.MentionKey); err != nil {
			return nil, nil, err
		} else if n != nil && n.m != nil && n.m.Kind == domain.KindDM {
			dmOf, mid = n.m, n
		}
	}
	if dmOf != nil && dmOf.Kind == domain.KindDM {
		c.dm, c.person = true, DMPerson(dmOf)
		c.root = &tnode{key: "dm:" + c.person}
		path := []*tnode{c.root}
		if mid != nil {
			mid.parent = c.root.key
			path = append(path, mid)
		} else {
			focus.parent = c.root.key
		}
		return c, append(path, focus), nil
	}
	chain := []*tnode{focus}
	seen := map[string]bool{focus.key: true}
	for cur := focus; cur.parent != ""; {
		if len(chain) > MaxAncestors {
			c.deep = true
			break
		}
		if seen[cur.parent] {
			c.cycle = true
			break
		}
		p, err := resolve(tx, cur.parent)
		if err != nil {
			return nil, nil, err
		}
		if p == nil {
			chain = append(chain, &tnode{key: cur.parent, missing: true})
			break
		}
		seen[p.key] = true
		chain = append(chain, p)
		cur = p
	}
	path := make([]*tnode, len(chain))
	for i, n := range chain {
		path[len(chain)-1-i] = n
	}
	c.root = path[0]
	return c, path, nil
}

// resolveIn is resolve within c: a direct message of c's person answers
// the conversation itself; any other mention is not in a DM conversation.
func (c *conv) resolveIn(key string) (*tnode, error) {
	if key == c.root.key {
		return c.root, nil
	}
	n, err := resolve(c.tx, key)
	if err != nil || n == nil || !c.dm {
		return n, err
	}
	if n.m != nil {
		if n.m.Kind != domain.KindDM || DMPerson(n.m) != c.person {
			return nil, nil
		}
		n.parent = c.root.key
	}
	return n, nil
}

// pathTo is the path from the conversation's first message to key.
func (c *conv) pathTo(key string) ([]*tnode, error) {
	notIn := fmt.Errorf("%s: %w", key, ErrNotInThread)
	n, err := c.resolveIn(key)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, notIn
	}
	chain := []*tnode{n}
	seen := map[string]bool{n.key: true}
	for cur := n; cur != c.root; {
		if cur.parent == "" || len(chain) > MaxThreadDepth || seen[cur.parent] {
			return nil, notIn
		}
		p, err := c.resolveIn(cur.parent)
		if err != nil {
			return nil, err
		}
		if p == nil {
			return nil, notIn
		}
		seen[p.key] = true
		chain = append(chain, p)
		cur = p
	}
	path := make([]*tnode, len(chain))
	for i, n := range chain {
		path[len(chain)-1-i] = n
	}
	return path, nil
}

// child is the first child of parent after pos (nil: the first of all),
// or with desc the last one before pos (nil: the last of all).
func (c *conv) child(parent *tnode, pos []byte, desc bool) (*tnode, error) {
	var best *tnode
	better := func(n *tnode) bool {
		if best == nil {
			return true
		}
		if desc {
			return bytes.Compare(n.pos, best.pos) > 0
		}
		return bytes.Compare(n.pos, best.pos) < 0
	}
	inRange := func(p []byte) bool {
		if pos == nil {
			return true
		}
		if desc {
			return bytes.Compare(p, pos) < 0
		}
		return bytes.Compare(p, pos) > 0
	}
	// stored replies, through the index
	ix, value := indexByName(IndexReplyTo), parent.key
	if c.dm {
		ix, value = indexByName(IndexDM), c.person
		if parent != c.root {
			ix = nil // a direct message has only our replies under it
		}
	}
	if ix != nil {
		m, err := c.indexChild(ix, value, pos, desc, inRange)
		if err != nil {
			return nil, err
		}
		if m != nil {
			m.parent = parent.key
			best = m
		}
	}
	// our sent replies to it
	if !c.dm || parent != c.root {
		ds, err := draftsOf(c.tx, parent.key)
		if err != nil {
			return nil, err
		}
		for i := range ds {
			if ds[i].State != domain.DraftSent {
				continue
			}
			n := draftNode(&ds[i])
			if inRange(n.pos) && better(n) {
				best = n
			}
		}
	}
	return best, nil
}

// indexChild walks the index entries of value from pos, skipping stored
// copies of our own replies, to the first (or, desc, last) one in range.
func (c *conv) indexChild(ix *index, value string, pos []byte, desc bool, inRange func([]byte) bool) (*tnode, error) {
	prefix := ixprefix(value)
	cur := c.tx.Bucket(ix.bucket).Cursor()
	var k []byte
	switch {
	case !desc && pos == nil:
		k, _ = cur.Seek(prefix)
	case !desc:
		k, _ = cur.Seek(append(append([]byte(nil), prefix...), pos[0:4]...))
	default:
		top := append(append([]byte(nil), prefix...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
		if pos != nil {
			top = append(append(append([]byte(nil), prefix...), pos[0:4]...), 0xff, 0xff, 0xff, 0xff, 0xff)
		}
		if k, _ = cur.Seek(top); k == nil {
			k, _ = cur.Last()
		} else {
			k, _ = cur.Prev()
		}
	}
	mb, remote := c.tx.Bucket(bMentions), c.tx.Bucket(bDraftRemote)
	for ; k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+timekeyLen; k = step(cur, desc) {
		tk := k[len(prefix):]
		p := mentionPos(tk)
		if !inRange(p) {
			continue
		}
		v := mb.Get(tk)
		if v == nil {
			return nil, fmt.Errorf("store: index %s points at missing record %x (run `switchboard db check`)", ix.name, tk)
		}
		m, err := loadMention(c.tx, append([]byte(nil), tk...), v)
		if err != nil {
			return nil, err
		}
		if remote.Get([]byte(m.Key())) != nil {
			continue // our own reply, given back by the platform: the reply stands for it
		}
		return &tnode{key: m.Key(), parent: ParentKey(m), pos: p, m: m}, nil
	}
	return nil, nil
}

func step(c *bolt.Cursor, desc bool) []byte {
	if desc {
		k, _ := c.Prev()
		return k
	}
	k, _ := c.Next()
	return k
}

func onPath(path []*tnode, key string) bool {
	for _, n := range path {
		if n.key == key {
			return true
		}
	}
	return false
}

func extend(path []*tnode, n *tnode) []*tnode {
	out := make([]*tnode, len(path)+1)
	copy(out, path)
	out[len(path)] = n
	return out
}

// firstChild is n's first (or, desc, last) child not already on path.
func (c *conv) firstChild(path []*tnode, desc bool) (*tnode, error) {
	var pos []byte
	for {
		ch, err := c.child(path[len(path)-1], pos, desc)
		if err != nil || ch == nil || !onPath(path, ch.key) {
			return ch, err
		}
		pos = ch.pos
	}
}

// sibling is the next (or, desc, previous) sibling of path's last message
// not already on the path.
func (c *conv) sibling(path []*tnode, desc bool) (*tnode, error) {
	up := path[:len(path)-1]
	pos := path[len(path)-1].pos
	for {
		sib, err := c.child(up[len(up)-1], pos, desc)
		if err != nil || sib == nil || !onPath(up, sib.key) {
			return sib, err
		}
		pos = sib.pos
	}
}

// next is the path to the message after path's last in reading order
// (nil at the end).
func (c *conv) next(path []*tnode) ([]*tnode, error) {
	if len(path) <= MaxThreadDepth {
		ch, err := c.firstChild(path, false)
		if err != nil {
			return nil, err
		}
		if ch != nil {
			return extend(path, ch), nil
		}
	}
	for len(path) > 1 {
		sib, err := c.sibling(path, false)
		if err != nil {
			return nil, err
		}
		if sib != nil {
			return extend(path[:len(path)-1], sib), nil
		}
		path = path[:len(path)-1]
	}
	return nil, nil
}

// prev is the path to the message before path's last in reading order
// (nil before the first).
func (c *conv) prev(path []*tnode) ([]*tnode, error) {
	if len(path) <= 1 {
		return nil, nil
	}
	sib, err := c.sibling(path, true)
	if err != nil {
		return nil, err
	}
	if sib == nil {
		return path[: len(path)-1 : len(path)-1], nil
	}
	p := extend(path[:len(path)-1], sib)
	for len(p) <= MaxThreadDepth {
		last, err := c.firstChild(p, true)
		if err != nil {
			return nil, err
		}
		if last == nil {
			break
		}
		p = extend(p, last)
	}
	return p, nil
}

// message turns the end of path into a ThreadMessage.
func (c *conv) message(path []*tnode, focus string) ThreadMessage {
	n := path[len(path)-1]
	depth := len(path) - 1
	parent := ""
	if len(path) > 1 {
		parent = path[len(path)-2].key
	}
	if c.dm {
		depth--
		if len(path) == 2 {
			parent = ""
		}
	}
	tm := ThreadMessage{Key: n.key, Depth: depth, Parent: parent, Mention: n.m, Ours: n.d, Missing: n.missing, Focus: n.key == focus}
	if n.d != nil {
		tm.SentBy = sentBy(c.tx, n.d)
	}
	return tm
}

// sentBy is the operator who put a sent draft in the queue (its author
// when the log does not say).
func sentBy(tx *bolt.Tx, d *domain.Draft) string {
	by := d.Author
	prefix := append([]byte(d.ID), 0)
	cur := tx.Bucket(bEvTarget).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		if len(k) != len(prefix)+8 {
			continue
		}
		var ev domain.Event
		if json.Unmarshal(tx.Bucket(bEvents).Get(k[len(prefix):]), &ev) != nil {
			continue
		}
		if ev.Kind == domain.EventDraft && ev.Field == "state" && strings.HasPrefix(ev.After, string(domain.DraftQueued)) && ev.Actor != OutboxActor {
			by = ev.Actor
		}
	}
	return by
}
