// Command switchboard is a social team's inbox and crisis room in the
// terminal. Every subcommand lives in its own file and registers itself with
// addCommand in an init function.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// globals are the flags every command shares.
type globals struct {
	db     string
	config string
	theme  string
	// shared, when set, is the store and config of a running serve: the
	// command runs over ssh on them instead of opening files (see
	// serve_commands.go).
	shared *appEnv
	// caller is the operator whose ssh command runs on shared (their key
	// decided).
	caller string
}

// dbPath is the store file to use: --db, or the default under XDG_DATA_HOME.
func (g *globals) dbPath() string {
	if g.db != "" {
		return g.db
	}
	return defaultDBPath()
}

// configPath is the config file to use: --config, or the default under
// XDG_CONFIG_HOME (which may not exist).
func (g *globals) configPath() string {
	if g.config != "" {
		return g.config
	}
	return defaultConfigPath()
}

func defaultDBPath() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "switchboard", "switchboard.db")
}

func defaultConfigPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "switchboard", "config.yaml")
}

// commandFactories are filled by init functions of the command files.
var commandFactories []func(*globals) *cobra.Command

// addCommand registers a subcommand; call it from an init function.
func addCommand(f func(*globals) *cobra.Command) { commandFactories = append(commandFactories, f) }

// rootRun, when set by the TUI's command file, runs the app for a bare
// `switchboard`.
var rootRun func(cmd *cobra.Command, g *globals) error

// exitError ends the program with a given status and an optional message;
// commands use it for results that are not failures of the program itself
// (e.g. `check` finding a block, `db check` finding damage).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageError marks a bad invocation (exit status 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return &usageError{fmt.Errorf(format, a...)} }

func newRoot() *cobra.Command { return newRootFor(&globals{}) }

// newRootFor builds the command tree around g.
func newRootFor(g *globals) *cobra.Command { return newRootWith(g, commandFactories) }

// newRootWith builds the root command around g with the given subcommands.
func newRootWith(g *globals, factories []func(*globals) *cobra.Command) *cobra.Command {
	root := &cobra.Command{
		Use:   "switchboard",
		Short: "A social team's inbox and crisis room, in the terminal",
		Long: `switchboard pulls mentions from X, Mastodon, Bluesky, Reddit and news feeds into
one embedded store, lets operators tag, route, assign and answer them, spots
crises early and runs them as incidents, and checks every draft against the
team's social-media policy, offline.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rootRun == nil {
				return cmd.Help()
			}
			return rootRun(cmd, g)
		},
	}
	root.PersistentFlags().StringVar(&g.db, "db", "", "store file (default $XDG_DATA_HOME/switchboard/switchboard.db)")
	root.PersistentFlags().StringVar(&g.config, "config", "", "config file (default $XDG_CONFIG_HOME/switchboard/config.yaml)")
	root.PersistentFlags().StringVar(&g.theme, "theme", "", "colour theme: auto, dark, light, high-contrast, mono")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	for _, f := range factories {
		root.AddCommand(f(g))
	}
	strictCompletionCmd(root)
	return root
}

// exitCode maps an error from Execute to the process exit status:
// 0 success, 1 failure, 2 usage.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "requires exactly"} {
		if strings.HasPrefix(s, p) || strings.Contains(s, " "+p) {
			return 2
		}
	}
	return 1
}

// checkOnly reports whether args run `check` and nothing but it (no help
// asked for, where the other commands would be listed): then main builds
// only the check command. check runs from scripts and hooks over many
// drafts, and building the whole tree, every flag of every command, costs
// more than checking a draft.
func checkOnly(args []string) bool {
	if len(args) == 0 || args[0] != "check" {
		return false
	}
	for _, a := range args[1:] {
		if a == "--" {
			return true
		}
		if a == "-h" || a == "--help" || strings.HasPrefix(a, "--help=") {
			return false
		}
	}
	return true
}

func main() {
	var root *cobra.Command
	if checkOnly(os.Args[1:]) {
		root = newRootWith(&globals{}, []func(*globals) *cobra.Command{newCheckCmd})
	} else {
		root = newRoot()
	}
	os.Exit(execute(context.Background(), root))
}

// execute runs root (whose arguments are set, or os.Args) and returns the
// exit status.
func execute(ctx context.Context, root *cobra.Command) int {
	err := fang.Execute(ctx, root,
		fang.WithVersion(version),
		fang.WithoutManpage(), // man.go writes it, with EXIT STATUS, FILES, ENVIRONMENT and EXAMPLES
		fang.WithNotifySignal(os.Interrupt, syscall.SIGTERM),
		fang.WithErrorHandler(func(w io.Writer, styles fang.Styles, err error) {
			var ee *exitError
			if errors.As(err, &ee) && ee.msg == "" {
				return // the command printed its own report
			}
			fmt.Fprintln(w, "switchboard: "+err.Error())
		}),
	)
	return exitCode(err)
}
