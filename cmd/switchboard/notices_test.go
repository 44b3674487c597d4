package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"switchboard/store"
)

// TestNotificationsOverSSHInTmux: two operators on serve with OpenSSH's
// ssh in tmux. ana assigns a mention to vera in her inbox; vera's header
// counts it, her notification centre lists it and enter opens it; with
// terminal notifications on (t in the centre), the bell and then an OSC
// 777 desktop notification reach vera's terminal (the bytes her pane
// gets, captured with tmux pipe-pane), and ana's terminal gets neither.
// The read mark is in the store for vera's next session.
func TestNotificationsOverSSHInTmux(t *testing.T) {
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
	jsonl := filepath.Join(dir, "m.jsonl")
	var b strings.Builder
	for i := 0; i < 3; i++ {
		// a hostile author name: it must never reach a terminal as it came
		fmt.Fprintf(&b, `{"platform":"mastodon","id":"%d","author":{"handle":"@u%d","name":"\u001b]0;pwned\u0007"},"text":"acme thing %d \u001b]9;fake\u0007","created_at":"%s"}`+"\n",
			i, i, i, time.Now().Add(-time.Duration(10-i)*time.Minute).UTC().Format(time.RFC3339))
	}
	if err := os.WriteFile(jsonl, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "", "import", "--db", db, jsonl); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	srv := startServe(t, env, "--db", db, "--operators", ops, "--host-key", filepath.Join(dir, "host"))
	_, port, _ := strings.Cut(srv.addr, ":")

	socket := fmt.Sprintf("sbnotif-%d-%d", os.Getpid(), time.Now().UnixNano())
	tm := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	sshCmd := func(key string) string {
		return fmt.Sprintf("ssh -tt -p %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes -i %s op@127.0.0.1; sleep 60", port, key)
	}
	tm("-f", "/dev/null", "new-session", "-d", "-s", "ana", "-x", "120", "-y", "30", sshCmd(anaKey))
	t.Cleanup(func() { exec.Command("tmux", "-L", socket, "kill-server").Run() })
	tm("new-session", "-d", "-s", "vera", "-x", "120", "-y", "30", sshCmd(veraKey))
	// every byte each terminal is sent, escape sequences and all
	veraRaw, anaRaw := filepath.Join(dir, "vera.out"), filepath.Join(dir, "ana.out")
	tm("pipe-pane", "-t", "vera", "cat >> "+veraRaw)
	tm("pipe-pane", "-t", "ana", "cat >> "+anaRaw)
	screen := func(s string) string { return tm("capture-pane", "-p", "-t", s) }
	waitFor := func(s, want string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
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
	raw := func(path string) string { b, _ := os.ReadFile(path); return string(b) }
	waitRaw := func(path, want string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(raw(path), want) {
			if time.Now().After(deadline) {
				t.Fatalf("%s never got %q; it got %q", path, want, tail(raw(path), 600))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	keys := func(s string, ks ...string) {
		for _, k := range ks {
			tm("send-keys", "-t", s, k)
			time.Sleep(150 * time.Millisecond)
		}
	}
	waitFor("ana", "acme thing 2")
	waitFor("vera", "acme thing 2")
	waitFor("vera", "online: ana·Inbox")

	// vera turns the bell on for her session
	keys("vera", "!")
	waitFor("vera", "Notifications · 0 unread · terminal: off")
	keys("vera", "t")
	waitFor("vera", "terminal: bell")
	keys("vera", "Escape")
	time.Sleep(300 * time.Millisecond)
	// bells on their own: not the BEL that ends an OSC sequence (the
	// window title, say)
	bells := func() int { return strings.Count(oscRE.ReplaceAllString(raw(veraRaw), ""), "\a") }
	bellsBefore := bells()

	// ana assigns the newest mention to vera in her inbox
	keys("ana", "a")
	waitFor("ana", "Assign 1 mention")
	tm("send-keys", "-t", "ana", "-l", "vera")
	time.Sleep(200 * time.Millisecond)
	keys("ana", "Enter")
	start := time.Now()
	waitFor("vera", "✉ 1 unread")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("vera's count rose after %v", d)
	}
	deadline := time.Now().Add(10 * time.Second)
	for bells() <= bellsBefore {
		if time.Now().After(deadline) {
			t.Fatalf("no bell reached vera's terminal: %q", tail(raw(veraRaw), 600))
		}
		time.Sleep(50 * time.Millisecond)
	}
	// the list shows it; enter opens the mention and marks it read
	keys("vera", "!")
	sc := waitFor("vera", "ana assigned you mastodon:2")
	if !strings.Contains(sc, "● → ") || !strings.Contains(sc, "acme thing 2") {
		t.Fatalf("the list:\n%s", sc)
	}
	keys("vera", "Enter")
	waitFor("vera", "assignee")
	deadline = time.Now().Add(10 * time.Second)
	for strings.Contains(screen("vera"), "unread") {
		if time.Now().After(deadline) {
			t.Fatalf("still unread after opening:\n%s", screen("vera"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	keys("vera", "Escape")

	// OSC 777 now (t twice more: osc9, osc777); ana assigns another
	keys("vera", "!", "t", "t")
	waitFor("vera", "terminal: osc777")
	keys("vera", "Escape")
	keys("ana", "Escape", "j", "a")
	waitFor("ana", "Assign 1 mention")
	tm("send-keys", "-t", "ana", "-l", "vera")
	time.Sleep(200 * time.Millisecond)
	keys("ana", "Enter")
	waitRaw(veraRaw, "\x1b]777;notify;switchboard;ana assigned you mastodon:1\a")
	waitFor("vera", "✉ 1 unread")

	// what reached the terminals: no platform text inside an OSC, and
	// nothing for ana (nothing was for her)
	v := raw(veraRaw)
	for _, bad := range []string{"\x1b]0;pwned", "\x1b]9;fake"} {
		if strings.Contains(v, bad) || strings.Contains(raw(anaRaw), bad) {
			t.Fatalf("platform escape sequence %q reached a terminal", bad)
		}
	}
	if strings.Contains(raw(anaRaw), "\x1b]777;") || strings.Contains(raw(anaRaw), "\x1b]9;") {
		t.Fatalf("ana got a desktop notification: %q", tail(raw(anaRaw), 600))
	}

	// the read marks and the preference are in the store
	srv.cmd.Process.Signal(os.Interrupt)
	select {
	case <-srv.done:
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not stop:\n%s", srv.logs())
	}
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ns, unread, err := st.Notices("vera", 0)
	if err != nil || len(ns) != 2 || unread != 1 || !ns[1].Read || ns[0].Read {
		t.Fatalf("vera's notices %+v (%d unread, %v)", ns, unread, err)
	}
	if p, _ := st.NoticePref("vera"); p != "osc777" {
		t.Fatalf("vera's preference %q", p)
	}
	if ns, _, _ := st.Notices("ana", 0); len(ns) != 0 {
		t.Fatalf("ana's notices %+v", ns)
	}
}

// oscRE matches an OSC sequence ended by BEL or ST.
var oscRE = regexp.MustCompile(`\x1b\][^\x07\x1b]*(\x07|\x1b\\)`)

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
