package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"switchboard/domain"
	"switchboard/operators"
	"switchboard/sshserver"
)

// readOnlyCommand reports the commands any operator may run over ssh:
// they only read the store.
func readOnlyCommand(args []string) bool {
	switch args[0] {
	case "export", "incident", "alerts", "report", "thread":
		return true
	case "outbox":
		return len(args) > 1 && args[1] == "list"
	case "db":
		return len(args) > 1 && args[1] == "stats"
	}
	return false
}

// actingCommand reports the commands an operator runs over ssh as
// themselves (the key decides who acts; the store checks what they may):
// `reply`, `drafts`, `mentions` and `contacts`.
func actingCommand(args []string) bool {
	return args[0] == "reply" || args[0] == "drafts" || args[0] == "mentions" || args[0] == "replies" || args[0] == "contacts"
}

// teamActor is who changed the team file: an admin's SSH command sets it
// before editing the file, and the first change applied after that is
// recorded under their name; changes made on the host by editing the file
// or with `switchboard operators` are recorded as "operators".
type teamActor struct {
	mu   sync.Mutex
	name string
}

func (t *teamActor) set(name string) {
	t.mu.Lock()
	t.name = name
	t.mu.Unlock()
}

// take returns the pending actor (or "operators") and clears it.
func (t *teamActor) take() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.name
	t.name = ""
	if n == "" {
		return "operators"
	}
	return n
}

// sshCommands are the commands an operator can run over ssh instead of the
// app: `ssh -p 2222 host operators list|add|remove …`. Managing the team
// needs the admin role, checked against the live team, and the change is
// recorded in the audit log under the admin's name.
//
// Any operator may write and review replies — `reply` and `drafts` — as
// themselves, with what their role and approves: list allow, and run the
// read-only commands on the live store —
// `export`, `thread`, `incident list|show|export`, `alerts`, `outbox list`
// and `db stats` — with the same flags as on the host, except those that name
// files (the server's store and config are used).
func sshCommands(reg *operators.Registry, path string, actor *teamActor, env *appEnv) sshserver.CommandFunc {
	st := env.store
	return func(ctx context.Context, info sshserver.SessionInfo, args []string, out, errOut io.Writer) int {
		fail := func(code int, format string, a ...any) int {
			fmt.Fprintf(errOut, "switchboard: "+format+"\n", a...)
			return code
		}
		if acts := actingCommand(args); acts || readOnlyCommand(args) {
			for _, a := range args {
				for _, f := range []string{"--db", "--config", "--operators", "--host-key", "--policy"} {
					if a == f || strings.HasPrefix(a, f+"=") {
						return fail(2, "%s names a file on the server; over ssh the server's own store and config are used", f)
					}
				}
			}
			root := newRootFor(&globals{shared: env, caller: info.Operator.Name})
			root.SetArgs(args)
			root.SetIn(strings.NewReader(""))
			if acts && info.Stdin != nil {
				root.SetIn(info.Stdin) // reply --file -
			}
			root.SetOut(out)
			root.SetErr(errOut)
			root.SilenceUsage, root.SilenceErrors = true, true
			err := root.ExecuteContext(ctx)
			var ee *exitError
			if err != nil && !(errors.As(err, &ee) && ee.msg == "") {
				fmt.Fprintln(errOut, "switchboard: "+err.Error())
			}
			return exitCode(err)
		}
		if len(args) == 2 && args[0] == "db" && args[1] == "backup" {
			// a hot, consistent copy of the store the server holds, to stdout
			if err := reg.Authorize(info.Operator.Name, domain.PermBackup); err != nil {
				return fail(1, "%v", err)
			}
			if _, err := st.WriteTo(out); err != nil {
				return fail(1, "backup: %v", err)
			}
			return 0
		}
		if args[0] != "operators" || len(args) < 2 {
			return fail(2, "over ssh, connect without a command for the app, or run one of: mentions list|show|tag|untag|assign|route|snooze|close|reopen|note … | contacts list|show|tag|untag|note|link|unlink|undo … | replies list|show|add|remove … | reply MENTION … | drafts list|show|approve|reject|queue | thread KEY | report … | export [filters] | incident list|show ID|export ID | alerts | outbox list | db stats | db backup > FILE (admin) | operators list|add|remove (admin)")
		}
		if err := reg.Authorize(info.Operator.Name, domain.PermAdmin); err != nil {
			return fail(1, "%v", err)
		}
		switch args[1] {
		case "list":
			set := reg.Current()
			if len(args) == 3 && args[2] == "--json" {
				if err := writeJSON(out, teamJSON(set)); err != nil {
					return fail(1, "%v", err)
				}
				return 0
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			writeTeam(tw, set)
			tw.Flush()
			return 0
		case "remove":
			if len(args) != 3 {
				return fail(2, "usage: operators remove NAME")
			}
			name := args[2]
			if name == info.Operator.Name {
				return fail(1, "you cannot remove yourself; ask another admin")
			}
			op, ok := reg.Current().Get(name)
			if !ok {
				return fail(1, "there is no operator %q", name)
			}
			actor.set(info.Operator.Name)
			if err := operators.Remove(path, op.Name); err != nil {
				actor.set("")
				return fail(1, "%v", err)
			}
			if _, err := reg.Reload(); err != nil {
				return fail(1, "removed from the file, but it does not load: %v", err)
			}
			fmt.Fprintf(out, "removed %s (%s); their sessions end within a second\n", op.Name, op.Role)
			return 0
		case "add":
			fs := pflag.NewFlagSet("operators add", pflag.ContinueOnError)
			fs.SetOutput(errOut)
			role := fs.String("role", "", "viewer, agent, legal, lead or admin")
			teams := fs.StringArray("team", nil, "a team the operator is on (repeatable)")
			keys := fs.StringArray("key", nil, "an authorized_keys line (repeatable)")
			approves := fs.StringArray("approves", nil, "an approval role the operator approves for (repeatable)")
			if err := fs.Parse(args[2:]); err != nil || fs.NArg() != 1 {
				return fail(2, "usage: operators add NAME --role ROLE --key 'ssh-ed25519 AAAA…' [--team TEAM] [--approves ROLE]")
			}
			name := fs.Arg(0)
			if err := operators.ValidName(name); err != nil {
				return fail(2, "%v", err)
			}
			r := domain.Role(*role)
			if !r.Valid() {
				return fail(2, "--role %q: want one of viewer, agent, legal, lead, admin", *role)
			}
			if len(*keys) == 0 {
				return fail(2, "give at least one --key 'ssh-ed25519 AAAA… comment'")
			}
			for _, k := range *keys {
				if _, err := operators.ParseKey(k); err != nil {
					return fail(2, "--key: %v", err)
				}
			}
			actor.set(info.Operator.Name)
			if err := operators.Add(path, operators.Operator{Name: name, Role: r, Teams: *teams, Approves: *approves, Keys: *keys}); err != nil {
				actor.set("")
				return fail(1, "%v", err)
			}
			if _, err := reg.Reload(); err != nil {
				return fail(1, "added to the file, but it does not load: %v", err)
			}
			fmt.Fprintf(out, "added %s (%s)\n", name, r)
			return 0
		}
		return fail(2, "unknown operators command %q: list, add or remove", args[1])
	}
}
