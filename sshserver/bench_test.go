package sshserver

import (
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"switchboard/domain"
	"switchboard/store"
)

// benchEnv reads a positive integer from the environment.
func benchEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// marker is the n-th probe's assignee: six capitals, unique for n < 676
// and each different from the same position of the marker before it, so
// the renderer (which only writes cells that changed) writes all six in
// one run.
func marker(n int) string {
	b := make([]byte, 6)
	for i := range b {
		b[i] = 'A' + byte((n*5+i*7+(n/26)*i)%26)
	}
	return string(b)
}

// probes are the operator changes under way: marker → when it committed.
type probes struct {
	mu   sync.RWMutex
	sent map[string]time.Time
}

func (p *probes) at(m string) (time.Time, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	t, ok := p.sent[m]
	return t, ok
}

// watcher reads one session's raw output and notes when each marker
// first reaches it.
type watcher struct {
	conn *gossh.Client
	raw  net.Conn
	mu   sync.Mutex
	lat  []time.Duration
	seen map[string]bool
	done chan struct{}
}

func (w *watcher) scan(p *probes, out io.Reader) {
	defer close(w.done)
	buf := make([]byte, 64*1024)
	var tail []byte
	for {
		n, err := out.Read(buf)
		if n > 0 {
			now := time.Now()
			chunk := append(tail, buf[:n]...)
			run := 0
			for i, c := range chunk {
				if c < 'A' || c > 'Z' {
					run = 0
					continue
				}
				run++
				if run >= 6 {
					m := string(chunk[i-5 : i+1])
					if t0, ok := p.at(m); ok {
						w.mu.Lock()
						if !w.seen[m] {
							w.seen[m] = true
							w.lat = append(w.lat, now.Sub(t0))
						}
						w.mu.Unlock()
					}
				}
			}
			tail = append([]byte(nil), chunk[max(0, len(chunk)-5):]...)
		}
		if err != nil {
			return
		}
	}
}

// BenchmarkWarRoom: SWITCHBOARD_BENCH_SESSIONS sessions (default 5; 50
// by hand) over real SSH while 100 mentions/s arrive (a page of 10 every
// 100 ms, as connectors deliver them); an operator changes
// the assignee of the mention every session shows 5 times a second, and
// each session's raw output is watched for the change. Reports the
// update-to-screen latency (p50, p99), heap per session and the CPU of the
// whole process (server and test clients).
func BenchmarkWarRoom(b *testing.B) {
	nSess := benchEnv("SWITCHBOARD_BENCH_SESSIONS", 5)
	secs := benchEnv("SWITCHBOARD_BENCH_SECONDS", 2)
	lead := newMember(b, "lead", domain.RoleLead)
	r := newRig(b, []member{lead}, rigOptions{mentions: 30, maxSessions: nSess + 1})
	target, err := r.st.GetByKey(domain.MentionKey(domain.PlatformMastodon, "129"))
	if err != nil {
		b.Fatal(err)
	}
	p := &probes{sent: map[string]time.Time{}}

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	ws := make([]*watcher, 0, nSess)
	for i := 0; i < nSess; i++ {
		raw, err := net.Dial("tcp", r.addr)
		if err != nil {
			b.Fatal(err)
		}
		c, chans, reqs, err := gossh.NewClientConn(raw, r.addr, r.clientConfig(lead.signer))
		if err != nil {
			b.Fatal(err)
		}
		conn := gossh.NewClient(c, chans, reqs)
		sess, err := conn.NewSession()
		if err != nil {
			b.Fatal(err)
		}
		out, _ := sess.StdoutPipe()
		if _, err := sess.StdinPipe(); err != nil {
			b.Fatal(err)
		}
		if err := sess.RequestPty("xterm-256color", 30, 120, gossh.TerminalModes{}); err != nil {
			b.Fatal(err)
		}
		if err := sess.Shell(); err != nil {
			b.Fatal(err)
		}
		w := &watcher{conn: conn, raw: raw, seen: map[string]bool{}, done: make(chan struct{})}
		go w.scan(p, out)
		ws = append(ws, w)
	}
	defer func() {
		for _, w := range ws {
			w.conn.Close()
			<-w.done
		}
	}()
	// every session is up and drawing: a first probe reaches them all
	probe := func(n int) {
		m := marker(n)
		p.mu.Lock()
		p.sent[m] = time.Now()
		p.mu.Unlock()
		if _, err := r.st.Apply("lead", []uint64{target.ID}, store.Action{Kind: domain.EventAssign, Value: m}); err != nil {
			b.Fatal(err)
		}
	}
	probe(0)
	deadline := time.Now().Add(30 * time.Second)
	for _, w := range ws {
		for {
			w.mu.Lock()
			ok := w.seen[marker(0)]
			w.mu.Unlock()
			if ok {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("a session never showed the first change")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	perSession := float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / float64(nSess) / (1 << 20)
	for _, w := range ws {
		w.mu.Lock()
		w.lat = w.lat[:0]
		w.mu.Unlock()
	}

	b.ResetTimer()
	var cpu0 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &cpu0)
	start := time.Now()
	probesSent := 0
	for it := 0; it < b.N; it++ {
		stop := make(chan struct{})
		var load sync.WaitGroup
		load.Add(1)
		go func() { // 100 mentions a second, as connectors deliver them: a page of 10 every 100 ms
			defer load.Done()
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-t.C:
				}
				page := make([]domain.Mention, 10)
				for j := range page {
					page[j] = domain.Mention{Platform: domain.PlatformX, NativeID: fmt.Sprintf("load-%d-%d-%d", it, n, j),
						Author: domain.Author{Handle: "@load"}, Text: "load mention about acme " + strconv.Itoa(n*10+j), CreatedAt: time.Now()}
				}
				if _, err := r.st.Ingest(page); err != nil {
					b.Error(err)
					return
				}
			}
		}()
		tick := time.NewTicker(200 * time.Millisecond)
		end := time.After(time.Duration(secs) * time.Second)
	loop:
		for {
			select {
			case <-end:
				break loop
			case <-tick.C:
				probesSent++
				probe(probesSent)
			}
		}
		tick.Stop()
		time.Sleep(300 * time.Millisecond) // let the last probes land
		close(stop)
		load.Wait()
	}
	wall := time.Since(start)
	var cpu1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &cpu1)
	b.StopTimer()

	var all []time.Duration
	missed := 0
	for _, w := range ws {
		w.mu.Lock()
		all = append(all, w.lat...)
		w.mu.Unlock()
	}
	// a probe superseded before a frame was drawn is never shown: count
	// how many (probe, session) pairs that was
	missed = probesSent*len(ws) - len(all)
	slices.Sort(all)
	pct := func(q float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(q*float64(len(all))))].Microseconds()) / 1000
	}
	cpu := func(r syscall.Rusage) time.Duration {
		return time.Duration(r.Utime.Nano() + r.Stime.Nano())
	}
	b.ReportMetric(float64(nSess), "sessions")
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(missed), "unshown")
	b.ReportMetric(perSession, "MB/session")
	b.ReportMetric(float64(cpu(cpu1)-cpu(cpu0))/float64(wall), "cpu-cores")
}
