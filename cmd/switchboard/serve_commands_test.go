package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// sshRun runs one command on the server as the key's owner and returns
// stdout, stderr and the exit status.
func sshRun(t *testing.T, addr, keyPath, command string) (string, string, int) {
	t.Helper()
	b, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "x", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("ssh dial: %v", err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	code := 0
	if err := sess.Run(command); err != nil {
		var ee *gossh.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("ssh %q: %v", command, err)
		}
		code = ee.ExitStatus()
	}
	return out.String(), errb.String(), code
}

// TestAdminManagesOperatorsOverSSH: managing the team over ssh needs the
// admin role (checked by the server against the live team), and the
// off-boarding event carries the admin's name.
func TestAdminManagesOperatorsOverSSH(t *testing.T) {
	dir := t.TempDir()
	ops, db := filepath.Join(dir, "ops.yaml"), filepath.Join(dir, "sb.db")
	adaKey, adaPub := writeKeyPair(t, dir, "ada")
	veraKey, veraPub := writeKeyPair(t, dir, "vera")
	carlKey, carlPub := writeKeyPair(t, dir, "carl")
	for _, a := range [][]string{{"ada", "admin", adaPub}, {"vera", "viewer", veraPub}} {
		if r := run(t, "", "operators", "add", a[0], "--role", a[1], "--key", a[2], "--operators", ops); r.code != 0 {
			t.Fatalf("add %s: %+v", a[0], r)
		}
	}
	if r := run(t, jsonl(goodA, goodB), "import", "--db", db, "-"); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	p := startServe(t, nil, "--db", db, "--operators", ops, "--host-key", filepath.Join(dir, "hostkey"))

	// any operator reads the live store over ssh, with the host's commands
	out, _, code := sshRun(t, p.addr, veraKey, "export --platform mastodon")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"id":"109"`) {
		t.Fatalf("export over ssh: exit %d\n%s", code, out)
	}
	if out, _, code = sshRun(t, p.addr, veraKey, "db stats"); code != 0 || !strings.Contains(out, "mentions   2") {
		t.Fatalf("db stats over ssh: exit %d\n%s", code, out)
	}
	var stats struct {
		Mentions int `json:"mentions"`
	}
	if out, _, code = sshRun(t, p.addr, veraKey, "db stats --json"); code != 0 || json.Unmarshal([]byte(out), &stats) != nil || stats.Mentions != 2 {
		t.Fatalf("db stats --json over ssh: exit %d\n%s", code, out)
	}
	if out, _, code = sshRun(t, p.addr, veraKey, "incident list"); code != 0 {
		t.Fatalf("incident list over ssh: exit %d\n%s", code, out)
	}
	if _, stderr, code := sshRun(t, p.addr, veraKey, "export --db /etc/passwd"); code != 2 || !strings.Contains(stderr, "names a file on the server") {
		t.Fatalf("a file flag over ssh: exit %d %q", code, stderr)
	}
	if _, stderr, code := sshRun(t, p.addr, veraKey, "import -"); code != 2 {
		t.Fatalf("a writing command over ssh: exit %d %q", code, stderr)
	}

	_, stderr, code := sshRun(t, p.addr, veraKey, "operators list")
	if code != 1 || !strings.Contains(stderr, "vera is a viewer") {
		t.Fatalf("viewer listing operators: exit %d, %q", code, stderr)
	}
	out, _, code = sshRun(t, p.addr, adaKey, "operators list")
	if code != 0 || !strings.Contains(out, "ada   admin") || !strings.Contains(out, "vera  viewer") {
		t.Fatalf("admin list: exit %d\n%s", code, out)
	}
	var team []struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	if out, _, code = sshRun(t, p.addr, adaKey, "operators list --json"); code != 0 || json.Unmarshal([]byte(out), &team) != nil || len(team) != 2 {
		t.Fatalf("admin list --json: exit %d\n%s", code, out)
	}
	carl, _ := os.ReadFile(carlPub)
	out, stderr, code = sshRun(t, p.addr, adaKey, "operators add carl --role agent --team support --approves legal --key '"+strings.TrimSpace(string(carl))+"'")
	if code != 0 || !strings.Contains(out, "added carl (agent)") {
		t.Fatalf("admin add: exit %d %q %q", code, out, stderr)
	}
	if out, _, code = sshRun(t, p.addr, adaKey, "operators list"); code != 0 || !strings.Contains(out, "carl  agent   support  legal ") {
		t.Fatalf("list after adding an approver: exit %d\n%s", code, out)
	}
	if _, stderr, code = sshRun(t, p.addr, adaKey, "operators remove ada"); code != 1 || !strings.Contains(stderr, "cannot remove yourself") {
		t.Fatalf("self-removal: exit %d %q", code, stderr)
	}
	if out, _, code = sshRun(t, p.addr, adaKey, "operators remove vera"); code != 0 || !strings.Contains(out, "removed vera (viewer)") {
		t.Fatalf("admin remove: exit %d %q", code, out)
	}
	// a hot backup of the store serve holds, streamed over ssh
	backup, _, code := sshRun(t, p.addr, adaKey, "db backup")
	if code != 0 || len(backup) < 4096 {
		t.Fatalf("db backup over ssh: exit %d, %d bytes", code, len(backup))
	}
	bak := filepath.Join(dir, "backup.db")
	os.WriteFile(bak, []byte(backup), 0o600)
	if r := run(t, "", "db", "check", "--db", bak); r.code != 0 {
		t.Fatalf("the streamed backup is not a consistent store: %+v", r)
	}
	if _, stderr, code := sshRun(t, p.addr, carlKey, "db backup"); code != 1 || !strings.Contains(stderr, "carl is an agent: agents cannot back up the store") {
		t.Fatalf("agent backup: exit %d %q", code, stderr)
	}
	if _, _, code = sshRun(t, p.addr, adaKey, "rm -rf /"); code != 2 {
		t.Fatalf("unknown command: exit %d, want 2", code)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not stop:\n%s", p.logs())
	}
	evs := operatorEvents(t, db, "vera")
	if len(evs) != 1 || !strings.HasPrefix(evs[0], `ada operator operator "vera (viewer)"→""`) {
		t.Fatalf("off-boarding event should name the admin: %q", evs)
	}
	if evs := operatorEvents(t, db, "carl"); len(evs) != 1 || !strings.HasPrefix(evs[0], `ada operator operator ""→"carl (agent, approves legal)"`) {
		t.Fatalf("adding event should name the admin: %q", evs)
	}
}
