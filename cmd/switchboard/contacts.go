package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/query"
	"switchboard/safetext"
	"switchboard/store"
)

func init() { addCommand(newContactsCmd) }

// newContactsCmd is `switchboard contacts`: every author is a contact the
// store keeps at ingest; operators tag them, note on them and link one
// person's handles across platforms. The same locally and over ssh, where
// the operator whose key signed in acts and the store checks their role.
func newContactsCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "contacts",
		Short: "Authors as contacts: list, show, tag, note, link across platforms",
		Long: `Every author is a contact, kept by the store as their mentions arrive:
handles, display names, followers, verified, first and last seen, how many
mentions and their sentiment by week. Operators tag contacts (vip,
journalist, employee, partner …; the config's contacts: section tags them
too), leave notes and link one person's handles on several platforms, which
then show as one person with one history, and which author: in a query
follows. Writes are audited under the acting operator and need the right
to triage; contacts undo reverses your last one.

A HANDLE is written as in the import format's author.handle
(@ana@social.example, ana.bsky.social, @bob); platform:handle (x:@bob)
picks one platform when the handle is on several.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}

	var q string
	var tags []string
	var listJSON bool
	var limit int
	list := &cobra.Command{
		Use:   "list [--query Q] [--tag T] [--json] [--limit N]",
		Short: "Contacts (a linked person once), most mentions first",
		Long: `The contacts, one line per person (linked contacts are one), most mentions
first. --query Q keeps the authors of the mentions the query matches (the
query language of every --query); --tag keeps those with the tag (every
--tag given).`,
		Example: `  switchboard contacts list --tag vip
  switchboard contacts list --query 'sentiment:negative after:7d' --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 0 {
				return usagef("--limit %d: want 0 (every contact) or more", limit)
			}
			var f *store.Filter
			if strings.TrimSpace(q) != "" {
				me, clock, err := queryContext(g)
				if err != nil {
					return err
				}
				parsed, err := query.Parse(q, query.Options{Me: me, Now: time.Now(), Clock: clock})
				if err != nil {
					return usagef("--query: %v", err)
				}
				f = &parsed.Filter
			}
			st, err := openContactsStore(g)
			if err != nil {
				return err
			}
			defer st.Close()
			var keys []string
			if f != nil {
				keys = []string{}
				seen := map[string]bool{}
				err := st.Each(*f, func(m *domain.Mention) bool {
					if k := store.ContactKey(m.Platform, m.Author.Handle); !seen[k] {
						seen[k] = true
						keys = append(keys, k)
					}
					return true
				})
				if err != nil {
					return failf("contacts list: %v", err)
				}
			}
			people, err := st.People(keys)
			if err != nil {
				return failf("contacts list: %v", err)
			}
			people = slices.DeleteFunc(people, func(p store.Person) bool {
				return slices.ContainsFunc(tags, func(t string) bool { return !slices.Contains(p.Tags, t) })
			})
			if limit > 0 && len(people) > limit {
				people = people[:limit]
			}
			w := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
			if listJSON {
				out := make([]personJSON, len(people))
				for i := range people {
					out[i] = toPersonJSON(&people[i])
				}
				if err := writeJSON(w, out); err != nil {
					return err
				}
			} else {
				writePeople(w, people)
			}
			return w.Flush()
		},
	}
	list.Flags().StringVarP(&q, "query", "q", "", "only the authors of the mentions this query matches")
	list.Flags().StringArrayVar(&tags, "tag", nil, "only contacts with this tag (repeatable: every one)")
	list.Flags().BoolVar(&listJSON, "json", false, "print one JSON array of people")
	list.Flags().IntVar(&limit, "limit", 0, "at most N people (0: all)")

	var showJSON bool
	var recent int
	show := &cobra.Command{
		Use:   "show HANDLE [--json]",
		Short: "One person: handles, names, counts, tags, notes, sentiment, recent mentions and our replies",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openContactsStore(g)
			if err != nil {
				return err
			}
			defer st.Close()
			c, err := resolveContact(st, args[0])
			if err != nil {
				return err
			}
			card, err := st.ContactCard(c.Key(), recent)
			if err != nil {
				return failf("contacts show %s: %v", safetext.Line(args[0]), err)
			}
			if showJSON {
				return writeJSON(cmd.OutOrStdout(), toCardJSON(&card))
			}
			writeCard(cmd.OutOrStdout(), &card)
			return nil
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print the person as JSON")
	show.Flags().IntVar(&recent, "recent", 10, "how many of the newest mentions to show")

	root.AddCommand(list, show,
		contactWrite(g, "tag HANDLE TAG...", "Tag a contact (the person: every linked contact shows it)", 2, -1,
			func(st *store.Store, me string, cs []store.Contact, args []string) ([]domain.Event, string, error) {
				evs, err := st.TagContact(me, cs[0].Key(), args...)
				return evs, "tagged " + cs[0].Ref() + " " + strings.Join(args, ", "), err
			}),
		contactWrite(g, "untag HANDLE TAG...", "Remove tags from a contact (and every linked contact)", 2, -1,
			func(st *store.Store, me string, cs []store.Contact, args []string) ([]domain.Event, string, error) {
				evs, err := st.UntagContact(me, cs[0].Key(), args...)
				return evs, "untagged " + cs[0].Ref() + " " + strings.Join(args, ", "), err
			}),
		contactWrite(g, "note HANDLE TEXT", "Add an internal note to a contact", 2, -1,
			func(st *store.Store, me string, cs []store.Contact, args []string) ([]domain.Event, string, error) {
				evs, err := st.NoteContact(me, cs[0].Key(), strings.Join(args, " "))
				return evs, "noted on " + cs[0].Ref(), err
			}),
		contactWrite(g, "link HANDLE HANDLE", "Link two contacts (and everyone linked to either) as one person", 2, 2,
			func(st *store.Store, me string, cs []store.Contact, _ []string) ([]domain.Event, string, error) {
				evs, err := st.LinkContacts(me, cs[0].Key(), cs[1].Key())
				return evs, "linked " + cs[0].Ref() + " and " + cs[1].Ref(), err
			}),
		contactWrite(g, "unlink HANDLE...", "Take contacts out of the person they are linked into", 1, -1,
			func(st *store.Store, me string, cs []store.Contact, _ []string) ([]domain.Event, string, error) {
				keys, refs := make([]string, len(cs)), make([]string, len(cs))
				for i := range cs {
					keys[i], refs[i] = cs[i].Key(), cs[i].Ref()
				}
				evs, err := st.UnlinkContacts(me, keys...)
				return evs, "unlinked " + strings.Join(refs, ", "), err
			}),
		contactWrite(g, "undo", "Undo your last change to contacts (tag, untag, note, link, unlink)", 0, 0,
			func(st *store.Store, me string, _ []store.Contact, _ []string) ([]domain.Event, string, error) {
				evs, err := st.UndoContact(me)
				return evs, "undid your last change to contacts", err
			}),
	)
	return root
}

// contactWrite is an acting subcommand: its first handles (all of its
// arguments when max is -1 and it takes no other values, else the first
// one, or two for link) are resolved to contacts, the rest are values.
func contactWrite(g *globals, use, short string, minArgs, maxArgs int,
	do func(st *store.Store, me string, cs []store.Contact, args []string) ([]domain.Event, string, error)) *cobra.Command {
	name, _, _ := strings.Cut(use, " ")
	handles := 1
	switch name {
	case "link":
		handles = 2
	case "undo":
		handles = 0
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < minArgs || maxArgs >= 0 && len(args) > maxArgs {
				return usagef("usage: switchboard contacts %s", use)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			me, st, done, err := actingStore(g)
			if err != nil {
				return err
			}
			defer done()
			n := handles
			if name == "unlink" {
				n = len(args)
			}
			cs := make([]store.Contact, 0, n)
			for _, a := range args[:n] {
				c, err := resolveContact(st, a)
				if err != nil {
					return err
				}
				cs = append(cs, c)
			}
			evs, what, err := do(st, me, cs, args[n:])
			switch {
			case errors.Is(err, store.ErrNoChange), errors.Is(err, store.ErrNothingToUndo):
				fmt.Fprintf(cmd.OutOrStdout(), "nothing changed: %s\n", safetext.Line(err.Error()))
				return nil
			case err != nil:
				return failf("contacts %s: %s", name, safetext.Line(err.Error()))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s (%s)\n", safetext.Line(what), plural(len(evs), "change"))
			return nil
		},
	}
}

// resolveContact is the one contact HANDLE names: a handle on no platform
// fails (exit 1), one on several is a usage error naming them (exit 2).
func resolveContact(st *store.Store, spec string) (store.Contact, error) {
	cs, err := st.FindContacts(spec)
	if err != nil {
		return store.Contact{}, failf("%s: %v", safetext.Line(spec), err)
	}
	switch len(cs) {
	case 0:
		return store.Contact{}, failf("no contact %s: no mention by that handle is in the store", safetext.Line(spec))
	case 1:
		return cs[0], nil
	}
	refs := make([]string, len(cs))
	for i := range cs {
		refs[i] = safetext.Line(cs[i].Ref())
	}
	return store.Contact{}, usagef("%s is a handle on %d platforms; name one: %s", safetext.Line(spec), len(cs), strings.Join(refs, ", "))
}

// openContactsStore opens the store to read contacts, with the config's
// contacts: tags (over ssh: serve's store, which has them).
func openContactsStore(g *globals) (*store.Store, error) {
	if g.shared != nil {
		return g.shared.store.ReadHandle(), nil
	}
	cfg, err := config.Load(g.config)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(g.dbPath()); os.IsNotExist(err) {
		return openStoreReadOnly(g) // says what to do
	}
	return store.Open(g.dbPath(), store.Options{ReadOnly: true, ContactTags: cfg.Contacts.Lookup()})
}

// --- JSON ---

type contactJSON struct {
	Key       string          `json:"key"`
	Platform  domain.Platform `json:"platform"`
	Handle    string          `json:"handle"`
	Names     []string        `json:"names"`
	Followers int64           `json:"followers"`
	Verified  bool            `json:"verified"`
	Mentions  int             `json:"mentions"`
	FirstSeen string          `json:"first_seen"`
	LastSeen  string          `json:"last_seen"`
	Sentiment float64         `json:"sentiment"`
}

type contactNoteJSON struct {
	Contact string    `json:"contact"`
	Author  string    `json:"author"`
	At      time.Time `json:"at"`
	Text    string    `json:"text"`
}

type weekJSON struct {
	Week     string  `json:"week"` // its Monday
	Mentions int     `json:"mentions"`
	Average  float64 `json:"average"`
}

type sentimentJSON struct {
	Average float64    `json:"average"`
	Band    string     `json:"band"`
	Weeks   []weekJSON `json:"weeks,omitempty"`
}

type personJSON struct {
	Handles    []string          `json:"handles"`
	Contacts   []contactJSON     `json:"contacts"`
	Mentions   int               `json:"mentions"`
	Names      []string          `json:"names"`
	Followers  int64             `json:"followers"`
	Verified   bool              `json:"verified"`
	FirstSeen  string            `json:"first_seen"`
	LastSeen   string            `json:"last_seen"`
	Tags       []string          `json:"tags"`
	ConfigTags []string          `json:"config_tags,omitempty"`
	Notes      []contactNoteJSON `json:"notes"`
	Sentiment  sentimentJSON     `json:"sentiment"`
}

type replyJSON struct {
	ID         string            `json:"id"`
	State      domain.DraftState `json:"state"`
	Visibility domain.Visibility `json:"visibility"`
	Author     string            `json:"author"`
	Text       string            `json:"text"`
	SentAt     string            `json:"sent_at,omitempty"`
}

type recentJSON struct {
	Key       string          `json:"key"`
	Platform  domain.Platform `json:"platform"`
	Handle    string          `json:"handle"`
	CreatedAt string          `json:"created_at"`
	Status    domain.Status   `json:"status"`
	Sentiment float64         `json:"sentiment"`
	Text      string          `json:"text"`
	Replies   []replyJSON     `json:"replies"`
}

type suggestionJSON struct {
	Key    string `json:"key"`
	Handle string `json:"handle"`
	Reason string `json:"reason"`
}

type cardJSON struct {
	personJSON
	Recent      []recentJSON     `json:"recent"`
	Suggestions []suggestionJSON `json:"suggestions"`
	History     []domain.Event   `json:"history"`
}

func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func toPersonJSON(p *store.Person) personJSON {
	out := personJSON{Handles: p.Handles(), Mentions: p.Mentions, Names: orEmpty(p.Names), Followers: p.Followers, Verified: p.Verified,
		FirstSeen: jsonTime(p.FirstSeen), LastSeen: jsonTime(p.LastSeen), Tags: orEmpty(p.Tags), ConfigTags: p.ConfigTags,
		Notes: []contactNoteJSON{}, Sentiment: sentimentJSON{Average: round3(p.Sentiment), Band: string(domain.SentimentBand(p.Sentiment))}}
	for i := range p.Contacts {
		c := &p.Contacts[i]
		out.Contacts = append(out.Contacts, contactJSON{Key: c.Key(), Platform: c.Platform, Handle: c.Handle, Names: orEmpty(c.Names),
			Followers: c.Followers, Verified: c.Verified, Mentions: c.Mentions, FirstSeen: jsonTime(c.FirstSeen), LastSeen: jsonTime(c.LastSeen),
			Sentiment: round3(c.Sentiment())})
	}
	for _, n := range p.Notes {
		out.Notes = append(out.Notes, contactNoteJSON{Contact: n.Contact, Author: n.Author, At: n.At.UTC(), Text: n.Text})
	}
	return out
}

func toCardJSON(c *store.Card) cardJSON {
	out := cardJSON{personJSON: toPersonJSON(&c.Person), Recent: []recentJSON{}, Suggestions: []suggestionJSON{}, History: orEmpty(c.History)}
	for _, w := range c.Weeks {
		out.Sentiment.Weeks = append(out.Sentiment.Weeks, weekJSON{Week: w.Monday.Format(time.DateOnly), Mentions: w.Mentions, Average: round3(w.Average)})
	}
	for _, r := range c.Recent {
		rj := recentJSON{Key: r.Key(), Platform: r.Platform, Handle: r.Author.Handle, CreatedAt: jsonTime(r.CreatedAt),
			Status: r.EffectiveStatus(time.Now()), Sentiment: r.Sentiment, Text: r.Text, Replies: []replyJSON{}}
		for _, d := range r.Replies {
			rj.Replies = append(rj.Replies, replyJSON{ID: d.ID, State: d.State, Visibility: d.Visibility, Author: d.Author, Text: d.Text, SentAt: jsonTime(d.SentAt)})
		}
		out.Recent = append(out.Recent, rj)
	}
	for _, s := range c.Suggestions {
		out.Suggestions = append(out.Suggestions, suggestionJSON{Key: s.Contact.Key(), Handle: s.Contact.Handle, Reason: s.Reason})
	}
	return out
}

// --- Text ---

func personLabel(p *store.Person) string {
	parts := make([]string, len(p.Contacts))
	for i := range p.Contacts {
		parts[i] = p.Contacts[i].Handle + " (" + string(p.Contacts[i].Platform) + ")"
	}
	return strings.Join(parts, " · ")
}

func people(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}

func writePeople(w io.Writer, ps []store.Person) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONTACT\tNAME\tMENTIONS\tFOLLOWERS\tLAST SEEN\tTAGS")
	for i := range ps {
		p := &ps[i]
		name := ""
		if len(p.Names) > 0 {
			name = p.Names[len(p.Names)-1]
		}
		last := "—"
		if !p.LastSeen.IsZero() {
			last = p.LastSeen.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", safetext.Truncate(personLabel(p), 60, "…"), safetext.Truncate(name, 24, "…"),
			p.Mentions, p.Followers, last, safetext.Line(dash(strings.Join(p.Tags, ","))))
	}
	tw.Flush()
	fmt.Fprintln(w, people(len(ps)))
}

func writeCard(w io.Writer, c *store.Card) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, safetext.Line(v))
		}
	}
	row("contact", personLabel(&c.Person))
	row("names", strings.Join(c.Names, ", "))
	fl := fmt.Sprint(c.Followers)
	if len(c.Contacts) > 1 {
		var per []string
		for i := range c.Contacts {
			per = append(per, fmt.Sprintf("%s %d", c.Contacts[i].Platform, c.Contacts[i].Followers))
		}
		fl += " (" + strings.Join(per, ", ") + ")"
	}
	row("followers", fl)
	if c.Verified {
		row("verified", "yes")
	}
	seen := ""
	if !c.FirstSeen.IsZero() {
		seen = fmt.Sprintf(" · first seen %s · last seen %s", c.FirstSeen.Local().Format("2006-01-02 15:04"), c.LastSeen.Local().Format("2006-01-02 15:04"))
	}
	row("mentions", fmt.Sprint(c.Mentions)+seen)
	sent := fmt.Sprintf("%+.2f (%s)", c.Sentiment, domain.SentimentBand(c.Sentiment))
	if n := len(c.Weeks); n > 0 {
		var ws []string
		for _, wk := range c.Weeks[max(0, n-6):] {
			ws = append(ws, fmt.Sprintf("%s %+.2f (%d)", wk.Monday.Format("2 Jan"), wk.Average, wk.Mentions))
		}
		sent += " · by week: " + strings.Join(ws, ", ")
	}
	row("sentiment", sent)
	tags := strings.Join(c.Tags, ", ")
	if len(c.ConfigTags) > 0 {
		tags += " (from the config: " + strings.Join(c.ConfigTags, ", ") + ")"
	}
	row("tags", tags)
	tw.Flush()
	if len(c.Notes) > 0 {
		fmt.Fprintln(w, "notes:")
		for _, n := range c.Notes {
			fmt.Fprintln(w, safetext.Line(fmt.Sprintf("  %s %s: %s", n.At.Local().Format(time.DateTime), n.Author, n.Text)))
		}
	}
	if len(c.Suggestions) > 0 {
		fmt.Fprintln(w, "may be the same person (switchboard contacts link … links them):")
		for _, s := range c.Suggestions {
			fmt.Fprintln(w, safetext.Line(fmt.Sprintf("  %s — %s", s.Contact.Ref(), s.Reason)))
		}
	}
	if len(c.Recent) > 0 {
		fmt.Fprintln(w, "recent mentions:")
		for _, r := range c.Recent {
			fmt.Fprintln(w, "  "+safetext.Truncate(fmt.Sprintf("%s %s [%s] %s", r.CreatedAt.Local().Format("2006-01-02 15:04"), r.Key(), r.EffectiveStatus(time.Now()), r.Text), 100, "…"))
			for _, d := range r.Replies {
				when := ""
				if !d.SentAt.IsZero() {
					when = " " + d.SentAt.Local().Format("2006-01-02 15:04")
				}
				fmt.Fprintln(w, "    "+safetext.Truncate(fmt.Sprintf("↳ our reply %s (%s%s, %s): %s", d.ID, d.State, when, d.Author, d.Text), 98, "…"))
			}
		}
	}
	if len(c.History) > 0 {
		fmt.Fprintln(w, "history:")
		for _, e := range c.History {
			fmt.Fprintln(w, safetext.Line(fmt.Sprintf("  %s %s %s: %s", e.At.Local().Format(time.DateTime), e.Actor,
				strings.TrimPrefix(e.Target, store.ContactTargetPrefix), store.ContactEventText(e))))
		}
	}
}
