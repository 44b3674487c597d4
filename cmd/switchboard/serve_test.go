package main

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"switchboard/store"
)

// writeKeyPair writes an ed25519 key pair (OpenSSH format) to dir/name and
// dir/name.pub.
func writeKeyPair(t *testing.T, dir, name string) (priv, pub string) {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(k, name)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := gossh.NewSignerFromKey(k)
	priv = filepath.Join(dir, name)
	if err := os.WriteFile(priv, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(priv+".pub", gossh.MarshalAuthorizedKey(signer.PublicKey()), 0o644); err != nil {
		t.Fatal(err)
	}
	return priv, priv + ".pub"
}

func operatorEvents(t *testing.T, db, name string) []string {
	t.Helper()
	s, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs, err := s.Events(store.OperatorTarget(name))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, fmt.Sprintf("%s %s %s %q→%q", e.Actor, e.Kind, e.Field, e.Before, e.After))
	}
	return out
}

func TestOperatorsCommands(t *testing.T) {
	dir := t.TempDir()
	ops := filepath.Join(dir, "ops.yaml")
	db := filepath.Join(dir, "sb.db")
	_, pub := writeKeyPair(t, dir, "vera")
	keyLine, _ := os.ReadFile(pub)

	if r := run(t, "", "operators", "list", "--operators", ops); r.code != 0 || !strings.Contains(r.stdout, "no operators in") {
		t.Fatalf("empty list: %+v", r)
	}
	for _, bad := range [][]string{
		{"operators", "add", "vera", "--role", "boss", "--key", pub},
		{"operators", "add", "Vera", "--role", "agent", "--key", pub},
		{"operators", "add", "vera", "--role", "agent"},
		{"operators", "add", "vera", "--role", "agent", "--key", "ssh-ed25519 nonsense"},
	} {
		if r := run(t, "", append(bad, "--operators", ops)...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage); stderr %s", bad, r.code, r.stderr)
		}
	}
	// a store exists: the change is recorded in its audit log
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	r := run(t, "", "operators", "add", "vera", "--role", "viewer", "--team", "support", "--key", pub, "--operators", ops, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "added vera (viewer)") {
		t.Fatalf("add: %+v", r)
	}
	r = run(t, "", "operators", "add", "ana", "--role", "admin", "--key", string(keyLine), "--operators", ops, "--db", db)
	if r.code != 1 || !strings.Contains(r.stderr, "already vera's") {
		t.Fatalf("same key twice: %+v", r)
	}
	r = run(t, "", "operators", "list", "--operators", ops)
	fp := regexp.MustCompile(`SHA256:[A-Za-z0-9+/]+`).FindString(r.stdout)
	if r.code != 0 || !strings.Contains(r.stdout, "vera  viewer  support") || fp == "" {
		t.Fatalf("list: %+v", r)
	}
	r = run(t, "", "operators", "remove", "vera", "--operators", ops, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "removed vera (viewer)") {
		t.Fatalf("remove: %+v", r)
	}
	if r := run(t, "", "operators", "remove", "vera", "--operators", ops); r.code != 1 || !strings.Contains(r.stderr, `no operator "vera"`) {
		t.Fatalf("remove twice: %+v", r)
	}
	evs := operatorEvents(t, db, "vera")
	if len(evs) != 2 || !strings.Contains(evs[0], `operator operator ""→"vera (viewer)"`) || !strings.Contains(evs[1], `operator operator "vera (viewer)"→""`) {
		t.Fatalf("audit events %q", evs)
	}
}

// serveProc is a `switchboard serve` running as a child process.
type serveProc struct {
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	log  strings.Builder
	done chan error
}

func startServe(t *testing.T, env []string, args ...string) *serveProc {
	t.Helper()
	p := &serveProc{cmd: exec.Command(binary(t), append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...), done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`switchboard serve on (127\.0\.0\.1:\d+)`)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addrc <- m[1]
			}
		}
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
		}
	})
	select {
	case p.addr = <-addrc:
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not start:\n%s", p.logs())
	}
	return p
}

func (p *serveProc) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// TestServeWithOpenSSHInTmux is the war room as people use it: serve on a
// store, two operators connect with OpenSSH's ssh in tmux, see each other
// and each other's changes, a local switchboard is told how to connect,
// one operator is removed and dropped, SIGTERM ends it all cleanly.
func TestServeWithOpenSSHInTmux(t *testing.T) {
	for _, tool := range []string{"tmux", "ssh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: the SSH end-to-end test needs OpenSSH's ssh and tmux (apt-get install openssh-client tmux)", tool)
		}
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	ops := filepath.Join(dir, "ops.yaml")
	env := []string{"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "XDG_DATA_HOME=" + filepath.Join(dir, "data"), "NO_COLOR=1"}
	anaKey, anaPub := writeKeyPair(t, dir, "ana")
	veraKey, veraPub := writeKeyPair(t, dir, "vera")
	for _, a := range [][]string{{"ana", "lead", anaPub}, {"vera", "agent", veraPub}} {
		if r := run(t, "", "operators", "add", a[0], "--role", a[1], "--key", a[2], "--operators", ops); r.code != 0 {
			t.Fatalf("add %s: %+v", a[0], r)
		}
	}
	// a few mentions to work on
	jsonl := filepath.Join(dir, "m.jsonl")
	var b strings.Builder
	for i := 0; i < 4; i++ {
		fmt.Fprintf(&b, `{"platform":"mastodon","id":"%d","author":{"handle":"@u%d"},"text":"acme thing %d","created_at":"%s"}`+"\n", i, i, i, time.Now().Add(-time.Duration(10-i)*time.Minute).UTC().Format(time.RFC3339))
	}
	if err := os.WriteFile(jsonl, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "", "import", "--db", db, jsonl); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	srv := startServe(t, env, "--db", db, "--operators", ops, "--host-key", filepath.Join(dir, "host"), "--theme", "dark")
	_, port, _ := strings.Cut(srv.addr, ":")

	// a local switchboard on the same store says how to connect
	r := run(t, "", "--db", db)
	if r.code == 0 || !strings.Contains(r.stderr, "connect with: ssh -p "+port+" 127.0.0.1") {
		t.Fatalf("local run while serving: %+v", r)
	}

	socket := fmt.Sprintf("sbserve-%d-%d", os.Getpid(), time.Now().UnixNano())
	tm := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	sshCmd := func(key string) string {
		return fmt.Sprintf("ssh -p %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes -i %s op@127.0.0.1; sleep 60", port, key)
	}
	tm("-f", "/dev/null", "new-session", "-d", "-s", "ana", "-x", "120", "-y", "30", sshCmd(anaKey))
	t.Cleanup(func() { exec.Command("tmux", "-L", socket, "kill-server").Run() })
	tm("new-session", "-d", "-s", "vera", "-x", "120", "-y", "30", sshCmd(veraKey))
	screen := func(s string) string { return tm("capture-pane", "-p", "-t", s) }
	waitFor := func(s, want string) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			sc := screen(s)
			if strings.Contains(sc, want) {
				return sc
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s's screen never showed %q:\n%s\nserver log:\n%s", s, want, sc, srv.logs())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("ana", "acme thing 3")
	waitFor("vera", "acme thing 3")
	waitFor("ana", "online: vera·Inbox")
	waitFor("vera", "online: ana·Inbox")
	// ana marks the newest mention done; vera's inbox loses it
	tm("send-keys", "-t", "ana", "x")
	waitFor("vera", "Done 1")
	if strings.Contains(screen("vera"), "acme thing 3") {
		t.Fatalf("vera still sees the mention ana closed:\n%s", screen("vera"))
	}

	// off-boarding: vera's session ends within a second, with the reason
	if r := run(t, "", "operators", "remove", "vera", "--operators", ops, "--db", db); r.code != 0 || !strings.Contains(r.stderr, "serve holds the store") {
		t.Fatalf("remove vera: %+v", r)
	}
	start := time.Now()
	waitFor("vera", "your access was removed")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("vera dropped after %v", d)
	}
	waitFor("ana", "only you online")

	// SIGTERM: ana is told, the store is closed, serve exits 0
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-srv.done:
		if err != nil {
			t.Fatalf("serve exit: %v\n%s", err, srv.logs())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not stop on SIGTERM:\n%s", srv.logs())
	}
	waitFor("ana", "switchboard is shutting down")
	if !strings.Contains(srv.logs(), "store closed") {
		t.Fatalf("no clean close in the log:\n%s", srv.logs())
	}
	if _, err := os.Stat(db + ".holder"); !os.IsNotExist(err) {
		t.Fatalf("holder file left behind: %v", err)
	}
	evs := operatorEvents(t, db, "vera")
	if len(evs) != 1 || !strings.HasPrefix(evs[0], `operators operator operator "vera (agent)"→""`) {
		t.Fatalf("off-boarding audit events %q", evs)
	}
}

// TestServeDemoShowsFirstMentions is a new user's first run: serve on a
// fresh store with a demo connector and nothing else; the operator who
// connects sees the demo's first mentions in the inbox within seconds (the
// first poll runs at start and finds some), and later ones arrive live,
// without ctrl+r.
func TestServeDemoShowsFirstMentions(t *testing.T) {
	for _, tool := range []string{"tmux", "ssh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: the SSH end-to-end test needs OpenSSH's ssh and tmux (apt-get install openssh-client tmux)", tool)
		}
	}
	dir := t.TempDir()
	db, ops, cfg := filepath.Join(dir, "sb.db"), filepath.Join(dir, "ops.yaml"), filepath.Join(dir, "config.yaml")
	anaKey, anaPub := writeKeyPair(t, dir, "ana")
	_, boPub := writeKeyPair(t, dir, "bo")
	if r := run(t, "", "operators", "add", "ana", "--role", "lead", "--key", anaPub, "--operators", ops); r.code != 0 {
		t.Fatalf("add ana: %+v", r)
	}
	if r := run(t, "", "operators", "add", "bo", "--role", "agent", "--team", "support", "--key", boPub, "--operators", ops); r.code != 0 {
		t.Fatalf("add bo: %+v", r)
	}
	conf := "brand:\n  name: Acme\n  handles: [\"@acme\"]\n  keywords: [acme]\nconnectors:\n  - name: sim\n    type: demo\n    seed: 2\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_STATE_HOME=" + filepath.Join(dir, "state"), "XDG_DATA_HOME=" + filepath.Join(dir, "data"), "NO_COLOR=1"}
	start := time.Now()
	srv := startServe(t, env, "--db", db, "--config", cfg, "--operators", ops, "--host-key", filepath.Join(dir, "host"), "--theme", "dark")
	_, port, _ := strings.Cut(srv.addr, ":")
	socket := fmt.Sprintf("sbdemo-%d-%d", os.Getpid(), time.Now().UnixNano())
	tm := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	ssh := fmt.Sprintf("ssh -p %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes -i %s op@127.0.0.1; sleep 60", port, anaKey)
	tm("-f", "/dev/null", "new-session", "-d", "-s", "ana", "-x", "120", "-y", "30", ssh)
	t.Cleanup(func() { exec.Command("tmux", "-L", socket, "kill-server").Run() })
	rows := regexp.MustCompile(`\b1 of (\d+)`)
	deadline := time.Now().Add(15 * time.Second)
	for {
		sc := tm("capture-pane", "-p", "-t", "ana")
		if rows.MatchString(sc) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v the inbox shows no mention of the demo's (the first poll delivers some at start):\n%s\nserver log:\n%s", time.Since(start).Round(time.Second), sc, srv.logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the first mentions showed %v after serve started", d)
	}
	// the assign picker offers the operators file's team, and no one else
	waitFor := func(want string) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			sc := tm("capture-pane", "-p", "-t", "ana")
			if strings.Contains(sc, want) {
				return sc
			}
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %q:\n%s", want, sc)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	tm("send-keys", "-t", "ana", "a")
	if sc := waitFor("@bo"); !strings.Contains(sc, "team support") {
		t.Fatalf("assign picker without bo's team:\n%s", sc)
	}
	tm("send-keys", "-t", "ana", "-l", "zed")
	tm("send-keys", "-t", "ana", "Enter")
	waitFor("“zed” is not an operator or team")
}
