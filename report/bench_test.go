package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/query"
	"switchboard/store"
)

// BenchmarkReportByTeam reports over every mention of a store:
// SWITCHBOARD_BENCH_STORE names a store file to read (e.g. the store
// package's 1,000,000-mention fixture in the temp directory); without it a
// store of 20,000 mentions is built. The named file is never written: it
// is copied once into the temp directory (kept there across runs, like the
// store package's fixture), and the copy is opened once for writing, which
// builds its stats records if it has none.
func BenchmarkReportByTeam(b *testing.B) {
	path := os.Getenv("SWITCHBOARD_BENCH_STORE")
	if path != "" {
		path = benchCopy(b, path)
	} else {
		path = filepath.Join(b.TempDir(), "sb.db")
		st, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		teams := []string{"support", "billing", "social", ""}
		for from := 0; from < 20000; from += 5000 {
			var ms []domain.Mention
			for i := from; i < from+5000; i++ {
				m := domain.Mention{Platform: domain.PlatformX, NativeID: fmt.Sprint(i), Author: domain.Author{Handle: fmt.Sprintf("@u%d", i%500)},
					Text: "some text about the product", CreatedAt: base.Add(time.Duration(i) * time.Minute), Sentiment: float64(i%7-3) / 4,
					State: domain.OperatorState{Team: teams[i%4]}}
				if i%3 == 0 {
					m.State.RespondedAt = m.CreatedAt.Add(time.Duration(i%90) * time.Minute)
				}
				ms = append(ms, m)
			}
			if _, err := st.Ingest(ms); err != nil {
				b.Fatal(err)
			}
		}
		st.Close()
	}
	st, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.ResetTimer()
	var n int
	cpu := cpuTime()
	for range b.N {
		r, err := Build(st, Options{By: "team", Now: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		n = r.Total.Mentions
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(n), "mentions")
}

// cpuTime is the CPU time the process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per op since start: on a machine shared
// with other work it varies less than the wall time (it includes the GC's
// work on the other core).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

var (
	copyOnce sync.Once
	copyPath string
	copyErr  error
)

// benchCopy is a copy of the store at src with its stats records built.
func benchCopy(b *testing.B, src string) string {
	copyOnce.Do(func() {
		fi, err := os.Stat(src)
		if err != nil {
			copyErr = err
			return
		}
		copyPath = filepath.Join(os.TempDir(), fmt.Sprintf("switchboard-report-bench-%d-%s", fi.Size(), filepath.Base(src)))
		if _, err := os.Stat(copyPath); err == nil {
			return
		}
		tmp := copyPath + ".building"
		if copyErr = copyFile(src, tmp); copyErr != nil {
			return
		}
		st, err := store.Open(tmp, store.Options{})
		if err != nil {
			copyErr = err
			return
		}
		st.Close()
		copyErr = os.Rename(tmp, copyPath)
	})
	if copyErr != nil {
		b.Fatal(copyErr)
	}
	return copyPath
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// BenchmarkReportAnswered is BenchmarkReportByTeam over a store where
// every second mention was answered and every third closed (the store
// package's fixture has no response or resolution times, so the
// percentiles would sort nothing): a copy of the benchmark's copy,
// changed once through Apply and kept in the temp directory like it.
func BenchmarkReportAnswered(b *testing.B) {
	path := os.Getenv("SWITCHBOARD_BENCH_STORE")
	if path == "" {
		b.Skip("set SWITCHBOARD_BENCH_STORE (see BenchmarkReportByTeam)")
	}
	src := benchCopy(b, path)
	path = src + ".answered"
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".building"
		if err := copyFile(src, tmp); err != nil {
			b.Fatal(err)
		}
		st, err := store.Open(tmp, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		var answer, close []uint64
		i := 0
		if _, err := st.EachFigures(store.Filter{Oldest: true}, func(m *domain.Mention) bool {
			if i%2 == 0 && m.State.RespondedAt.IsZero() {
				answer = append(answer, m.ID)
			}
			if i%3 == 1 && m.State.Status != domain.StatusDone {
				close = append(close, m.ID)
			}
			i++
			return true
		}); err != nil {
			b.Fatal(err)
		}
		for _, w := range []struct {
			ids []uint64
			a   store.Action
		}{{answer, store.Action{Kind: domain.EventAnswered, Value: "answered"}}, {close, store.Action{Kind: domain.EventStatus, Value: "done"}}} {
			for from := 0; from < len(w.ids); from += 20000 {
				if _, err := st.Apply("bench", w.ids[from:min(from+20000, len(w.ids))], w.a); err != nil && err != store.ErrNoChange {
					b.Fatal(err)
				}
			}
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.ResetTimer()
	var r Report
	cpu := cpuTime()
	for range b.N {
		if r, err = Build(st, Options{By: "team", Now: time.Now()}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(r.Total.Mentions), "mentions")
	b.ReportMetric(float64(r.Total.Responded), "responded")
	b.ReportMetric(float64(len(r.Groups)), "groups")
}

// BenchmarkReportVariants reports over the same store as
// BenchmarkReportByTeam in other ways: by day, with a query the stats
// answer, with business hours, and with a word search (the full records).
func BenchmarkReportVariants(b *testing.B) {
	path := os.Getenv("SWITCHBOARD_BENCH_STORE")
	if path == "" {
		b.Skip("set SWITCHBOARD_BENCH_STORE (see BenchmarkReportByTeam)")
	}
	st, err := store.Open(benchCopy(b, path), store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	ic := config.Inbox{TeamClocks: map[string]config.TeamClock{
		"support": {Clock: config.Clock{Normal: time.Hour}, Hours: &config.Hours{Days: "mon-fri", From: "09:00", To: "17:00", Zone: "Europe/Amsterdam"}}},
		Hours: &config.Hours{Days: "mon-fri", From: "08:00", To: "18:00", Zone: "UTC"}}
	hours, err := ic.SLA()
	if err != nil {
		b.Fatal(err)
	}
	q := func(s string) store.Filter {
		p, err := query.Parse(s, query.Options{Now: now, Clock: hours})
		if err != nil {
			b.Fatal(err)
		}
		return p.Filter
	}
	for _, c := range []struct {
		name string
		o    Options
	}{
		{"by=day", Options{By: "day"}},
		{"by=tag/query=is:open", Options{By: "tag", Filter: q("is:open")}},
		{"by=team/business-hours", Options{By: "team", Clock: hours}},
		{"by=team/business-hours/query=is:overdue", Options{By: "team", Clock: hours, Filter: q("is:overdue")}},
		{"by=team/query=word", Options{By: "team", Filter: q("refund")}},
	} {
		b.Run(c.name, func(b *testing.B) {
			c.o.Now = now
			var n int
			cpu := cpuTime()
			for range b.N {
				r, err := Build(st, c.o)
				if err != nil {
					b.Fatal(err)
				}
				n = r.Total.Mentions
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(n), "mentions")
		})
	}
}
