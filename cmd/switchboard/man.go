package main

import (
	"fmt"
	"strings"

	mcobra "github.com/muesli/mango-cobra"
	"github.com/muesli/roff"
	"github.com/spf13/cobra"
)

// The man page's own sections, after the commands and options mango-cobra
// lists. Each line is a paragraph; a line starting with * is a list item.
// (roff's Text runs lines through a format function: no per-cent signs.)
var manSections = []struct{ name, text string }{
	{"Exit Status", strings.Join([]string{
		"* 0: success.",
		"* 1: a failure or a refusal: an error reading or writing the store, config or a file; bad lines in import (with --strict nothing is imported); a blocking finding from check; problems found by db check; a connector that failed in poll --once; a failed policy test; a db backup onto an existing file without --force.",
		"* 2: a usage error: an unknown command or flag, a missing or extra argument, a bad flag value (export --status closed), an unknown shell for completion. check and policy test also exit 2 when the policy pack does not compile or an input cannot be read.",
	}, "\n")},
	{"Files", strings.Join([]string{
		"* $XDG_DATA_HOME/switchboard/switchboard.db (default ~/.local/share/switchboard/switchboard.db): the store, or --db PATH. Beside it, switchboard.db.holder names the process writing to it, and ssh_host_ed25519 is the host key of switchboard serve (--host-key).",
		"* $XDG_CONFIG_HOME/switchboard/config.yaml (default ~/.config/switchboard/config.yaml): the config file (connectors, brand, routing rules, crisis sensitivity, policy pack), or --config FILE. A default file that does not exist is an empty config; a file named with --config must exist.",
		"* operators.yaml beside the config file: the team of the SSH war room (names, roles, teams, keys), or --operators FILE.",
		"* The policy pack: the config's policy: file (relative to the config file), or check --policy FILE; without one, the built-in pack (switchboard policy show --yaml prints it).",
		"* $XDG_STATE_HOME/switchboard/connectors/NAME/ (default ~/.local/state/switchboard/connectors/NAME/): a connector's private state.",
	}, "\n")},
	{"Environment", strings.Join([]string{
		"* SWITCHBOARD_OPERATOR: refused when set to a name other than the OS account's (a local switchboard acts as the OS account; sign in to switchboard serve with another operator's key instead).",
		"* SWITCHBOARD_OUTBOX_LOG: a file the outbox appends one line to per send outcome.",
		"* The variables the config's *_env fields name (e.g. token_env: SWITCHBOARD_MASTODON_TOKEN) hold connector secrets.",
		"* XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_STATE_HOME: where the store, the config and connector state live (see FILES).",
		"* NO_COLOR: when set and not empty, the mono theme.",
	}, "\n")},
	{"Examples", strings.Join([]string{
		"switchboard demo: the app on a simulated live stream, in a temporary store.",
		"switchboard import --strict mentions.jsonl: import JSON Lines, nothing if any line is bad.",
		"switchboard export --status open --tag billing --format csv > open-billing.csv",
		"switchboard db backup --force /backups/switchboard.db",
		"switchboard check --platform x draft.txt: check a draft against the policy pack.",
		"switchboard poll --once --json: fetch every connector once and report as JSON.",
		"ssh -p 2222 host db backup > backup.db: a hot backup from a running switchboard serve (admin).",
		"switchboard completion bash > /etc/bash_completion.d/switchboard",
	}, "\n")},
}

func init() {
	addCommand(func(g *globals) *cobra.Command {
		return &cobra.Command{
			Use:                   "man",
			Short:                 "Write the man page (roff) to standard output",
			Hidden:                true,
			DisableFlagsInUseLine: true,
			Args:                  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				page, err := mcobra.NewManPage(1, cmd.Root())
				if err != nil {
					return err
				}
				for _, s := range manSections {
					page = page.WithSection(s.name, s.text)
				}
				_, err = fmt.Fprint(cmd.OutOrStdout(), page.Build(roff.NewDocument()))
				return err
			},
		}
	})
}
