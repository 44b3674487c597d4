package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"unicode/utf8"

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
		Use:   "check [flags] FILE|DIR...|-",
		Short: "Check drafts against the policy pack, offline",
		Long: `check runs every rule of the policy pack (the built-in one unless --policy)
over each file (- is standard input) as a post for --platform.

Text output is one line per finding: file:line:col: severity rule: message.
A directory is checked as the text files under it, recursively, skipping
hidden files and directories (names starting with ".") and binary files. A
file's final newline is not part of the draft. A file that cannot be read
is reported on standard error and the others are still checked.

Exit status: 0 clean or only info/warn findings, 1 a block or an approval
not given (--approved ROLE), 2 a usage error, a broken pack or a file that
could not be read.`,
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
			bw := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
			defer bw.Flush()
			out := io.Writer(bw)
			// a check is short-lived and holds little: collect garbage less
			debug.SetGCPercent(400)
			var results []checkFile
			blocking, failed := false, false
			var buf []byte
			checkOne := func(name string, data []byte) {
				text := trimFinalNewline(string(data))
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
					for i := range res.Findings {
						res.Findings[i].Match = clipBytes(res.Findings[i].Match, maxJSONMatch)
					}
					res.Length = map[string]checkLength{}
					for _, pl := range checkPlatforms {
						c := p.LengthFor(domain.Platform(pl), ctx.Visibility, text)
						res.Length[pl] = checkLength{Length: c.Length, Limit: c.Limit, Bytes: c.Bytes, ByteLimit: c.ByteLimit}
					}
					results = append(results, res)
					return
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
			report := func(err error) {
				// report it and go on: the other files' findings still count
				bw.Flush()
				fmt.Fprintln(cmd.ErrOrStderr(), safetext.Line("switchboard check: "+err.Error()))
				failed = true
			}
			for _, name := range args {
				if name == "-" {
					data, err := io.ReadAll(cmd.InOrStdin())
					if err != nil {
						report(err)
						continue
					}
					checkOne(name, data)
					continue
				}
				var err error
				buf, err = readFileInto(buf, name)
				switch {
				case errors.Is(err, syscall.EISDIR):
					walkTextFiles(name, report, func(path string) {
						var err error
						if buf, err = readFileInto(buf, path); err != nil {
							report(err)
						} else if isText(buf) {
							checkOne(path, buf)
						}
					})
				case err != nil:
					report(err)
				default:
					checkOne(name, buf)
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
			if failed {
				return &exitError{code: 2, msg: "some files could not be checked"}
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
	cmd.RegisterFlagCompletionFunc("platform", fixedCompletion(checkPlatforms...))
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

// maxJSONMatch caps a finding's match in --format json (start and end
// still give the whole span): a length finding's match is the whole
// overflow, which may be the rest of a long file.
const maxJSONMatch = 200

// clipBytes cuts s to at most n bytes, at a rune boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// trimFinalNewline drops the line end that closes a file: an editor adds
// it, the post does not have it.
func trimFinalNewline(s string) string {
	switch {
	case strings.HasSuffix(s, "\r\n"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "\n"), strings.HasSuffix(s, "\r"):
		return s[:len(s)-1]
	}
	return s
}

// walkTextFiles calls check for every regular file under dir, in name
// order, skipping hidden files and directories (names starting with ".").
func walkTextFiles(dir string, report func(error), check func(path string)) {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			report(err)
			return nil
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			check(path)
		}
		return nil
	})
	if err != nil {
		report(err)
	}
}

// isText reports whether data looks like a text file: valid UTF-8 (a
// cut-off last rune allowed) with no NUL byte in its first 8 KiB.
func isText(data []byte) bool {
	head := data
	if len(head) > 8192 {
		head = head[:8192]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	if utf8.Valid(head) {
		return true // the common case, checked a word of ASCII at a time
	}
	for len(head) > 0 {
		r, size := utf8.DecodeRune(head)
		if r == utf8.RuneError && size == 1 {
			// the start of a rune cut off by the end of what was read is
			// text; any other bad byte is not
			return !utf8.FullRune(head)
		}
		head = head[size:]
	}
	return true
}
