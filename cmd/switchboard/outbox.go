package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/outbox"
	"switchboard/safetext"
	"switchboard/store"
	"switchboard/tui"
	"switchboard/tui/composer"
)

// startOutbox starts the process's outbox sender over conns (the
// connectors this process runs); it sends until ctx ends. With no
// connector, queued replies wait for a run that has one.
func (e *appEnv) startOutbox(ctx context.Context, conns []connectors.Connector) {
	go e.newOutbox(ctx, conns).Run(ctx)
}

// newOutbox builds the process's outbox sender (serve runs it with its
// other services).
func (e *appEnv) newOutbox(ctx context.Context, conns []connectors.Connector) *outbox.Sender {
	logf := func(string, ...any) {}
	if path := os.Getenv("SWITCHBOARD_OUTBOX_LOG"); path != "" {
		if f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
			l := log.New(f, "", log.LstdFlags)
			logf = l.Printf
			go func() { <-ctx.Done(); f.Close() }()
		}
	}
	e.outbox = outbox.New(e.store, conns, outbox.Options{Pack: e.policyOptions().Pack, PackErr: e.policyOptions().Err, Logf: logf})
	return e.outbox
}

// composerHooks set the reply composer (`r`) and the Outbox pane (4) of
// a session.
func (e *appEnv) composerHooks(o *tui.Options) {
	po := e.policyOptions()
	o.Composer = composer.Factory(composer.Options{Pack: po.Pack, PackErr: po.Err})
	o.Outbox = composer.OutboxFactory(po.Pack, po.Err)
}

func init() {
	addCommand(func(g *globals) *cobra.Command {
		var asJSON bool
		var states []string
		cmd := &cobra.Command{
			Use:   "outbox list|retry ID|cancel ID",
			Short: "List, retry or cancel replies in the outbox",
			Long: `outbox shows every reply drafted in switchboard and where it is in the outbox:
draft, awaiting_approval, approved, rejected, queued, sending, sent, failed,
unknown or cancelled. A reply is "unknown" when the process stopped while
sending it and the platform cannot be asked whether it arrived: look at the
thread, then retry it (the same idempotency key goes again) or cancel it.

  list         every draft, newest first (--state to pick states)
  retry ID     put a failed or unknown reply back in the queue
  cancel ID    drop a draft or take it out of the queue

The running app (switchboard, demo) sends what is queued; this command only
changes the store, so run it while the app is closed or through the app's
Outbox pane (4).`,
			Example: "  switchboard outbox list\n  switchboard outbox list --state failed,unknown --json\n  switchboard outbox retry d12",
			Args:    cobra.RangeArgs(1, 2),
			RunE: func(cmd *cobra.Command, args []string) error {
				switch args[0] {
				case "list":
					if len(args) != 1 {
						return usagef("outbox list takes no argument")
					}
					return listDrafts(cmd, g, states, asJSON)
				case "retry", "cancel":
					if len(args) != 2 {
						return usagef("outbox %s needs a draft id (see outbox list)", args[0])
					}
					me, err := localIdentity()
					if err != nil {
						return err
					}
					s, err := openStore(g)
					if err != nil {
						return err
					}
					defer s.Close()
					var d domain.Draft
					if args[0] == "retry" {
						d, err = s.RetryDraft(me, args[1])
					} else {
						d, err = s.CancelDraft(me, args[1])
					}
					if err != nil {
						if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrDraftState) || errors.Is(err, store.ErrForbidden) {
							fmt.Fprintf(cmd.ErrOrStderr(), "outbox %s %s: %v\n", args[0], args[1], err)
							return &exitError{code: 1}
						}
						return err
					}
					if asJSON {
						return writeDraftsJSON(cmd.OutOrStdout(), []domain.Draft{d})
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%s is now %s\n", d.ID, d.State)
					return nil
				}
				return usagef("unknown outbox action %q: want list, retry ID or cancel ID", args[0])
			},
		}
		cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
		cmd.Flags().StringSliceVar(&states, "state", nil, "only drafts in these states (comma-separated)")
		return cmd
	})
}

// listDrafts is `outbox list` and `drafts list`: the drafts in states
// (comma-separated; all when none), newest first, as a table or JSON.
func listDrafts(cmd *cobra.Command, g *globals, states []string, asJSON bool) error {
	var want []domain.DraftState
	for _, s := range states {
		for _, x := range strings.Split(s, ",") {
			st := domain.DraftState(strings.TrimSpace(x))
			if !validState(st) {
				return usagef("--state %q: want draft, awaiting_approval, approved, rejected, queued, sending, sent, failed, unknown or cancelled", x)
			}
			want = append(want, st)
		}
	}
	s, err := openStoreReadOnly(g)
	if err != nil {
		return err
	}
	defer s.Close()
	ds, err := s.Drafts(want...)
	if err != nil {
		return err
	}
	if asJSON {
		return writeDraftsJSON(cmd.OutOrStdout(), ds)
	}
	return writeDrafts(cmd.OutOrStdout(), s, ds)
}

func validState(st domain.DraftState) bool {
	switch st {
	case domain.DraftEditing, domain.DraftAwaitingApproval, domain.DraftApproved, domain.DraftRejected, domain.DraftQueued,
		domain.DraftSending, domain.DraftSent, domain.DraftFailed, domain.DraftUnknown, domain.DraftCancelled:
		return true
	}
	return false
}

func writeDraftsJSON(w io.Writer, ds []domain.Draft) error {
	if ds == nil {
		ds = []domain.Draft{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ds)
}

func writeDrafts(w io.Writer, s *store.Store, ds []domain.Draft) error {
	if len(ds) == 0 {
		fmt.Fprintln(w, "no drafts")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tPLATFORM\tVISIBILITY\tBY\tTRIES\tTO\tTEXT\tNOTE")
	for _, d := range ds {
		to := d.MentionKey
		if store.IsPost(d) {
			to = "(post)"
		} else if m, err := s.GetByKey(d.MentionKey); err == nil {
			to = m.Author.Handle
		}
		note := d.LastError
		if d.State == domain.DraftAwaitingApproval {
			note = "needs " + d.ApprovalRole
		} else if d.State == domain.DraftSent {
			note = "remote " + d.RemoteID
		} else if d.ReviewComment != "" && note == "" {
			note = d.ReviewComment
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", d.ID, d.State, d.Platform, d.Visibility,
			safetext.Truncate(d.Author, 16, "…"), d.Attempts, safetext.Truncate(to, 24, "…"),
			safetext.Truncate(d.Text, 40, "…"), safetext.Truncate(note, 60, "…"))
	}
	return tw.Flush()
}
