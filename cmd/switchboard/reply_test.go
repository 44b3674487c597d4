package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// jsonDraft is a draft as `drafts list --json` and `drafts show --json`
// print it (the outbox JSON).
type jsonDraft struct {
	ID           string `json:"id"`
	Mention      string `json:"mention"`
	State        string `json:"state"`
	Author       string `json:"author"`
	Visibility   string `json:"visibility"`
	Text         string `json:"text"`
	ApprovalRole string `json:"approval_role"`
	ApprovedBy   string `json:"approved_by"`
}

func draftsJSON(t *testing.T, out string) []jsonDraft {
	t.Helper()
	var ds []jsonDraft
	if err := json.Unmarshal([]byte(out), &ds); err != nil {
		t.Fatalf("not a JSON array of drafts: %v\n%s", err, out)
	}
	return ds
}

// TestReplyAndDraftsCommands: the built binary on real files, as the OS
// account, which operators.yaml makes a legal approver.
func TestReplyAndDraftsCommands(t *testing.T) {
	db, cfg, anas := approvalFixture(t)
	writeOperators(t, cfg, "operators:\n  - name: ana\n    role: agent\n  - name: "+me(t)+"\n    role: legal\n    approves: [legal]\n")
	sb := func(stdin string, args ...string) result {
		t.Helper()
		return run(t, stdin, append(args, "--db", db, "--config", cfg)...)
	}
	// a clean public reply is queued
	r := sb("", "reply", "mastodon:1", "--text", "Thanks Kim, we are looking into it.")
	if r.code != 0 || !strings.Contains(r.stdout, "d2 queued") {
		t.Fatalf("clean reply: %+v", r)
	}
	// one that needs legal is parked (exit 0), from a file
	f := filepath.Join(t.TempDir(), "answer.txt")
	os.WriteFile(f, []byte("This was our fault and we are sorry.\n"), 0o600)
	r = sb("", "reply", "mastodon:1", "--private", "--file", f)
	if r.code != 0 || !strings.Contains(r.stdout, "d3 awaits approval by legal") {
		t.Fatalf("reply needing approval: %+v", r)
	}
	// one the policy blocks is refused with its findings (exit 1) and cancelled
	r = sb("", "reply", "mastodon:1", "--private", "--text", "Please send us your password.")
	if r.code != 1 || !strings.Contains(r.stderr, "d4 refused: the policy blocks it") || !strings.Contains(r.stderr, "never-ask-credentials") {
		t.Fatalf("blocked reply: %+v", r)
	}
	// standard input, and a template with a field
	if r = sb("Thank you!\n", "reply", "mastodon:1", "--file", "-"); r.code != 0 || !strings.Contains(r.stdout, "d5 queued") {
		t.Fatalf("reply from stdin: %+v", r)
	}
	r = sb("", "reply", "mastodon:1", "--template", "outage-ack", "--field", "service=checkout")
	if r.code != 2 || !strings.Contains(r.stderr, "--field status_url=") {
		t.Fatalf("template with a blank left: %+v", r)
	}
	r = sb("", "reply", "mastodon:1", "--template", "outage-ack", "--field", "service=checkout", "--field", "status_url=our status page")
	if r.code != 0 || !strings.Contains(r.stdout, "d6 queued") {
		t.Fatalf("template reply: %+v", r)
	}
	for _, bad := range [][]string{
		{"reply", "nope", "--text", "hi"},
		{"reply", "mastodon:1"},
		{"reply", "mastodon:1", "--text", "hi", "--file", f},
		{"reply", "mastodon:1", "--text", "hi", "--field", "a=b"},
		{"reply", "mastodon:1", "--template", "thanks", "--field", "nosuch=x"},
		{"drafts", "reject", anas},
	} {
		if r := sb("", bad...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2; %s", bad, r.code, r.stderr)
		}
	}
	if r := sb("", "reply", "x:404", "--text", "hi"); r.code != 1 || !strings.Contains(r.stderr, "no mention x:404") {
		t.Fatalf("reply to a mention not in the store: %+v", r)
	}

	// drafts list --json: the outbox JSON
	r = sb("", "drafts", "list", "--json")
	ds := draftsJSON(t, r.stdout)
	byID := map[string]jsonDraft{}
	for _, d := range ds {
		byID[d.ID] = d
	}
	if r.code != 0 || len(ds) != 6 || byID["d2"].State != "queued" || byID["d3"].State != "awaiting_approval" || byID["d3"].ApprovalRole != "legal" ||
		byID["d4"].State != "cancelled" || byID["d5"].Text != "Thank you!" || byID["d6"].Text != "Hi Kim, thanks for flagging. We know checkout is having problems and are working on it; updates at our status page." ||
		byID["d3"].Author != me(t) || byID["d2"].Mention != "mastodon:1" || byID["d3"].Visibility != "private" {
		t.Fatalf("drafts list --json: %+v", ds)
	}
	if r := sb("", "drafts", "list", "--state", "awaiting_approval"); r.code != 0 || !strings.Contains(r.stdout, anas) || !strings.Contains(r.stdout, "d3") || strings.Contains(r.stdout, "d2 ") {
		t.Fatalf("drafts list --state: %+v", r)
	}
	r = sb("", "drafts", "show", anas)
	if r.code != 0 || !strings.Contains(r.stdout, "needs legal") || !strings.Contains(r.stdout, "This was our fault") || !strings.Contains(r.stdout, "ana state →draft") {
		t.Fatalf("drafts show: %+v", r)
	}

	// approving: not my own; ana's, yes; then it is queued
	if r := sb("", "drafts", "approve", "d3"); r.code != 1 || !strings.Contains(r.stderr, "another person's approval") {
		t.Fatalf("approving my own draft: %+v", r)
	}
	if r := runEnv(t, []string{"SWITCHBOARD_OPERATOR=ana"}, "", "drafts", "approve", "d3", "--db", db, "--config", cfg); r.code != 1 || !strings.Contains(r.stderr, "never as another operator") {
		t.Fatalf("approving my own draft as ana: %+v", r)
	}
	if r := sb("", "drafts", "approve", anas, "--comment", "fine"); r.code != 0 || !strings.Contains(r.stdout, anas+" v1 approved for legal by "+me(t)) {
		t.Fatalf("approving ana's draft: %+v", r)
	}
	r = sb("", "drafts", "show", anas, "--json")
	var d jsonDraft
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil || d.State != "approved" || d.ApprovedBy != me(t) {
		t.Fatalf("drafts show --json after approving: %v %+v\n%s", err, d, r.stdout)
	}
	if r := sb("", "drafts", "queue", anas); r.code != 0 || !strings.Contains(r.stdout, anas+" queued") {
		t.Fatalf("queueing the approved draft: %+v", r)
	}
	if r := sb("", "drafts", "queue", "d3"); r.code != 0 || !strings.Contains(r.stdout, "d3 awaits approval by legal") {
		t.Fatalf("queueing a draft still waiting: %+v", r)
	}
	if got := draftState(t, db, "d3"); got.State != "awaiting_approval" {
		t.Fatalf("d3: %+v", got)
	}
}

// opensshRun runs OpenSSH's ssh client with key against serve at addr.
func opensshRun(t *testing.T, addr, key, stdin, command string) result {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	cmd := exec.Command("ssh", "-p", port, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-i", key, "op@"+host, command)
	return runCmd(t, cmd, stdin)
}

// TestApprovalOverSSH: OpenSSH's ssh against serve; each caller's key
// decides who acts. A lead cannot approve a draft that waits for legal;
// the operator who approves for legal can.
func TestApprovalOverSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh is not installed: the SSH end-to-end test needs OpenSSH's ssh (apt-get install openssh-client)")
	}
	dir := t.TempDir()
	db, ops := filepath.Join(dir, "sb.db"), filepath.Join(dir, "ops.yaml")
	keys := map[string]string{}
	for _, a := range [][]string{{"ana", "agent"}, {"leo", "lead"}, {"lou", "legal", "legal"}} {
		priv, pub := writeKeyPair(t, dir, a[0])
		keys[a[0]] = priv
		args := []string{"operators", "add", a[0], "--role", a[1], "--key", pub, "--operators", ops}
		if len(a) > 2 {
			args = append(args, "--approves", a[2])
		}
		if r := run(t, "", args...); r.code != 0 {
			t.Fatalf("add %s: %+v", a[0], r)
		}
	}
	in := filepath.Join(dir, "in.jsonl")
	writeMentions(t, in, map[string]any{"platform": "mastodon", "id": "1", "author": map[string]any{"handle": "@kim@social.example", "name": "Kim"},
		"text": "my order never arrived", "lang": "en", "created_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)})
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	srv := startServe(t, nil, "--db", db, "--operators", ops, "--host-key", filepath.Join(dir, "hostkey"))
	as := func(who, stdin, command string) result {
		t.Helper()
		return opensshRun(t, srv.addr, keys[who], stdin, command)
	}

	r := as("ana", "", `reply mastodon:1 --private --text "This was our fault and we are sorry."`)
	if r.code != 0 || !strings.Contains(r.stdout, "d1 awaits approval by legal") {
		t.Fatalf("ana's reply: %+v\n%s", r, srv.logs())
	}
	if r := as("ana", "Thanks, Kim!\n", "reply mastodon:1 --file -"); r.code != 0 || !strings.Contains(r.stdout, "d2 queued") {
		t.Fatalf("ana's reply from stdin: %+v", r)
	}
	if r := as("ana", "", "reply mastodon:1 --file /etc/passwd"); r.code != 2 || !strings.Contains(r.stderr, "names a file on the server") {
		t.Fatalf("--file naming a server file: %+v", r)
	}
	// the lead outranks legal, but does not approve for it
	r = as("leo", "", "drafts approve d1")
	if r.code != 1 || !strings.Contains(r.stderr, "leo is a lead and cannot approve for legal") {
		t.Fatalf("leo approving: %+v", r)
	}
	if r := as("ana", "", "drafts approve d1"); r.code != 1 || !strings.Contains(r.stderr, "another person's approval") {
		t.Fatalf("ana approving her own: %+v", r)
	}
	r = as("lou", "", "drafts list --state awaiting_approval --json")
	if ds := draftsJSON(t, r.stdout); r.code != 0 || len(ds) != 1 || ds[0].ID != "d1" || ds[0].Author != "ana" {
		t.Fatalf("lou's list: %+v", r)
	}
	if r := as("lou", "", "drafts approve d1"); r.code != 0 || !strings.Contains(r.stdout, "d1 v1 approved for legal by lou") {
		t.Fatalf("lou approving: %+v", r)
	}
	if r := as("ana", "", "drafts queue d1"); r.code != 0 || !strings.Contains(r.stdout, "d1 queued") {
		t.Fatalf("ana queueing: %+v", r)
	}
	r = as("leo", "", "drafts show d1")
	if r.code != 0 || !strings.Contains(r.stdout, "approved by lou for legal (v1)") || !strings.Contains(r.stdout, "lou approval →approved v1 for legal") {
		t.Fatalf("drafts show: %+v", r)
	}
	ds := draftsJSON(t, as("ana", "", "drafts list --json").stdout)
	if len(ds) != 2 || ds[1].ID != "d1" || ds[1].ApprovedBy != "lou" || ds[1].State != "queued" || ds[0].Author != "ana" {
		t.Fatalf("drafts list --json: %+v", ds)
	}
	// serve says at start which approval roles of the pack nobody can give
	if logs := srv.logs(); !strings.Contains(logs, `no operator approves for "marketing-lead"`) || strings.Contains(logs, `approves for "legal"`) {
		t.Fatalf("serve's log on unheld approval roles:\n%s", logs)
	}
}
