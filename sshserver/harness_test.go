package sshserver

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"switchboard/domain"
	"switchboard/operators"
	"switchboard/presence"
	"switchboard/store"
	"switchboard/tui"
)

// member is an operator of the test team with their private key.
type member struct {
	name   string
	role   domain.Role
	signer gossh.Signer
	line   string // authorized_keys line
}

func newMember(t testing.TB, name string, role domain.Role) member {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return member{name: name, role: role, signer: signer, line: strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))}
}

// rig is a running server on a temporary store and team file.
type rig struct {
	t       testing.TB
	dir     string
	opsPath string
	st      *store.Store
	reg     *operators.Registry
	srv     *Server
	addr    string
	hostKey gossh.PublicKey
	served  chan error
	stop    context.CancelFunc
	watched chan struct{}
	logMu   sync.Mutex
	logs    []string
}

type rigOptions struct {
	idle        time.Duration
	maxSessions int
	mentions    int
}

func newRig(t testing.TB, team []member, ro rigOptions) *rig {
	t.Helper()
	dir := t.TempDir()
	r := &rig{t: t, dir: dir, opsPath: filepath.Join(dir, "operators.yaml"), served: make(chan error, 1), watched: make(chan struct{})}
	for _, m := range team {
		if err := operators.Add(r.opsPath, operators.Operator{Name: m.name, Role: m.role, Keys: []string{m.line}}); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := operators.Open(r.opsPath)
	if err != nil {
		t.Fatal(err)
	}
	r.reg = reg
	r.st, err = store.Open(filepath.Join(dir, "db"), store.Options{Authorize: reg.Authorize})
	if err != nil {
		t.Fatal(err)
	}
	if ro.mentions > 0 {
		ms := make([]domain.Mention, ro.mentions)
		now := time.Now()
		for i := range ms {
			ms[i] = domain.Mention{Platform: domain.PlatformMastodon, NativeID: fmt.Sprint(100 + i),
				Author: domain.Author{Handle: fmt.Sprintf("@user%d", i)}, Text: fmt.Sprintf("mention number %d about acme", i),
				CreatedAt: now.Add(-time.Duration(ro.mentions-i) * time.Minute)}
		}
		if _, err := r.st.Ingest(ms); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	go func() { reg.Watch(ctx, 20*time.Millisecond, nil); close(r.watched) }()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = l.Addr().String()
	r.srv, err = New(Options{
		Addr:        r.addr,
		HostKeyPath: filepath.Join(dir, "host_ed25519"),
		Operators:   reg,
		IdleTimeout: ro.idle,
		MaxSessions: ro.maxSessions,
		Log: func(f string, a ...any) {
			r.logMu.Lock()
			r.logs = append(r.logs, fmt.Sprintf(f, a...))
			r.logMu.Unlock()
		},
		Model: func(ctx context.Context, info SessionInfo) (tea.Model, func(), error) {
			m, err := tui.New(tui.Options{Ctx: ctx, Store: r.st, Actor: info.Operator.Name, Theme: "dark", Environ: info.Environ, Presence: presence.FromContext(ctx)})
			if err != nil {
				return nil, nil, err
			}
			return m, m.Close, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := LoadOrCreateHostKey(filepath.Join(dir, "host_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	r.hostKey = signer.PublicKey()
	go func() { r.served <- r.srv.Serve(l) }()
	t.Cleanup(r.close)
	return r
}

func (r *rig) close() {
	if r.stop == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = r.srv.Shutdown(ctx, "test over")
	select {
	case <-r.served:
	case <-time.After(5 * time.Second):
		r.t.Error("Serve did not return after Shutdown")
	}
	r.stop()
	<-r.watched
	r.st.Close()
	r.stop = nil
}

func (r *rig) clientConfig(signers ...gossh.Signer) *gossh.ClientConfig {
	auth := []gossh.AuthMethod{}
	if len(signers) > 0 {
		auth = append(auth, gossh.PublicKeys(signers...))
	}
	return &gossh.ClientConfig{User: "op", Auth: auth, HostKeyCallback: gossh.FixedHostKey(r.hostKey), Timeout: 5 * time.Second}
}

// term is a client session with a pty, its screen read by a terminal
// emulator that also answers the program's queries (background colour …).
type term struct {
	t      testing.TB
	conn   *gossh.Client
	raw    net.Conn
	sess   *gossh.Session
	stdin  io.WriteCloser
	mu     sync.Mutex
	emu    *vt.Emulator
	all    strings.Builder // everything received, escape codes and all
	done   chan struct{}
	exitMu sync.Mutex
	exit   error
}

func (r *rig) connect(m member, w, h int) *term {
	r.t.Helper()
	raw, err := net.DialTimeout("tcp", r.addr, 5*time.Second)
	if err != nil {
		r.t.Fatal(err)
	}
	c, chans, reqs, err := gossh.NewClientConn(raw, r.addr, r.clientConfig(m.signer))
	if err != nil {
		r.t.Fatalf("%s: %v", m.name, err)
	}
	conn := gossh.NewClient(c, chans, reqs)
	sess, err := conn.NewSession()
	if err != nil {
		r.t.Fatal(err)
	}
	tm := &term{t: r.t, conn: conn, raw: raw, sess: sess, emu: vt.NewEmulator(w, h), done: make(chan struct{})}
	tm.stdin, _ = sess.StdinPipe()
	out, _ := sess.StdoutPipe()
	sess.Stderr = &lockedWriter{tm: tm}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		r.t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		r.t.Fatal(err)
	}
	// the emulator's answers to queries go back as input
	go func() { _, _ = io.Copy(tm.stdin, tm.emu) }()
	go func() {
		buf := make([]byte, 32*1024)
		for {
			n, err := out.Read(buf)
			if n > 0 {
				// the emulator may block answering a query until the
				// copier above reads the answer; that needs no lock
				tm.mu.Lock()
				tm.all.Write(buf[:n])
				_, _ = tm.emu.Write(buf[:n])
				tm.mu.Unlock()
			}
			if err != nil {
				break
			}
		}
		err := sess.Wait()
		tm.exitMu.Lock()
		tm.exit = err
		tm.exitMu.Unlock()
		close(tm.done)
	}()
	r.t.Cleanup(tm.close)
	return tm
}

type lockedWriter struct{ tm *term }

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.tm.mu.Lock()
	defer w.tm.mu.Unlock()
	return w.tm.all.Write(p)
}

func (tm *term) close() {
	tm.sess.Close()
	tm.conn.Close()
	// end the emulator's answer pipe (Emulator.Close races with Read)
	if pw, ok := tm.emu.InputPipe().(*io.PipeWriter); ok {
		_ = pw.CloseWithError(io.EOF)
	}
}

// screen is the text on the emulator's screen.
func (tm *term) screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.emu.String()
}

// output is everything received so far, as plain text.
func (tm *term) output() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.all.String()
}

func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.stdin, s); err != nil {
		tm.t.Fatalf("send %q: %v", s, err)
	}
}

// waitFor waits until the screen satisfies ok.
func (tm *term) waitFor(what string, ok func(screen string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := tm.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (tm *term) waitText(sub string) string {
	tm.t.Helper()
	return tm.waitFor(fmt.Sprintf("%q on screen", sub), func(s string) bool { return strings.Contains(s, sub) })
}

// ended waits for the session to end and returns how long it took.
func (tm *term) ended(within time.Duration) bool {
	select {
	case <-tm.done:
		return true
	case <-time.After(within):
		return false
	}
}
