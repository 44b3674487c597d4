package policy

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"switchboard/domain"
)

// draft280 is a realistic 280-character reply with a link, a mention,
// Dutch and accents, and no findings to short-circuit on.
var draft280 = func() string {
	s := "@klant Bedankt voor je bericht! We kijken er meteen naar. Zie https://status.example.com/incidents voor updates; " +
		"onze excuses voor het ongemak. Café open tot 22:00 — tot snel. Thanks for your patience, we'll keep you posted on the fix today. ^JD"
	for len([]rune(s)) < 280 {
		s += " ok"
	}
	return string([]rune(s)[:280])
}()

func BenchmarkCheckDefault280(b *testing.B) {
	p := Default()
	ctx := Context{Platform: domain.PlatformX, Reply: true}
	b.SetBytes(int64(len(draft280)))
	b.ReportAllocs()
	for b.Loop() {
		p.Check(draft280, ctx)
	}
}

var (
	bigOnce sync.Once
	bigPack *Pack
)

func termPack(b *testing.B) *Pack {
	bigOnce.Do(func() {
		var sb strings.Builder
		sb.WriteString(head + "rules:\n  - id: big\n    kind: deny\n    message: m\n    cite: c\n    terms:\n")
		for i := 0; i < 10000; i++ {
			fmt.Fprintf(&sb, "      - \"verboden%dwoord\"\n", i)
		}
		p, errs := Parse([]byte(sb.String()), "big.yaml")
		if p == nil {
			b.Fatal(errs)
		}
		bigPack = p
	})
	return bigPack
}

func BenchmarkCheck10kTerms280(b *testing.B) {
	p := termPack(b)
	ctx := Context{Platform: domain.PlatformX}
	text := draft280[:200] + " verboden9999woord"
	b.ReportAllocs()
	for b.Loop() {
		if len(p.Check(text, ctx)) != 1 {
			b.Fatal("term not found")
		}
	}
}

func BenchmarkCompileDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if p, errs := Parse(defaultYAML, "default.yaml"); p == nil {
			b.Fatal(errs)
		}
	}
}

// BenchmarkCompileDefaultSpec is Default's compile: the built-in pack from
// defaultSpec, no YAML.
func BenchmarkCompileDefaultSpec(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if p, errs := compileSpec(nil, defaultSpec(), &linter{file: "default.yaml"}); p == nil {
			b.Fatal(errs)
		}
	}
}

// BenchmarkScanDefault280 is the term automaton's scan of the folded draft
// alone: "offsets" as it runs (row offsets, the final mark in the low
// bit), "states" with the same table holding state numbers, the layout
// it replaced.
func BenchmarkScanDefault280(b *testing.B) {
	a := Default().ac
	if !a.offsets {
		b.Skip("the default pack's table does not hold row offsets")
	}
	var f folded
	f.fold(draft280)
	states := *a
	states.delta16 = make([]uint16, len(a.delta16))
	for i, v := range a.delta16 {
		states.delta16[i] = (v &^ 1) / uint16(a.nclass)
	}
	states.offsets = false
	hits := 0
	for _, c := range []struct {
		name string
		a    *automaton
	}{{"offsets", a}, {"states", &states}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.a.scan(f.b, func(int32, int) { hits++ })
			}
		})
	}
}
