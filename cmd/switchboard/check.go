package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/policy"
	"switchboard/safetext"
)

func init() { addCommand(newCheckCmd) }

// loadPack loads --policy FILE, or the built-in pack. A broken pack is a
// usage-class failure (exit 2) after its problems are printed.
func loadPack(cmd *cobra.Command, path string) (*policy.Pack, error) {
	if path == "" {
		return policy.Default(), nil
	}
	p, err := policy.Load(path)
	if err != nil {
		var pe *policy.PackError
		if errors.As(err, &pe) {
			for _, le := range pe.Errors {
				fmt.Fprintln(cmd.ErrOrStderr(), safetext.Line(le.Error()))
			}
			return nil, &exitError{code: 2, msg: "policy pack " + path + " has errors"}
		}
		return nil, &exitError{code: 2, msg: err.Error()}
	}
	return p, nil
}

var checkPlatforms = []string{"x", "mastodon", "bluesky", "reddit", "generic"}

type checkLength struct {
	Length    int `json:"length"`
	Limit     int `json:"limit"`
	Bytes     int `json:"bytes,omitempty"`
	ByteLimit int `json:"byte_limit,omitempty"`
}

type checkFile struct {
	File     string                 `json:"file"`
	Findings []policy.Finding       `json:"findings"`
	Length   map[string]checkLength `json:"length"`
	Blocking bool                   `json:"blocking"`
}

func newCheckCmd(g *globals) *cobra.Command {
	var policyFile, platform, visibility, format, lang string
	var reply bool
	var approved []string
	cmd := &cobra.Command{
		Use:   "check [flags] FILE...|-",
		Short: "Check drafts against the policy pack, offline",
		Long: `check runs every rule of the policy pack (the built-in one unless --policy)
over each file (- is standard input) as a post for --platform.

Text output is one line per finding: file:line:col: severity rule: message.
Exit status: 0 clean or only info/warn findings, 1 a block or an approval
not given (--approved ROLE), 2 a usage error or a broken pack.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !checkContains(checkPlatforms, platform) {
				return usagef("--platform must be one of %s", strings.Join(checkPlatforms, ", "))
			}
			if visibility != "public" && visibility != "private" {
				return usagef("--visibility must be public or private")
			}
			if format != "text" && format != "json" {
				return usagef("--format must be text or json")
			}
			if policyFile == "" {
				// The config's policy: pack, like the TUI; else the built-in one.
				cfg, err := config.Load(g.config)
				if err != nil {
					return &exitError{code: 2, msg: err.Error()}
				}
				policyFile = cfg.PolicyPath()
			}
			p, err := loadPack(cmd, policyFile)
			if err != nil {
				return err
			}
			ctx := policy.Context{Platform: domain.Platform(platform), Visibility: domain.Visibility(visibility), Reply: reply, Lang: lang, Approvals: approved}
			out := cmd.OutOrStdout()
			var results []checkFile
			blocking := false
			for _, name := range args {
				var data []byte
				if name == "-" {
					data, err = io.ReadAll(cmd.InOrStdin())
				} else {
					data, err = os.ReadFile(name)
				}
				if err != nil {
					return &exitError{code: 2, msg: err.Error()}
				}
				text := string(data)
				fs := p.Check(text, ctx)
				res := checkFile{File: name, Findings: fs}
				if res.Findings == nil {
					res.Findings = []policy.Finding{}
				}
				for _, f := range fs {
					if f.Blocking() {
						res.Blocking = true
					}
				}
				blocking = blocking || res.Blocking
				if format == "json" {
					res.Length = map[string]checkLength{}
					for _, pl := range checkPlatforms {
						c := p.LengthFor(domain.Platform(pl), ctx.Visibility, text)
						res.Length[pl] = checkLength{Length: c.Length, Limit: c.Limit, Bytes: c.Bytes, ByteLimit: c.ByteLimit}
					}
					results = append(results, res)
					continue
				}
				for _, f := range fs {
					line := fmt.Sprintf("%s:%d:%d: %s %s: %s", name, f.Line, f.Col, f.Severity, f.RuleID, f.Message)
					switch {
					case f.Overridden:
						line += fmt.Sprintf(" (overridden: %s)", f.Reason)
					case f.Severity == policy.Approval && f.Approved:
						line += " (approved by " + f.Role + ")"
					}
					fmt.Fprintln(out, safetext.Line(line))
				}
			}
			if format == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(struct {
					Policy   string      `json:"policy"`
					Version  string      `json:"version"`
					Files    []checkFile `json:"files"`
					Blocking bool        `json:"blocking"`
				}{p.ID, p.Version, results, blocking}); err != nil {
					return err
				}
			}
			if blocking {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&policyFile, "policy", "", "policy pack file (default: the config's policy:, else the built-in pack)")
	f.StringVar(&platform, "platform", "generic", "where the text goes: x, mastodon, bluesky, reddit, generic")
	f.StringVar(&visibility, "visibility", "public", "public or private")
	f.BoolVar(&reply, "reply", false, "the text is a reply (not a new post)")
	f.StringVar(&format, "format", "text", "output: text or json")
	f.StringVar(&lang, "lang", "", "language of the text (e.g. en, nl)")
	f.StringSliceVar(&approved, "approved", nil, "roles that have signed the text off (e.g. legal)")
	return cmd
}

func checkContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
