package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"switchboard/tui/pane"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"switchboard/domain"
	"switchboard/store"
)

// The benchmark store holds SWITCHBOARD_BENCH_N mentions (default 20,000
// so that `-benchtime 1x` stays quick); the figures in docs/benchmarks.md
// were measured with SWITCHBOARD_BENCH_N=1000000. The fixture is built
// once per run under a temp dir (or reused from SWITCHBOARD_BENCH_DB).
var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

func benchStore(b *testing.B) *store.Store {
	b.Helper()
	benchOnce.Do(func() {
		n := 20000
		if v, err := strconv.Atoi(os.Getenv("SWITCHBOARD_BENCH_N")); err == nil && v > 0 {
			n = v
		}
		benchPath = os.Getenv("SWITCHBOARD_BENCH_DB")
		if benchPath == "" {
			dir, err := os.MkdirTemp("", "switchboard-tui-bench-")
			if err != nil {
				benchErr = err
				return
			}
			benchPath = filepath.Join(dir, "bench.db")
		}
		st, err := store.Open(benchPath, store.Options{})
		if err != nil {
			benchErr = err
			return
		}
		defer st.Close()
		c, _ := st.Counts()
		have := c.Total()
		const batch = 10000
		words := []string{"refund", "outage", "love", "billing", "login", "slow", "great", "app", "support", "price"}
		for i := have; i < n; i += batch {
			ms := make([]domain.Mention, 0, batch)
			for j := i; j < min(n, i+batch); j++ {
				ms = append(ms, domain.Mention{
					Platform: domain.Platforms[j%5], NativeID: fmt.Sprint(j),
					Author:    domain.Author{Handle: fmt.Sprintf("@user%d", j%50000), Followers: int64(j % 100000)},
					Text:      fmt.Sprintf("acme %s %s mention number %d", words[j%10], words[(j/10)%10], j),
					CreatedAt: fixed.Add(-time.Duration(n-j) * 3 * time.Second),
					Sentiment: float64(j%21-10) / 10,
					State:     domain.OperatorState{Status: []domain.Status{"open", "open", "open", "done", "pending"}[j%5]},
				})
			}
			if _, err := st.Ingest(ms); err != nil {
				benchErr = err
				return
			}
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	st, err := store.Open(benchPath, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// drive runs commands synchronously until they produce no more messages
// this model handles (the subscription's wait is skipped).
func drive(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			drive(m, c)
		}
	case nil, storeUpdateMsg:
	default:
		if fmt.Sprintf("%T", msg) == "tea.backgroundColorMsg" {
			return
		}
		_, next := m.Update(msg)
		drive(m, next)
	}
}

func benchModel(b *testing.B, st *store.Store) *Model {
	m, err := New(Options{Store: st, Actor: "ana", Theme: "dark", Now: func() time.Time { return fixed }})
	if err != nil {
		b.Fatal(err)
	}
	// Init without the change-feed wait, which would block drive.
	for _, p := range m.panes {
		drive(m, p.Init())
	}
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
	_ = m.Render()
	return m
}

func reportMedian(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "ms-p99")
}

// BenchmarkMove is a key press that moves the cursor: Update, the page
// prefetch it may trigger, and View.
func BenchmarkMove(b *testing.B) {
	st := benchStore(b)
	m := benchModel(b, st)
	down := pane.KeyPress("j")
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		_, cmd := m.Update(down)
		drive(m, cmd)
		_ = m.Render()
		ds = append(ds, time.Since(t0))
	}
	reportMedian(b, ds)
}

// BenchmarkPageChange jumps between the newest and the oldest mention
// (g / G), each a fresh store query: Update, query, Update, View.
func BenchmarkPageChange(b *testing.B) {
	st := benchStore(b)
	m := benchModel(b, st)
	keys := []tea.KeyPressMsg{pane.KeyPress("G"), pane.KeyPress("g")}
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		_, cmd := m.Update(keys[i%2])
		drive(m, cmd)
		_ = m.Render()
		ds = append(ds, time.Since(t0))
	}
	reportMedian(b, ds)
}

// BenchmarkSearch is a word search in the newest-first view: the store's
// word index plus the first frame of results.
func BenchmarkSearch(b *testing.B) {
	st := benchStore(b)
	m := benchModel(b, st)
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		in := m.Inbox()
		in.Update(pane.KeyPress("/"))
		for _, r := range []string{"refund", "outage"}[i%2] {
			in.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
		_, cmd := m.Update(pane.KeyPress("enter"))
		drive(m, cmd)
		_ = m.Render()
		ds = append(ds, time.Since(t0))
		in.Update(pane.KeyPress("/"))
		in.Update(pane.KeyPress("ctrl+u"))
		_, cmd = m.Update(pane.KeyPress("enter"))
		drive(m, cmd)
	}
	reportMedian(b, ds)
}

// BenchmarkFirstFrame is start-up on an open store: New, the first page
// and the counters, the first View.
func BenchmarkFirstFrame(b *testing.B) {
	st := benchStore(b)
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		m := benchModel(b, st)
		ds = append(ds, time.Since(t0))
		if m.Inbox().Loaded() == 0 {
			b.Fatal("nothing loaded")
		}
	}
	reportMedian(b, ds)
}
