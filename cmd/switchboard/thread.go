package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"switchboard/domain"
	"switchboard/exchange"
	"switchboard/policy"
	"switchboard/safetext"
	"switchboard/store"
)

func init() { addCommand(newThreadCmd) }

// threadPage is how many messages one store read of a thread takes: the
// conversation is printed as it is read, never held whole.
const threadPage = 500

// newThreadCmd is `switchboard thread KEY`: a mention's conversation.
func newThreadCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "thread KEY [--json]",
		Short: "A mention's conversation, oldest first: what it answers, the replies, and ours",
		Long: `thread prints the conversation of the mention KEY (platform:id, as in the
import format), as stored: the messages it answers (followed up by their
in_reply_to), every reply into the conversation, and the replies we sent
(marked ours, with who sent them), in reading order, each indented by how
deep it is. A direct message's conversation is every direct message of
that person on that platform, oldest first, with our replies under the
ones they answer. A message others answer that is not in the store (not
fetched, or deleted) shows as such; opening the mention in the app
fetches missing ones from the platform.`,
		Example: `  switchboard thread mastodon:109
  switchboard thread x:1723 --json | jq '.[] | select(.ours)'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			key := args[0]
			if p, id, ok := domain.SplitMentionKey(key); !ok || !p.Valid() || id == "" {
				return usagef("thread: %q is not a mention key (platform:id, e.g. mastodon:109)", safetext.Line(key))
			}
			st, err := openStoreReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			w := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
			var out threadWriter = &threadText{w: w, now: time.Now()}
			if asJSON {
				out = &threadJSON{w: w}
			}
			win := store.ThreadWindow{Start: true, After: threadPage}
			for first := true; ; first = false {
				th, err := st.Thread(key, win)
				if errors.Is(err, store.ErrNotFound) {
					return failf("thread %s: no such mention in the store", safetext.Line(key))
				}
				if err != nil {
					return failf("thread %s: %v", safetext.Line(key), err)
				}
				msgs := th.Messages
				if first {
					out.start(th)
				} else if len(msgs) > 0 {
					msgs = msgs[1:] // the last of the page before
				}
				for _, m := range msgs {
					if err := out.message(m); err != nil {
						return err
					}
				}
				if !th.MoreAfter || len(th.Messages) == 0 {
					break
				}
				win = store.ThreadWindow{At: th.Messages[len(th.Messages)-1].Key, After: threadPage + 1}
			}
			if err := out.end(); err != nil {
				return err
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON array of the messages in the export format, with depth, ours, sent_by, focus and missing")
	return cmd
}

type threadWriter interface {
	start(th store.Thread)
	message(m store.ThreadMessage) error
	end() error
}

// threadText writes one line per message, indented by depth.
type threadText struct {
	w       io.Writer
	now     time.Time
	n, ours int
}

func (t *threadText) start(th store.Thread) {
	if th.DM {
		fmt.Fprintf(t.w, "direct messages with %s, oldest first\n", safetext.Line(th.Person))
	} else {
		fmt.Fprintf(t.w, "conversation of %s, oldest first\n", safetext.Line(th.Focus))
	}
	if th.Cycle {
		fmt.Fprintln(t.w, "(its replies loop back onto themselves: shown from where the loop closes)")
	}
	if th.Deep {
		fmt.Fprintf(t.w, "(more than %d messages up: shown from there)\n", store.MaxAncestors)
	}
}

func (t *threadText) message(m store.ThreadMessage) error {
	t.n++
	indent := strings.Repeat("  ", min(m.Depth, 40))
	if m.Depth > 40 {
		indent += fmt.Sprintf("[%d] ", m.Depth)
	}
	mark := "  "
	if m.Focus {
		mark = "▶ "
	}
	var line string
	switch {
	case m.Missing:
		line = "· not in the store (not fetched, or deleted)  [" + safetext.Line(m.Key) + "]"
	case m.Ours != nil:
		t.ours++
		line = fmt.Sprintf("%s  ◆ ours, sent by %s (%s): %s  [%s]", m.Ours.SentAt.Local().Format("2006-01-02 15:04"),
			safetext.Line(m.SentBy), m.Ours.Visibility, safetext.Line(policy.StripOverrides(m.Ours.Text)), safetext.Line(m.Key))
	default:
		mm := m.Mention
		line = fmt.Sprintf("%s  %s: %s  [%s]", mm.CreatedAt.Local().Format("2006-01-02 15:04"),
			safetext.Line(mm.Author.Handle), safetext.Line(mm.Text), safetext.Line(m.Key))
	}
	_, err := fmt.Fprintln(t.w, indent+mark+line)
	return err
}

func (t *threadText) end() error {
	msg := plural(t.n, "message")
	if t.ours > 0 {
		msg += fmt.Sprintf(" (%d ours)", t.ours)
	}
	_, err := fmt.Fprintln(t.w, msg)
	return err
}

// threadRecord is one message of `thread --json`: the export format, and
// where the message is in the conversation and whether it is ours.
type threadRecord struct {
	exchange.Record
	Depth  int    `json:"depth"`
	Parent string `json:"parent,omitempty"`
	Ours   bool   `json:"ours"`
	SentBy string `json:"sent_by,omitempty"`
	Draft  string `json:"draft,omitempty"`
	// Visibility is how our reply went (public or private).
	Visibility domain.Visibility `json:"visibility,omitempty"`
	Focus      bool              `json:"focus,omitempty"`
	// Missing is a message others answer that is not in the store: only
	// platform and id are known.
	Missing bool `json:"missing,omitempty"`
}

// threadJSON writes one JSON array, a message at a time.
type threadJSON struct {
	w io.Writer
	n int
}

func (t *threadJSON) start(store.Thread) {}

func (t *threadJSON) message(m store.ThreadMessage) error {
	r := threadRecord{Depth: m.Depth, Parent: m.Parent, Focus: m.Focus, Missing: m.Missing}
	switch {
	case m.Mention != nil:
		r.Record = exchange.FromMention(m.Mention)
	case m.Ours != nil:
		d := m.Ours
		r.Ours, r.SentBy, r.Draft, r.Visibility = true, m.SentBy, d.ID, d.Visibility
		r.Record = exchange.Record{Platform: d.Platform, ID: d.RemoteID, Kind: domain.KindReply, Text: policy.StripOverrides(d.Text),
			CreatedAt: d.SentAt.UTC().Format(time.RFC3339Nano), Tags: []string{}}
		if d.Visibility == domain.VisibilityPrivate {
			r.Kind = domain.KindDM
		}
		if _, id, ok := domain.SplitMentionKey(d.MentionKey); ok {
			r.InReplyTo = id
		}
	default:
		p, id, _ := domain.SplitMentionKey(m.Key)
		r.Record = exchange.Record{Platform: p, ID: id, Tags: []string{}}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	sep := ",\n"
	if t.n == 0 {
		sep = "[\n"
	}
	t.n++
	_, err = io.WriteString(t.w, sep+string(b))
	return err
}

func (t *threadJSON) end() error {
	if t.n == 0 {
		_, err := io.WriteString(t.w, "[]\n")
		return err
	}
	_, err := io.WriteString(t.w, "\n]\n")
	return err
}
