package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func jsonl(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

const (
	goodA = `{"platform":"mastodon","id":"109","url":"https://social.example/@ana/109","kind":"mention","author":{"id":"7","handle":"@ana@example.social","name":"Ana","followers":120,"verified":false},"text":"Waar blijft mijn bestelling? Al twee weken niks.","lang":"nl","created_at":"2026-11-20T10:00:00Z","tags":["shipping"],"status":"open","team":"support","assignee":""}`
	goodB = `{"platform":"x","id":"1862","author":{"handle":"@bob"},"text":"Love the new Jet Bike! =SUM(1)","created_at":"2026-11-20T11:30:00Z"}`
	goodC = `{"platform":"bluesky","id":"at://did:plc:x/app.bsky.feed.post/3k","author":{"handle":"cem.bsky.social","name":"Cem \u001b]0;pwned\u0007"},"text":"refund please \u202egnp.exe","created_at":"2026-11-21T08:00:00Z","status":"done","assignee":"ana","notes":[{"author":"ana","at":"2026-11-21T09:00:00Z","text":"refunded"}]}`
)

func TestImportReportsBadLinesAndCounts(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	in := jsonl(goodA, `{"platform":"x","id":"2"`, goodB, `{"platform":"x","id":"3","author":{"handle":"@z"},"text":"t","created_at":"soon"}`, goodA)
	r := run(t, in, "import", "--db", db, "-")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (bad lines); stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "line 2: invalid JSON") || !strings.Contains(r.stderr, `line 4: created_at "soon" is not an RFC 3339 time`) {
		t.Fatalf("bad lines not reported with numbers and reasons:\n%s", r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if last := lines[len(lines)-1]; last != "imported 2, duplicates 1, rejected 2" {
		t.Fatalf("last line %q", last)
	}
	// importing the same file again duplicates nothing
	r = run(t, in, "import", "--db", db, "-")
	if !strings.HasSuffix(strings.TrimSpace(r.stdout), "imported 0, duplicates 3, rejected 2") {
		t.Fatalf("re-import: %q", r.stdout)
	}
}

func TestImportStrictImportsNothingOnABadLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	r := run(t, jsonl(goodA, "nonsense", goodB), "import", "--strict", "--db", db, "-")
	if r.code != 1 || !strings.Contains(r.stdout, "imported 0, duplicates 0, rejected 1") {
		t.Fatalf("strict: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// the store did not exist before; a rejected import leaves no file
	if ents, _ := os.ReadDir(filepath.Dir(db)); len(ents) != 0 {
		t.Fatalf("rejected strict import created files: %v", ents)
	}
	r = run(t, jsonl(goodA, goodB), "import", "--strict", "--db", db, "-")
	if r.code != 0 || !strings.Contains(r.stdout, "imported 2, duplicates 0, rejected 0") {
		t.Fatalf("strict good import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	before := run(t, "", "export", "--db", db)
	r = run(t, jsonl(goodC, "nonsense"), "import", "--strict", "--db", db, "-")
	if r.code != 1 || !strings.Contains(r.stdout, "imported 0, duplicates 0, rejected 1") {
		t.Fatalf("strict into a store: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if after := run(t, "", "export", "--db", db); after.code != 0 || after.stdout != before.stdout {
		t.Fatalf("strict import stored something:\n%s\n---\n%s", before.stdout, after.stdout)
	}
}

func TestExportImportExportIsIdentical(t *testing.T) {
	dir := t.TempDir()
	db1, db2 := filepath.Join(dir, "one.db"), filepath.Join(dir, "two.db")
	if r := run(t, jsonl(goodA, goodB, goodC), "import", "--db", db1, "-"); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	first := run(t, "", "export", "--db", db1)
	if first.code != 0 || strings.Count(first.stdout, "\n") != 3 {
		t.Fatalf("export: %+v", first)
	}
	// the original bytes of hostile text are kept for export
	if !strings.Contains(first.stdout, `\u001b]0;pwned\u0007`) || !strings.Contains(first.stdout, "\u202e") {
		t.Fatalf("export lost original text:\n%s", first.stdout)
	}
	if r := run(t, first.stdout, "import", "--db", db2, "-"); r.code != 0 {
		t.Fatalf("re-import: %+v", r)
	}
	second := run(t, "", "export", "--db", db2)
	if second.stdout != first.stdout {
		t.Fatalf("export → import → export differs:\n%s\n---\n%s", first.stdout, second.stdout)
	}
	// filters and CSV
	r := run(t, "", "export", "--db", db1, "--format", "csv", "--status", "done")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stdout, "refunded") {
		t.Fatalf("csv export of done: %+v", r)
	}
	r = run(t, "", "export", "--db", db1, "--format", "csv", "--search", "jet bike")
	if !strings.Contains(r.stdout, "'=SUM") && !strings.Contains(r.stdout, "Love the new Jet Bike! =SUM(1)") {
		t.Fatalf("csv search export: %q", r.stdout)
	}
	if strings.Count(r.stdout, "\n") != 2 {
		t.Fatalf("search should find one mention: %q", r.stdout)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"import"}, {"export", "--format", "xml", "--db", filepath.Join(t.TempDir(), "x.db")}, {"nosuchcommand"}, {"export", "--status", "closed"}} {
		r := run(t, "", args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, r.code, r.stderr)
		}
		if r.stderr == "" {
			t.Errorf("%v: no error message on stderr", args)
		}
	}
}

func TestDBCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	run(t, jsonl(goodA, goodB, goodC), "import", "--db", db, "-")
	r := run(t, "", "db", "stats", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "mentions   3") || !strings.Contains(r.stdout, "in use") {
		t.Fatalf("stats: %+v", r)
	}
	if r := run(t, "", "db", "check", "--db", db); r.code != 0 || !strings.HasPrefix(r.stdout, "ok") {
		t.Fatalf("check: %+v", r)
	}
	bak := filepath.Join(dir, "backup.db")
	if r := run(t, "", "db", "backup", "--db", db, bak); r.code != 0 {
		t.Fatalf("backup: %+v", r)
	}
	if r := run(t, "", "export", "--db", bak); strings.Count(r.stdout, "\n") != 3 {
		t.Fatalf("backup does not hold the mentions: %+v", r)
	}
	if r := run(t, "", "db", "compact", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "compacted") {
		t.Fatalf("compact: %+v", r)
	}
	if r := run(t, "", "db", "check", "--db", db); r.code != 0 {
		t.Fatalf("check after compact: %+v", r)
	}
}

func TestLockedStoreSaysSo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	run(t, jsonl(goodA), "import", "--db", db, "-")
	// a long import holds the store; a second process must fail fast
	pr, pw, _ := os.Pipe()
	cmd := exec.Command(binary(t), "import", "--db", db, "-")
	cmd.Stdin = pr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { pw.Close(); cmd.Wait() }()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	r := run(t, "", "export", "--db", db)
	if r.code != 1 || !strings.Contains(r.stderr, "in use by another switchboard process") || !strings.Contains(r.stderr, "switchboard import") {
		t.Fatalf("locked store: exit %d stderr %q", r.code, r.stderr)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("waited too long on a locked store")
	}
}

// TestKillDuringImport kills `switchboard import` at random moments, then
// checks the store and imports the rest: every mention exactly once.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test skipped in -short mode")
	}
	dir := t.TempDir()
	db, file := filepath.Join(dir, "sb.db"), filepath.Join(dir, "big.jsonl")
	const n = 30000
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, `{"platform":"reddit","id":"t1_%d","author":{"handle":"u/user%d"},"text":"comment %d about the Acme anvil and delivery","created_at":"2026-11-%02dT%02d:%02d:00Z"}`+"\n",
			i, i%900, i, 1+i%28, i%24, i%60)
	}
	os.WriteFile(file, []byte(sb.String()), 0o600)
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := 0; trial < 6; trial++ {
		cmd := exec.Command(binary(t), "import", "--batch", "500", "--db", db, file)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(100+rng.IntN(600)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if r := run(t, "", "db", "check", "--db", db); r.code != 0 {
			t.Fatalf("trial %d: store damaged after kill:\n%s%s", trial, r.stdout, r.stderr)
		}
	}
	r := run(t, "", "import", "--db", db, file)
	if r.code != 0 {
		t.Fatalf("final import: %+v", r)
	}
	var imported, dups, rejected int
	fmt.Sscanf(strings.TrimSpace(r.stdout), "imported %d, duplicates %d, rejected %d", &imported, &dups, &rejected)
	if imported+dups != n || rejected != 0 {
		t.Fatalf("final import: %q", r.stdout)
	}
	t.Logf("after the kills: %s", strings.TrimSpace(r.stdout))
	st := run(t, "", "db", "stats", "--db", db)
	if !strings.Contains(st.stdout, fmt.Sprintf("mentions   %d\n", n)) {
		t.Fatalf("store should hold exactly %d mentions:\n%s", n, st.stdout)
	}
}

// TestDiskFullDuringImport runs an import under a file-size limit (as a
// full disk would stop it): the import fails with a clear error, the store
// stays consistent, and what it said it stored is there; importing again
// once there is room stores the rest, each mention once.
func TestDiskFullDuringImport(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is needed to set a file-size limit (ulimit -f)")
	}
	dir := t.TempDir()
	db, file := filepath.Join(dir, "sb.db"), filepath.Join(dir, "big.jsonl")
	const n = 20000
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, `{"platform":"x","id":"%d","author":{"handle":"@u%d","name":"User Number %d"},"text":"mention %d with words like refund delivery broken and waiting %d","created_at":"2026-11-%02dT%02d:%02d:00Z"}`+"\n",
			i, i, i, i, i*7, 1+i%28, i%24, i%60)
	}
	os.WriteFile(file, []byte(sb.String()), 0o600)
	// 4 MiB is room for the first batches but not for all of them
	script := fmt.Sprintf("trap '' XFSZ; ulimit -f 4096; exec %s import --batch 2000 --db %s %s", binary(t), db, file)
	cmd := exec.Command("bash", "-c", script)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("import under a 4 MiB limit should fail:\n%s", out)
	}
	text := string(out)
	if !strings.Contains(text, "the disk is full") || !strings.Contains(text, "nothing of this change was stored") {
		t.Fatalf("no clear disk-full error:\n%s", text)
	}
	var imported, dups, rejected int
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "imported ") {
			fmt.Sscanf(line, "imported %d, duplicates %d, rejected %d", &imported, &dups, &rejected)
		}
	}
	if imported == 0 || imported >= n {
		t.Fatalf("expected a partial import before the limit, got %d:\n%s", imported, text)
	}
	if r := run(t, "", "db", "check", "--db", db); r.code != 0 {
		t.Fatalf("store damaged by the full disk:\n%s%s", r.stdout, r.stderr)
	}
	if st := run(t, "", "db", "stats", "--db", db); !strings.Contains(st.stdout, fmt.Sprintf("mentions   %d\n", imported)) {
		t.Fatalf("store should hold the %d mentions import reported:\n%s", imported, st.stdout)
	}
	r := run(t, "", "import", "--db", db, file)
	if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("imported %d, duplicates %d, rejected 0", n-imported, imported)) {
		t.Fatalf("import with room again: %+v", r)
	}
}

func TestDBBackupRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	run(t, jsonl(goodA, goodB), "import", "--db", db, "-")
	bak := filepath.Join(dir, "backup.db")
	if err := os.WriteFile(bak, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "db", "backup", "--db", db, bak)
	if r.code != 1 || !strings.Contains(r.stderr, bak) || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("backup onto an existing file: exit %d, want 1 with the file and --force named; stderr %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(bak); string(b) != "precious" {
		t.Fatalf("the existing file was changed: %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Fatalf("refused backup left files behind: %v", ents)
	}
	r = run(t, "", "db", "backup", "--force", "--db", db, bak)
	if r.code != 0 {
		t.Fatalf("backup --force: %+v", r)
	}
	if r := run(t, "", "export", "--db", bak); r.code != 0 || strings.Count(r.stdout, "\n") != 2 {
		t.Fatalf("forced backup does not hold the mentions: %+v", r)
	}
}
