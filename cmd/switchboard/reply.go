package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"switchboard/domain"
	"switchboard/policy"
	"switchboard/reply"
	"switchboard/safetext"
	"switchboard/store"
)

// `reply` and `drafts`: the composer's path (reply.Submit) from the
// command line, the same locally and over ssh, where the caller's key
// decides who acts (globals.actor).

func init() {
	addCommand(newReplyCmd)
	addCommand(newDraftsCmd)
}

// actingStore is who acts (g.actor) and the store of a command that
// writes: serve's own over ssh (left open for serve), else the local
// file; done releases it.
func actingStore(g *globals) (me string, s *store.Store, done func(), err error) {
	if me, err = g.actor(); err != nil {
		return "", nil, nil, err
	}
	if g.shared != nil {
		return me, g.shared.store, func() {}, nil
	}
	s, err = openStore(g)
	if err != nil {
		return "", nil, nil, err
	}
	return me, s, func() { s.Close() }, nil
}

// reportSubmit says what reply.Submit did: where the draft went (exit 0),
// or the findings that refuse it (exit 1); cancel drops a refused draft.
func reportSubmit(cmd *cobra.Command, st *store.Store, me string, res reply.Result, err error, what string, cancel bool) error {
	if err != nil {
		return failf("%s: %v", what, err)
	}
	if len(res.Blocked) > 0 {
		note := "it stays a draft"
		if cancel {
			note = "it is cancelled; nothing was queued"
			if _, err := st.CancelDraft(me, res.Draft.ID); err != nil {
				note = "nothing was queued (" + err.Error() + ")"
			}
		}
		writeRefusal(cmd.ErrOrStderr(), res.Draft.ID, res.Blocked, note)
		return &exitError{code: 1}
	}
	writeSubmitted(cmd.OutOrStdout(), res)
	return nil
}

// replyPack is the team's policy pack (serve's over ssh). A pack that does
// not load checks nothing, so nothing may be queued by it.
func replyPack(g *globals, st *store.Store) (*policy.Pack, error) {
	env := g.shared
	if env == nil {
		cfg, err := loadConfig(g)
		if err != nil {
			return nil, err
		}
		env = &appEnv{store: st, config: cfg}
	}
	po := env.policyOptions()
	if po.Err != nil {
		return nil, fmt.Errorf("the team's policy pack (%s) does not load, so no reply can be checked or queued: %v", po.Source, po.Err)
	}
	return po.Pack, nil
}

// failf ends a command with status 1 and a message.
func failf(format string, a ...any) error {
	return &exitError{code: 1, msg: fmt.Sprintf(format, a...)}
}

func newReplyCmd(g *globals) *cobra.Command {
	var private bool
	var tplID, text, file string
	var fields []string
	cmd := &cobra.Command{
		Use:   "reply MENTION [--private] [--template ID] [--field NAME=VALUE]... (--text TEXT | --file F|-)",
		Short: "Draft a reply to a mention, check it against the policy and queue it (or park it for approval)",
		Long: `reply drafts a reply to MENTION (platform:id, as in the import format), checks
it against the team's policy pack exactly as the composer does, and then:

  queues it                 it goes out as soon as the platform takes it (exit 0)
  parks it for approval     a finding needs sign-off by a role, e.g. legal;
                            once approved, queue it: switchboard drafts queue ID (exit 0)
  refuses it                a finding blocks it: the findings are printed and the
                            draft is cancelled (exit 1)

The words come from --text, --file F (- reads standard input) or --template ID,
a template of the pack whose {{fields}} are filled with --field NAME=VALUE
({{author}} and {{name}} come from the mention). --private sends a private
message instead of a public reply. Over ssh the operator whose key signed in
writes it; locally the OS account does.`,
		Example: `  switchboard reply mastodon:109 --text "Sorry about that, we are on it."
  switchboard reply x:1723 --private --file answer.txt
  switchboard reply bluesky:3kq --template ack
  ssh -p 2222 host reply reddit:t1_ab --file - < answer.txt`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, id, ok := domain.SplitMentionKey(args[0])
			if !ok || !p.Valid() || id == "" {
				return usagef("mention %q: want platform:id, e.g. mastodon:109 (platforms: x, mastodon, bluesky, reddit, news)", args[0])
			}
			sources := 0
			for _, f := range []string{"text", "file", "template"} {
				if cmd.Flags().Changed(f) {
					sources++
				}
			}
			if sources != 1 {
				return usagef("give the reply's words with one of --text TEXT, --file F|- or --template ID")
			}
			if len(fields) > 0 && tplID == "" {
				return usagef("--field fills a template's blanks: give --template ID")
			}
			if cmd.Flags().Changed("file") {
				var err error
				if text, err = readReplyFile(cmd, g, file); err != nil {
					return err
				}
			}
			me, st, done, err := actingStore(g)
			if err != nil {
				return err
			}
			defer done()
			m, err := st.GetByKey(args[0])
			if errors.Is(err, store.ErrNotFound) {
				return failf("no mention %s in the store", args[0])
			}
			if err != nil {
				return err
			}
			vis := domain.VisibilityPublic
			if private {
				if !reply.CanPrivate(m.Platform) {
					return usagef("--private: %s items take no private message", m.Platform)
				}
				vis = domain.VisibilityPrivate
			}
			pack, err := replyPack(g, st)
			if err != nil {
				return failf("%v", err)
			}
			if tplID != "" {
				if text, err = fillTemplate(pack, m, tplID, fields); err != nil {
					return err
				}
			}
			if strings.TrimSpace(text) == "" {
				return usagef("the reply is empty")
			}
			res, err := reply.Submit(st, pack, me, m, domain.Draft{}, vis, text)
			return reportSubmit(cmd, st, me, res, err, "reply to "+args[0], true)
		},
	}
	cmd.Flags().BoolVar(&private, "private", false, "a private message (a direct message; a Mastodon direct post) instead of a public reply")
	cmd.Flags().StringVar(&tplID, "template", "", "the words of a template of the policy pack (see switchboard policy show --yaml)")
	cmd.Flags().StringArrayVar(&fields, "field", nil, "NAME=VALUE fills {{NAME}} in the template (repeatable)")
	cmd.Flags().StringVar(&text, "text", "", "the reply's words")
	cmd.Flags().StringVar(&file, "file", "", "read the reply's words from a file (- for standard input)")
	return cmd
}

// readReplyFile reads --file: a local file, or standard input (over ssh
// the client's; a path would name a file on the server, so it is refused).
func readReplyFile(cmd *cobra.Command, g *globals, file string) (string, error) {
	var r io.Reader
	switch {
	case file == "-":
		r = cmd.InOrStdin()
	case g.shared != nil:
		return "", usagef("--file %s names a file on the server; over ssh pipe it in with --file - (or use --text)", file)
	default:
		f, err := os.Open(file)
		if err != nil {
			return "", &exitError{code: 2, msg: err.Error()}
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, store.MaxDraftBytes+1))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// fillTemplate is the text of template id for mention m with fields
// (NAME=VALUE) filled in over the mention's own (author, name).
func fillTemplate(pack *policy.Pack, m domain.Mention, id string, fields []string) (string, error) {
	t, ok := pack.Template(id)
	if !ok {
		var ids []string
		for _, t := range reply.Templates(pack, m.Platform) {
			ids = append(ids, t.ID)
		}
		return "", usagef("--template %q: the pack has no such template (for %s: %s)", id, m.Platform, strings.Join(ids, ", "))
	}
	if !slices.ContainsFunc(reply.Templates(pack, m.Platform), func(x policy.Template) bool { return x.ID == id }) {
		return "", usagef("--template %s is not for %s (it is for %s)", id, m.Platform, strings.Join(t.Platforms, ", "))
	}
	values := reply.Fields(m)
	for _, f := range fields {
		name, v, ok := strings.Cut(f, "=")
		if !ok || name == "" {
			return "", usagef("--field %q: want NAME=VALUE", f)
		}
		if !slices.Contains(t.Fields(), name) {
			return "", usagef("--field %s: template %s has no {{%s}} (its fields: %s)", name, id, name, strings.Join(t.Fields(), ", "))
		}
		values[name] = v
	}
	text, err := t.Render(values)
	if err != nil {
		var missing []string
		for _, f := range t.Fields() {
			if _, ok := values[f]; !ok {
				missing = append(missing, "--field "+f+"=…")
			}
		}
		return "", usagef("%v: give %s", err, strings.Join(missing, " "))
	}
	return text, nil
}

// writeSubmitted says where a submitted draft went.
func writeSubmitted(w io.Writer, res reply.Result) {
	d := res.Draft
	switch {
	case len(res.Asked) > 0:
		fmt.Fprintf(w, "%s awaits approval by %s; once approved, queue it: switchboard drafts queue %s\n", d.ID, strings.Join(res.Asked, ", "), d.ID)
	default:
		fmt.Fprintf(w, "%s queued: it goes out as soon as the platform takes it (switchboard drafts show %s)\n", d.ID, d.ID)
	}
}

// writeRefusal lists the findings that refuse draft id.
func writeRefusal(w io.Writer, id string, fs []policy.Finding, note string) {
	fmt.Fprintf(w, "switchboard: %s refused: the policy blocks it; %s\n", id, note)
	for _, f := range fs {
		line := "  " + f.RuleID + ": " + f.Message
		if f.Match != "" {
			line += " (“" + f.Match + "”)"
		}
		if f.HasFix {
			line += "; fix: “" + f.Fix + "”"
		}
		fmt.Fprintln(w, safetext.Line(line))
	}
}

func newDraftsCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "drafts",
		Short: "List, show, approve, reject and queue drafted replies",
		Long: `drafts works on the replies drafted in switchboard (in the app, or with
switchboard reply), locally or over ssh, where the operator whose key signed in
acts. Approving a draft takes an operator who approves for every role it waits
for (approves: in operators.yaml), never its author.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var states []string
	var listJSON bool
	list := &cobra.Command{
		Use:   "list [--state S] [--json]",
		Short: "Every draft, newest first (--state to pick states)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return listDrafts(cmd, g, states, listJSON)
		},
	}
	list.Flags().StringSliceVar(&states, "state", nil, "only drafts in these states (comma-separated)")
	list.Flags().BoolVar(&listJSON, "json", false, "print a JSON array of drafts")

	var showJSON bool
	show := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "One draft: its state, approval, text, findings and history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openStoreReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			d, err := st.Draft(args[0])
			if err != nil {
				return failf("drafts show %s: %v", args[0], err)
			}
			if showJSON {
				return writeJSON(cmd.OutOrStdout(), d)
			}
			return writeDraft(cmd.OutOrStdout(), g, st, d)
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print the draft as JSON")

	var comment string
	approve := &cobra.Command{
		Use:   "approve ID [--comment TEXT]",
		Short: "Approve a draft waiting for approval (its current version)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return review(cmd, g, args[0], comment, true)
		},
	}
	approve.Flags().StringVar(&comment, "comment", "", "a note for the author")

	var reason string
	reject := &cobra.Command{
		Use:   "reject ID --reason TEXT",
		Short: "Reject a draft waiting for approval, saying why",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return usagef("drafts reject needs --reason TEXT: the author learns why")
			}
			return review(cmd, g, args[0], reason, false)
		},
	}
	reject.Flags().StringVar(&reason, "reason", "", "why it is rejected (required)")

	queue := &cobra.Command{
		Use:   "queue ID",
		Short: "Check a draft again and queue it (after its approval), or say what it still waits for",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			me, st, done, err := actingStore(g)
			if err != nil {
				return err
			}
			defer done()
			d, err := st.Draft(args[0])
			if err != nil {
				return failf("drafts queue %s: %v", args[0], err)
			}
			m := reply.PostOn(d.Platform)
			if !store.IsPost(d) {
				if m, err = st.GetByKey(d.MentionKey); err != nil {
					return failf("drafts queue %s: mention %s: %v", d.ID, d.MentionKey, err)
				}
			}
			pack, err := replyPack(g, st)
			if err != nil {
				return failf("%v", err)
			}
			res, err := reply.Submit(st, pack, me, m, d, d.Visibility, d.Text)
			return reportSubmit(cmd, st, me, res, err, "drafts queue "+d.ID, false)
		},
	}
	root.AddCommand(list, show, approve, reject, queue)
	return root
}

// review approves or rejects draft id as the command's actor.
func review(cmd *cobra.Command, g *globals, id, comment string, approve bool) error {
	me, st, done, err := actingStore(g)
	if err != nil {
		return err
	}
	defer done()
	d, err := st.Draft(id)
	if err == nil {
		if approve {
			d, err = st.Approve(me, id, d.Version, comment)
		} else {
			d, err = st.Reject(me, id, d.Version, comment)
		}
	}
	verb := map[bool]string{true: "approve", false: "reject"}[approve]
	if err != nil {
		return failf("drafts %s %s: %v", verb, id, err)
	}
	if approve {
		fmt.Fprintf(cmd.OutOrStdout(), "%s v%d approved for %s by %s; its author queues it: switchboard drafts queue %s\n", d.ID, d.Version, d.ApprovalRole, me, d.ID)
	} else {
		fmt.Fprintf(cmd.OutOrStdout(), "%s v%d rejected by %s: %s\n", d.ID, d.Version, me, safetext.Line(comment))
	}
	return nil
}

// writeDraft is `drafts show`: the draft, the policy's findings on it now
// and its history.
func writeDraft(w io.Writer, g *globals, st *store.Store, d domain.Draft) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, safetext.Line(v)) }
	row("draft", fmt.Sprintf("%s v%d, %s", d.ID, d.Version, d.State))
	m, merr := reply.PostOn(d.Platform), error(nil)
	if !store.IsPost(d) {
		m, merr = st.GetByKey(d.MentionKey)
		if merr == nil {
			row("mention", d.MentionKey+" ("+m.Author.Handle+": "+safetext.Truncate(m.Text, 60, "…")+")")
		} else {
			row("mention", d.MentionKey)
		}
	}
	row("author", d.Author)
	if store.IsPost(d) {
		row("reply", "public post — a post on the brand's "+string(d.Platform)+" account")
	} else {
		row("reply", string(d.Visibility)+" on "+string(d.Platform))
	}
	if d.ApprovalRole != "" {
		a := "needs " + d.ApprovalRole
		if roles, ok := store.Approved(d); ok {
			a = fmt.Sprintf("approved by %s for %s (v%d)", d.ApprovedBy, strings.Join(roles, ", "), d.ApprovedVersion)
		}
		row("approval", a)
	}
	if d.ReviewComment != "" {
		row("comment", d.ReviewComment)
	}
	if d.LastError != "" {
		row("last", d.LastError)
	}
	if d.RemoteID != "" {
		row("remote", d.RemoteID)
	}
	tw.Flush()
	fmt.Fprintln(w, "text:")
	for _, l := range strings.Split(safetext.Wrap(d.Text, 76), "\n") {
		fmt.Fprintln(w, "  "+l)
	}
	if pack, err := replyPack(g, st); err == nil && merr == nil {
		if fs := pack.Check(d.Text, reply.Context(m, d.Visibility, d)); len(fs) > 0 {
			fmt.Fprintln(w, "findings:")
			for _, f := range fs {
				mark := string(f.Severity)
				switch {
				case f.Severity == policy.Approval && f.Approved:
					mark = "approved"
				case f.Severity == policy.Approval:
					mark = "needs " + f.Role
				}
				fmt.Fprintln(w, safetext.Line("  "+mark+" "+f.RuleID+": "+f.Message))
			}
		}
	}
	evs, err := st.Events(d.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "history:")
	for _, e := range evs {
		fmt.Fprintln(w, safetext.Line(fmt.Sprintf("  %s %s %s %s→%s", e.At.Local().Format(time.DateTime), e.Actor, e.Field, e.Before, e.After)))
	}
	return nil
}
