// Package sshserver is switchboard's SSH front door (on charm.land/wish):
// operators `ssh` to the host and each session gets its own Bubble Tea
// program on the one shared store. Authentication is by public key only;
// the key must belong to an operator in the team file (operators.yaml),
// is checked again in middleware after authentication, and again whenever
// the file changes: an operator taken off the team loses their live
// sessions within a second. Every session has its own size, colour
// profile and background, an idle timeout and a maximum length, and
// frees everything it holds when it ends.
//
// Middlewares (the last listed runs first):
//
//	recover → bubbletea → session (limit, presence, model) → activeterm → command → auth re-check → logging
//
// A session that asks for a command (`ssh host operators list`) runs it
// through Options.Command instead of the app, after the same checks.
package sshserver

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/wish/v2"
	"charm.land/wish/v2/activeterm"
	bm "charm.land/wish/v2/bubbletea"
	"charm.land/wish/v2/logging"
	rm "charm.land/wish/v2/recover"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"switchboard/operators"
	"switchboard/presence"
)

// SessionInfo is what the model of one session is built from.
type SessionInfo struct {
	Operator operators.Operator
	// Fingerprint is the SHA256 fingerprint of the key they signed in with.
	Fingerprint string
	// Environ is the session's environment (TERM, and what the client
	// sent: LANG, NO_COLOR …).
	Environ []string
	// Presence is the session in the war room (also in the context).
	Presence *presence.Session
	Remote   string
	// Stdin is what the client sends on a command session (a reply's
	// text piped to `ssh host reply … --file -`); nil for the app.
	Stdin io.Reader
}

// ModelFunc builds the Bubble Tea model of one session. ctx ends with the
// session (it carries the presence, see presence.FromContext); done, if
// not nil, is called after the program ended (e.g. to close the model's
// store subscription).
type ModelFunc func(ctx context.Context, info SessionInfo) (m tea.Model, done func(), err error)

// CommandFunc runs one command of a signed-in operator: args are the
// words after the host, out and errOut the session's streams.
type CommandFunc func(ctx context.Context, info SessionInfo, args []string, out, errOut io.Writer) int

// Options configure a Server.
type Options struct {
	// Addr to listen on ("127.0.0.1:2222" by default).
	Addr string
	// HostKeyPath is the server's private host key; generated (ed25519,
	// mode 0600) on first start.
	HostKeyPath string
	// Operators is the live team.
	Operators *operators.Registry
	// Presence is the war room; a new hub when nil.
	Presence *presence.Hub
	// Model builds each session's model.
	Model ModelFunc
	// Command, when set, runs a session that asks for a command (e.g.
	// `ssh -p 2222 host operators list`) as the signed-in operator, and
	// returns its exit status; nil refuses commands.
	Command CommandFunc
	// IdleTimeout ends a session without a key press or click for this
	// long (30 minutes by default; the SSH connection itself times out
	// at twice this if nothing at all is sent).
	IdleTimeout time.Duration
	// MaxTimeout ends any connection after this long (12 h by default).
	MaxTimeout time.Duration
	// MaxSessions is how many sessions may be open at once (100 by default).
	MaxSessions int
	// OnFrame, if set, is told for every frame a session draws how long
	// the oldest change it draws waited (for the metrics' frame latency).
	OnFrame func(time.Duration)
	// Log receives one line per connection, refusal and error (nil: none).
	Log func(format string, args ...any)
	// DropGrace is how long a session told to end may take before its
	// connection is closed (500 ms by default).
	DropGrace time.Duration
	// FrameInterval is the shortest time between two renderings of a
	// session's screen (40 ms by default): changes within a frame are
	// drawn together.
	FrameInterval time.Duration
}

// Server is a running SSH front door.
type Server struct {
	opts Options
	srv  *ssh.Server
	hub  *presence.Hub

	mu       sync.Mutex
	sessions map[*live]struct{}
	closing  bool
	wg       sync.WaitGroup // live session handlers

	stopWatch func()
	janitor   chan struct{}
	janWG     sync.WaitGroup
}

// Permission extensions set at authentication and checked again.
const (
	extFingerprint = "switchboard-fingerprint"
	extOperator    = "switchboard-operator"
)

type ctxKey string

const (
	keyPreAuth ctxKey = "switchboard-preauth"
	keyBanner  ctxKey = "switchboard-banner-sent"
	keyLive    ctxKey = "switchboard-live"
)

// New builds a server; Serve or ListenAndServe starts it.
func New(opts Options) (*Server, error) {
	if opts.Operators == nil {
		return nil, errors.New("sshserver: no operators")
	}
	if opts.Model == nil {
		return nil, errors.New("sshserver: no model")
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:2222"
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 30 * time.Minute
	}
	if opts.MaxTimeout <= 0 {
		opts.MaxTimeout = 12 * time.Hour
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = 100
	}
	if opts.DropGrace <= 0 {
		opts.DropGrace = 500 * time.Millisecond
	}
	if opts.FrameInterval <= 0 {
		opts.FrameInterval = 40 * time.Millisecond
	}
	if opts.Log == nil {
		opts.Log = func(string, ...any) {}
	}
	hub := opts.Presence
	if hub == nil {
		hub = presence.New(presence.Options{Role: opts.Operators.Role})
	}
	s := &Server{opts: opts, hub: hub, sessions: map[*live]struct{}{}, janitor: make(chan struct{})}
	signer, err := LoadOrCreateHostKey(opts.HostKeyPath)
	if err != nil {
		return nil, err
	}
	logger := printfLogger(opts.Log)
	srv, err := wish.NewServer(
		wish.WithAddress(opts.Addr),
		wish.WithVersion("switchboard"),
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithPublicKeyAuth(s.publicKey),
		ssh.EmulatePty(),
		func(srv *ssh.Server) error {
			srv.ServerConfigCallback = func(ctx ssh.Context) *gossh.ServerConfig {
				return &gossh.ServerConfig{
					// keep the pre-auth connection to tell a refused key why
					PreAuthConnCallback: func(c gossh.ServerPreAuthConn) { ctx.SetValue(keyPreAuth, c) },
				}
			}
			return nil
		},
		wish.WithIdleTimeout(2*opts.IdleTimeout),
		wish.WithMaxTimeout(opts.MaxTimeout),
		wish.WithMiddleware(
			rm.MiddlewareWithLogger(logger,
				bm.MiddlewareWithProgramHandler(s.program),
				s.sessionMiddleware,
				activeterm.Middleware(),
				s.commandMiddleware,
				s.authMiddleware,
				logging.MiddlewareWithLogger(logger),
			),
		),
	)
	if err != nil {
		return nil, fmt.Errorf("sshserver: %w", err)
	}
	s.srv = srv
	s.stopWatch = opts.Operators.OnChange(s.onTeamChange)
	s.janWG.Add(1)
	go s.idleJanitor()
	return s, nil
}

type printfLogger func(string, ...any)

func (l printfLogger) Printf(format string, args ...any) { l(format, args...) }

// Hub is the server's war room.
func (s *Server) Hub() *presence.Hub { return s.hub }

// ListenAndServe listens on Options.Addr and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("sshserver: listen on %s: %w", s.opts.Addr, err)
	}
	return s.Serve(l)
}

// Serve serves on l until Shutdown; it returns nil after a Shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.srv.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// publicKey is the authentication step: only an operator's key passes.
// A refused key is told why, once per connection, in an auth banner.
func (s *Server) publicKey(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
	op, ok := s.opts.Operators.Lookup(key)
	if !ok {
		if c, _ := ctx.Value(keyPreAuth).(gossh.ServerPreAuthConn); c != nil && ctx.Value(keyBanner) == nil {
			ctx.SetValue(keyBanner, true)
			_ = c.SendAuthBanner(fmt.Sprintf("switchboard: key %s is not an operator's key; ask an admin to run: switchboard operators add NAME --role ROLE --key FILE.pub\r\n", fp))
		}
		s.opts.Log("refused key %s from %s", fp, ctx.RemoteAddr())
		return false
	}
	perms := ctx.Permissions()
	if perms.Extensions == nil {
		perms.Extensions = map[string]string{}
	}
	perms.Extensions[extFingerprint] = fp
	perms.Extensions[extOperator] = op.Name
	return true
}

// authMiddleware checks again, after authentication, that the session's
// key is the one authenticated and still an operator's: the public-key
// callback alone does not guarantee which key was finally used.
func (s *Server) authMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		op, fp, err := s.recheck(sess)
		if err != nil {
			s.opts.Log("refused session from %s: %v", sess.RemoteAddr(), err)
			wish.Fatalln(sess, "switchboard: "+err.Error())
			return
		}
		sess.Context().SetValue(keyOperator{}, authed{op: op, fp: fp})
		next(sess)
	}
}

// commandMiddleware runs a session that asks for a command, as the
// operator authMiddleware checked, and ends it with the command's status.
// Sessions without a command go on to the app.
func (s *Server) commandMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		args := sess.Command()
		if len(args) == 0 {
			next(sess)
			return
		}
		a, _ := sess.Context().Value(keyOperator{}).(authed)
		if s.opts.Command == nil || a.op.Name == "" {
			wish.Fatalln(sess, "switchboard: this server runs no commands; connect without one for the app")
			return
		}
		s.opts.Log("%s (%s) runs %q", a.op.Name, a.op.Role, args)
		info := SessionInfo{Operator: a.op, Fingerprint: a.fp, Environ: sessionEnviron(sess), Remote: sess.RemoteAddr().String(), Stdin: sess}
		code := s.opts.Command(sess.Context(), info, args, sess, sess.Stderr())
		_ = sess.Exit(code)
	}
}

type keyOperator struct{}

type authed struct {
	op operators.Operator
	fp string
}

func (s *Server) recheck(sess ssh.Session) (operators.Operator, string, error) {
	pk := sess.PublicKey()
	if pk == nil {
		return operators.Operator{}, "", errors.New("sign in with an SSH key")
	}
	fp := gossh.FingerprintSHA256(pk)
	perms := sess.Permissions()
	if perms.Permissions == nil || perms.Extensions[extFingerprint] != fp {
		return operators.Operator{}, "", errors.New("the key used does not match the key authenticated")
	}
	op, ok := s.opts.Operators.Lookup(pk)
	if !ok || op.Name != perms.Extensions[extOperator] {
		return operators.Operator{}, "", fmt.Errorf("key %s is not an operator's key (any more)", fp)
	}
	return op, fp, nil
}

// live is one running session.
type live struct {
	op      operators.Operator
	fp      string
	sess    ssh.Session
	ctx     context.Context
	cancel  context.CancelFunc
	pres    *presence.Session
	started time.Time

	lastInput atomic.Int64 // unix nanos

	mu      sync.Mutex
	prog    *tea.Program
	done    func()
	reason  string
	kill    *time.Timer
	closeTx bool // close the whole connection after the session
	ended   bool
}

// sessionMiddleware admits the session (session limit), joins it to the
// war room, and frees all of it when the program has ended.
func (s *Server) sessionMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		a, _ := sess.Context().Value(keyOperator{}).(authed)
		if a.op.Name == "" { // never reached past authMiddleware
			wish.Fatalln(sess, "switchboard: not signed in")
			return
		}
		ctx, cancel := context.WithCancel(sess.Context())
		ls := &live{op: a.op, fp: a.fp, sess: sess, ctx: ctx, cancel: cancel, started: time.Now()}
		ls.lastInput.Store(time.Now().UnixNano())
		if err := s.admit(ls); err != nil {
			cancel()
			wish.Fatalln(sess, "switchboard: "+err.Error())
			return
		}
		defer s.release(ls)
		ls.pres = s.hub.Join(a.op.Name, a.op.Role)
		ls.ctx = presence.NewContext(ctx, ls.pres)
		sess.Context().SetValue(keyLive, ls)
		s.opts.Log("%s (%s) connected from %s with key %s", a.op.Name, a.op.Role, sess.RemoteAddr(), a.fp)

		next(sess)

		ls.mu.Lock()
		ls.ended = true
		if ls.kill != nil {
			ls.kill.Stop()
		}
		done, reason, closeTx := ls.done, ls.reason, ls.closeTx
		ls.prog = nil
		ls.mu.Unlock()
		cancel()
		ls.pres.Leave()
		if done != nil {
			done()
		}
		if reason != "" {
			_, _ = io.WriteString(sess, "\r\nswitchboard: "+reason+"\r\n")
			_ = sess.Exit(1)
		}
		if closeTx {
			if c, ok := sess.Context().Value(ssh.ContextKeyConn).(gossh.Conn); ok {
				_ = c.Close()
			}
		}
		s.opts.Log("%s disconnected after %s%s", a.op.Name, time.Since(ls.started).Round(time.Second), suffix(reason))
	}
}

func suffix(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}

func (s *Server) admit(ls *live) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return errors.New("the server is shutting down; try again in a moment")
	}
	if len(s.sessions) >= s.opts.MaxSessions {
		return fmt.Errorf("the server is full (%d sessions); try again later", s.opts.MaxSessions)
	}
	s.sessions[ls] = struct{}{}
	s.wg.Add(1)
	return nil
}

func (s *Server) release(ls *live) {
	s.mu.Lock()
	delete(s.sessions, ls)
	s.mu.Unlock()
	s.wg.Done()
}

// program builds the Bubble Tea program of a session: its own model, the
// session's input/output, size and colour profile (bm.MakeOptions), the
// session's context, and no signal handler (the server handles signals).
func (s *Server) program(sess ssh.Session) *tea.Program {
	ls, _ := sess.Context().Value(keyLive).(*live)
	if ls == nil {
		return nil
	}
	info := SessionInfo{Operator: ls.op, Fingerprint: ls.fp, Environ: sessionEnviron(sess), Presence: ls.pres, Remote: sess.RemoteAddr().String()}
	m, done, err := s.opts.Model(ls.ctx, info)
	if err != nil {
		s.opts.Log("%s: cannot start the app: %v", ls.op.Name, err)
		_, _ = io.WriteString(sess.Stderr(), "switchboard: "+err.Error()+"\r\n")
		return nil
	}
	opts := append(bm.MakeOptions(sess),
		tea.WithContext(ls.ctx),
		tea.WithoutSignalHandler(),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			switch msg.(type) {
			case tea.SuspendMsg: // no job control over SSH
				return tea.ResumeMsg{}
			case tea.KeyPressMsg, tea.MouseClickMsg, tea.MouseWheelMsg, tea.PasteMsg:
				ls.lastInput.Store(time.Now().UnixNano())
			}
			return msg
		}),
	)
	p := tea.NewProgram(&frameModel{inner: m, every: s.opts.FrameInterval, onFrame: s.opts.OnFrame}, opts...)
	ls.mu.Lock()
	ls.prog, ls.done = p, done
	ls.mu.Unlock()
	return p
}

// sessionEnviron is the session's environment with its TERM.
func sessionEnviron(sess ssh.Session) []string {
	env := append([]string(nil), sess.Environ()...)
	if pty, _, ok := sess.Pty(); ok && pty.Term != "" {
		env = append(env, "TERM="+pty.Term)
	}
	return env
}

// end tells a session to end for reason: its program quits (leaving the
// terminal as it found it) and the reason is printed; if it has not ended
// within the grace period its connection is closed.
func (s *Server) end(ls *live, reason string, closeConn bool) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.ended {
		return
	}
	if ls.reason == "" {
		ls.reason = reason
	}
	ls.closeTx = ls.closeTx || closeConn
	if ls.prog != nil {
		ls.prog.Quit()
	}
	if ls.kill == nil {
		ls.kill = time.AfterFunc(s.opts.DropGrace, func() {
			ls.cancel()
			if c, ok := ls.sess.Context().Value(ssh.ContextKeyConn).(gossh.Conn); ok {
				_ = c.Close()
			}
		})
	}
}

// onTeamChange drops every session whose key is no longer an operator's
// (removed, or the key revoked).
func (s *Server) onTeamChange(c operators.Change) {
	for _, o := range c.Removed {
		s.opts.Log("operator %s (%s) removed from the team", o.Name, o.Role)
	}
	for _, o := range c.Changed {
		s.opts.Log("operator %s changed: role %s", o.Name, o.Role)
	}
	for _, o := range c.Added {
		s.opts.Log("operator %s (%s) added", o.Name, o.Role)
	}
	for _, ls := range s.live() {
		pk := ls.sess.PublicKey()
		if op, ok := c.After.ByKey(pk); !ok || op.Name != ls.op.Name {
			s.end(ls, "your access was removed (you are no longer on the team, or this key was revoked)", true)
		}
	}
}

// Drop ends every session of operator name with reason; it returns how
// many it ended.
func (s *Server) Drop(name, reason string) int {
	n := 0
	for _, ls := range s.live() {
		if ls.op.Name == name {
			s.end(ls, reason, true)
			n++
		}
	}
	return n
}

func (s *Server) live() []*live {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*live, 0, len(s.sessions))
	for ls := range s.sessions {
		out = append(out, ls)
	}
	return out
}

// SessionCount is how many sessions are open.
func (s *Server) SessionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// idleJanitor ends sessions without input for IdleTimeout.
func (s *Server) idleJanitor() {
	defer s.janWG.Done()
	every := min(s.opts.IdleTimeout/4, 5*time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.janitor:
			return
		case <-t.C:
		}
		cut := time.Now().Add(-s.opts.IdleTimeout).UnixNano()
		for _, ls := range s.live() {
			if ls.lastInput.Load() < cut {
				s.end(ls, fmt.Sprintf("idle for %s; connect again to continue", s.opts.IdleTimeout), true)
			}
		}
	}
}

// Shutdown stops accepting connections, tells every session why it ends
// (reason), waits for them to finish (until ctx ends) and closes every
// connection. The caller then stops the services and closes the store.
func (s *Server) Shutdown(ctx context.Context, reason string) error {
	s.mu.Lock()
	already := s.closing
	s.closing = true
	s.mu.Unlock()
	if !already {
		s.stopWatch()
		close(s.janitor)
	}
	for _, ls := range s.live() {
		s.end(ls, reason, false)
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	_ = s.srv.Close()
	s.janWG.Wait()
	return err
}

// LoadOrCreateHostKey reads the host key at path, or generates an ed25519
// key there (mode 0600) on first start. A key file others can read is
// refused.
func LoadOrCreateHostKey(path string) (gossh.Signer, error) {
	if path == "" {
		return nil, errors.New("sshserver: no host key path")
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		_, priv, gerr := ed25519.GenerateKey(rand.Reader)
		if gerr != nil {
			return nil, fmt.Errorf("sshserver: generate host key: %w", gerr)
		}
		block, merr := gossh.MarshalPrivateKey(priv, "switchboard host key")
		if merr != nil {
			return nil, fmt.Errorf("sshserver: host key: %w", merr)
		}
		data = pem.EncodeToMemory(block)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("sshserver: host key: %w", err)
		}
		f, ferr := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if ferr != nil {
			return nil, fmt.Errorf("sshserver: host key: %w", ferr)
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return nil, fmt.Errorf("sshserver: host key: %w", werr)
		}
	} else if err != nil {
		return nil, fmt.Errorf("sshserver: host key: %w", err)
	} else if fi, serr := os.Stat(path); serr == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("sshserver: host key %s can be read by others (mode %v); run: chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("sshserver: host key %s: %w", path, err)
	}
	return signer, nil
}
