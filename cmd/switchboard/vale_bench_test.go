package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"switchboard/policy"
)

// benchDrafts writes the 1,000 drafts BenchmarkCheck1000Files and the
// Vale comparison check and returns their paths.
func benchDrafts(b *testing.B, dir string) []string {
	var paths []string
	for i := 0; i < 1000; i++ {
		text := fmt.Sprintf("@klant%d Bedankt voor je bericht! We kijken er meteen naar; zie https://status.example.com/i/%d. Onze excuses voor het ongemak, café open tot 22:00. ^JD", i, i)
		if i%10 == 0 {
			text += " Mail ons op hulp@example.nl"
		}
		paths = append(paths, writeFile(b, dir, fmt.Sprintf("d%04d.txt", i), text))
	}
	return paths
}

// valeStyle writes a Vale style with what Vale can express of the default
// pack: every term, list and pattern of a deny, approval, require_if or
// detector rule as an existence rule, every swap as a substitution, the
// hashtag count as an occurrence rule, e-mail, phone, card and IBAN as
// regexps, shorteners and login paths as regexps. (Vale has no platform
// length counters, checksums or overrides: switchboard does more.)
func valeStyle(b *testing.B, dir string) {
	style := filepath.Join(dir, "styles", "SB")
	if err := os.MkdirAll(style, 0o755); err != nil {
		b.Fatal(err)
	}
	p := policy.Default()
	word := func(t string) string {
		q := regexp.QuoteMeta(t)
		if strings.HasSuffix(t, "*") {
			q = regexp.QuoteMeta(strings.TrimSuffix(t, "*")) + `\w*`
		}
		return q
	}
	write := func(id, body string) {
		if err := os.WriteFile(filepath.Join(style, id+".yml"), []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	yamlList := func(items []string) string {
		var s strings.Builder
		for _, it := range items {
			fmt.Fprintf(&s, "  - '%s'\n", strings.ReplaceAll(it, "'", "''"))
		}
		return s.String()
	}
	for _, r := range p.Rules() {
		var tokens []string
		terms := append([]string(nil), r.Terms...)
		for _, l := range r.Lists {
			terms = append(terms, p.List(l)...)
		}
		terms = append(terms, r.If.Terms...)
		for _, l := range r.If.Lists {
			terms = append(terms, p.List(l)...)
		}
		for _, t := range terms {
			tokens = append(tokens, word(t))
		}
		tokens = append(tokens, r.Patterns...)
		switch r.Detector {
		case "email":
			tokens = append(tokens, `[\w.+-]+@[\w-]+\.[\w.-]+`)
		case "phone":
			tokens = append(tokens, `\+?\d[\d ()-]{7,}\d`)
		case "card":
			tokens = append(tokens, `\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{1,7}`)
		case "iban":
			tokens = append(tokens, `[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}`)
		}
		switch {
		case r.Kind == policy.KindSubstitute:
			keys := make([]string, 0, len(r.Swap))
			for k := range r.Swap {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var sw strings.Builder
			for _, k := range keys {
				fmt.Fprintf(&sw, "  '%s': '%s'\n", word(k), r.Swap[k])
			}
			write(r.ID, "extends: substitution\nmessage: \"use '%s' instead of '%s'\"\nlevel: warning\nignorecase: true\nswap:\n"+sw.String())
		case r.Kind == policy.KindCount && r.Count == "hashtags" && r.Max != nil:
			write(r.ID, fmt.Sprintf("extends: occurrence\nmessage: too many hashtags\nlevel: warning\nmax: %d\ntoken: '#\\w+'\n", *r.Max))
		case r.Kind == policy.KindLink && r.Shorteners:
			write(r.ID, "extends: existence\nmessage: shortener\nlevel: warning\nraw:\n  - '\\b(?:bit\\.ly|tinyurl\\.com|t\\.co|goo\\.gl|ow\\.ly|is\\.gd|buff\\.ly)/\\S*'\n")
		case r.Kind == policy.KindLink && r.Login:
			write(r.ID, "extends: existence\nmessage: login link\nlevel: error\nraw:\n  - '\\b\\S+/(?:login|signin|sign-in|password|account/verify)\\S*'\n")
		case len(tokens) > 0:
			write(r.ID, "extends: existence\nmessage: \"'%s': "+r.ID+"\"\nlevel: error\nignorecase: true\nnonword: false\ntokens:\n"+yamlList(tokens))
		}
	}
	ini := "StylesPath = styles\nMinAlertLevel = suggestion\n\n[*.txt]\nBasedOnStyles = SB\n"
	if err := os.WriteFile(filepath.Join(dir, ".vale.ini"), []byte(ini), 0o644); err != nil {
		b.Fatal(err)
	}
}

// cpu runs a command and returns the CPU time (user + system, all
// threads) it used.
func cpu(b *testing.B, dir string, name string, args ...string) (time.Duration, string) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil {
		b.Fatalf("%s: %v", name, err)
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), string(out)
}

// BenchmarkCheckVsVale checks the same 1,000 drafts with the same rules
// (as far as Vale can express them) with `switchboard check` and with
// Vale (SWITCHBOARD_VALE=path, else vale on $PATH), one process each, and
// reports the CPU time of both and their ratio.
func BenchmarkCheckVsVale(b *testing.B) {
	vale := os.Getenv("SWITCHBOARD_VALE")
	if vale == "" {
		var err error
		if vale, err = exec.LookPath("vale"); err != nil {
			b.Skip("vale not installed (set SWITCHBOARD_VALE)")
		}
	}
	dir := os.Getenv("SWITCHBOARD_VALE_DIR") // keep the drafts and style there to time them by hand
	if dir == "" {
		dir = b.TempDir()
	}
	drafts := filepath.Join(dir, "drafts")
	if err := os.MkdirAll(drafts, 0o755); err != nil {
		b.Fatal(err)
	}
	benchDrafts(b, drafts)
	valeStyle(b, dir)
	bin := binary(b)
	if _, out := cpu(b, dir, vale, "--output=line", "--no-exit", "drafts"); strings.Count(out, "\n") < 100 {
		b.Fatalf("vale found too little:\n%s", out)
	}
	var sb, vl time.Duration
	b.ResetTimer()
	for b.Loop() {
		t, out := cpu(b, dir, bin, "check", "--platform", "x", "--reply", "drafts")
		if strings.Count(out, "\n") != 100 {
			b.Fatalf("switchboard check:\n%s", out)
		}
		sb += t
		t, _ = cpu(b, dir, vale, "--output=line", "--no-exit", "drafts")
		vl += t
	}
	n := float64(b.N)
	b.ReportMetric(float64(sb.Microseconds())/1000/n, "switchboard-cpu-ms")
	b.ReportMetric(float64(vl.Microseconds())/1000/n, "vale-cpu-ms")
	b.ReportMetric(float64(vl)/float64(sb), "vale/switchboard")
}
