package detect

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"switchboard/domain"
)

// traffic generates a deterministic synthetic mention stream.
type traffic struct {
	rng   *rand.Rand
	seq   int
	start time.Time
}

func newTraffic(seed uint64, start time.Time) *traffic {
	return &traffic{rng: rand.New(rand.NewPCG(seed, 1)), start: start}
}

// poisson samples a Poisson count with mean lambda (Knuth; lambda small).
func (g *traffic) poisson(lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= g.rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// dailyRate is mentions per hour with a daily rhythm: quiet at night
// (about 6/h at 03:00 UTC), busy in the afternoon (about 90/h at 15:00).
func dailyRate(t time.Time) float64 {
	h := float64(t.Hour()) + float64(t.Minute())/60
	return 6 + 84*math.Pow((1+math.Cos(2*math.Pi*(h-15)/24))/2, 2)
}

var platforms = []domain.Platform{domain.PlatformX, domain.PlatformMastodon, domain.PlatformBluesky, domain.PlatformReddit}

var ordinaryTexts = []string{
	"@AcmeAir when does boarding open for the morning flight",
	"Flying @AcmeAir to Lisbon tomorrow, any tips for the lounge",
	"@AcmeAir my bag is delayed again, refund please",
	"Nice crew on the @AcmeAir flight today",
	"@AcmeAir wifi on board was slow but fine",
}

func (g *traffic) mention(at time.Time, text string, neg bool) *domain.Mention {
	g.seq++
	s := 0.3
	if neg {
		s = -0.6
	}
	return &domain.Mention{
		Platform:  platforms[g.seq%len(platforms)],
		NativeID:  fmt.Sprint(g.seq),
		Author:    domain.Author{Handle: fmt.Sprintf("@user%d", g.rng.IntN(5000))},
		Text:      text,
		CreatedAt: at,
		Sentiment: s,
	}
}

// steady emits the ordinary daily traffic for minutes [from, to) with the
// given negative share, calling emit for each mention in time order.
func (g *traffic) steady(from, to int, negShare float64, emit func(*domain.Mention)) {
	for i := from; i < to; i++ {
		at := g.start.Add(time.Duration(i) * time.Minute)
		n := g.poisson(dailyRate(at) / 60)
		for k := 0; k < n; k++ {
			ts := at.Add(time.Duration(g.rng.IntN(60)) * time.Second)
			emit(g.mention(ts, ordinaryTexts[g.rng.IntN(len(ordinaryTexts))], g.rng.Float64() < negShare))
		}
	}
}

func testConfig() Config {
	return Config{BrandName: "Acme Air", Handles: []string{"@AcmeAir"}, Keywords: []string{"refund", "insulin"}}
}

var t0 = time.Date(2019, 3, 4, 0, 0, 0, 0, time.UTC) // long past: no wall clock involved

func TestSteadySeasonalTrafficRaisesNoAlert(t *testing.T) {
	d := New(testConfig())
	g := newTraffic(1, t0)
	n := 0
	g.steady(0, 6*24*60, 0.2, func(m *domain.Mention) {
		n++
		for _, a := range d.Observe(m) {
			t.Errorf("false alert on steady traffic: %s %s %s at %s", a.Kind, a.Stream, a.Reason, a.RaisedAt)
		}
	})
	if n < 5000 {
		t.Fatalf("only %d mentions generated", n)
	}
	if got := d.All(); len(got) != 0 {
		t.Errorf("All() = %d alerts, want none", len(got))
	}
}

// TestSeasonalityMatters checks that the time-of-day profile is what keeps
// the morning ramp quiet: without history a plain baseline would alert.
func TestSeasonalityMatters(t *testing.T) {
	d := New(testConfig())
	g := newTraffic(2, t0)
	g.steady(0, 2*24*60+15*60, 0.2, func(m *domain.Mention) { d.Observe(m) })
	s := d.streams[StreamBrand]
	// At 15:00 on day 3 the last hour is the busiest of the day, the 12
	// hours before it include the night.
	e, ok := d.expectation(s, true)
	if !ok {
		t.Fatal("no expectation after three days")
	}
	flat := float64(s.baseN) * float64(d.win) / float64(d.base)
	if !(e > 1.4*flat) {
		t.Errorf("expected %.1f with profile vs %.1f flat: profile does not lift the busy hour", e, flat)
	}
	if math.Abs(e-float64(s.winN)) > 4*math.Sqrt(e+1) {
		t.Errorf("expectation %.1f far from observed %d", e, s.winN)
	}
}

func TestSpikeFoundInFirstWindow(t *testing.T) {
	for _, spikeAt := range []int{2*24*60 + 3*60, 3*24*60 + 15*60, 4*24*60 + 8*60 + 20} { // night, peak, morning ramp
		d := New(testConfig())
		g := newTraffic(uint64(spikeAt), t0)
		var raised []Alert
		emit := func(m *domain.Mention) { raised = append(raised, d.Observe(m)...) }
		g.steady(0, spikeAt, 0.2, emit)
		if len(raised) != 0 {
			t.Fatalf("alerts before the spike: %+v", raised[0])
		}
		// 120 extra mentions over 20 minutes about a fake insulin offer,
		// mixed into the ordinary traffic.
		spikeStart := t0.Add(time.Duration(spikeAt) * time.Minute)
		for i := 0; i < 20; i++ {
			g.steady(spikeAt+i, spikeAt+i+1, 0.2, emit)
			for k := 0; k < 6; k++ {
				at := spikeStart.Add(time.Duration(i)*time.Minute + time.Duration(k*10)*time.Second)
				m := g.mention(at, "Is it true @AcmeAir gives free insulin now??", true)
				m.Platform = domain.PlatformX
				emit(m)
			}
		}
		var brand, kw *Alert
		for i := range raised {
			a := &raised[i]
			if a.Kind == KindVolume && a.Stream == StreamBrand && brand == nil {
				brand = a
			}
			if a.Kind == KindVolume && a.Stream == KeywordStream("insulin") && kw == nil {
				kw = a
			}
		}
		if kw == nil {
			t.Fatalf("spike at %s: no keyword alert (raised %d)", spikeStart, len(raised))
		}
		if kw.RaisedAt.Before(spikeStart) || !kw.RaisedAt.Before(spikeStart.Add(time.Hour)) {
			t.Errorf("keyword alert at %s, spike began %s", kw.RaisedAt, spikeStart)
		}
		if kw.Observed < 10 || kw.Expected > 1 {
			t.Errorf("keyword alert observed %d expected %.2f", kw.Observed, kw.Expected)
		}
		if len(kw.TopTerms) == 0 || kw.TopTerms[0].Key != "insulin" && kw.TopTerms[0].Key != "free" && kw.TopTerms[0].Key != "true" {
			t.Errorf("keyword alert top terms %v", kw.TopTerms)
		}
		if len(kw.Samples) == 0 || len(kw.Platforms) != 1 || kw.Platforms[0].Key != "x" {
			t.Errorf("keyword alert samples %v platforms %v", kw.Samples, kw.Platforms)
		}
		if kw.NegativeShare != 1 {
			t.Errorf("keyword alert negative share %.2f, want 1", kw.NegativeShare)
		}
		if brand == nil {
			t.Fatalf("spike at %s: no brand volume alert", spikeStart)
		}
		if brand.RaisedAt.Before(spikeStart) || !brand.RaisedAt.Before(spikeStart.Add(time.Hour)) {
			t.Errorf("brand alert at %s, spike began %s", brand.RaisedAt, spikeStart)
		}
		if brand.Observed <= int(brand.Expected) {
			t.Errorf("brand alert observed %d <= expected %.1f", brand.Observed, brand.Expected)
		}
		found := false
		for _, c := range brand.TopTerms {
			found = found || c.Key == "insulin"
		}
		if !found {
			t.Errorf("brand alert top terms %v lack the spike's term", brand.TopTerms)
		}
		for _, c := range brand.TopTerms {
			if c.Key == "acmeair" || c.Key == "acme" {
				t.Errorf("brand term %q in top terms", c.Key)
			}
		}
		if open := d.Alerts(); len(open) == 0 {
			t.Error("no open alerts right after the spike")
		}
		// Two quiet-ish hours later the alerts have closed.
		g.steady(spikeAt+20, spikeAt+200, 0.2, emit)
		for _, a := range d.Alerts() {
			if a.Kind == KindVolume {
				t.Errorf("volume alert %s on %s still open long after the spike", a.ID, a.Stream)
			}
		}
	}
}

func TestNegativeShareShift(t *testing.T) {
	d := New(testConfig())
	g := newTraffic(7, t0)
	var raised []Alert
	emit := func(m *domain.Mention) { raised = append(raised, d.Observe(m)...) }
	shiftAt := 2*24*60 + 13*60
	g.steady(0, shiftAt, 0.15, emit)
	if len(raised) != 0 {
		t.Fatalf("alerts before the shift: %+v", raised[0])
	}
	g.steady(shiftAt, shiftAt+90, 0.75, emit) // same volume, mostly negative
	var neg *Alert
	for i := range raised {
		if raised[i].Kind == KindVolume {
			t.Errorf("volume alert on a sentiment shift: %s", raised[i].Reason)
		}
		if raised[i].Kind == KindNegative && raised[i].Stream == StreamBrand && neg == nil {
			neg = &raised[i]
		}
	}
	if neg == nil {
		t.Fatal("no negative-share alert")
	}
	shift := t0.Add(time.Duration(shiftAt) * time.Minute)
	if neg.RaisedAt.Before(shift) || !neg.RaisedAt.Before(shift.Add(time.Hour)) {
		t.Errorf("negative alert at %s, shift began %s", neg.RaisedAt, shift)
	}
	if neg.BaselineNegativeShare > 0.25 || neg.NegativeShare < neg.BaselineNegativeShare+0.2 {
		t.Errorf("shares: baseline %.2f, alert %.2f", neg.BaselineNegativeShare, neg.NegativeShare)
	}
}

func TestImpersonationAlert(t *testing.T) {
	d := New(Config{BrandName: "Eli Lilly", Handles: []string{"@LillyPad"}})
	at := t0
	post := func(handle, name, text string) []Alert {
		at = at.Add(time.Minute)
		return d.Observe(&domain.Mention{Platform: domain.PlatformX, NativeID: at.Format("150405"),
			Author: domain.Author{Handle: handle, Name: name, Verified: true}, Text: text, CreatedAt: at})
	}
	if a := post("@LillyPad", "Lilly", "Our statement on insulin pricing"); len(a) != 0 {
		t.Fatalf("brand's own post raised %v", a)
	}
	if a := post("@someone", "Some One", "@LillyPad thanks"); len(a) != 0 {
		t.Fatalf("ordinary user raised %v", a)
	}
	a := post("@EliLillyCo", "Eli Lilly and Company", "We are excited to announce insulin is free now.")
	if len(a) != 1 || a[0].Kind != KindImpersonation || a[0].Suspect == nil || a[0].Suspect.Handle != "@EliLillyCo" {
		t.Fatalf("impersonator raised %+v", a)
	}
	if !strings.Contains(a[0].Reason, "Eli Lilly") {
		t.Errorf("reason %q", a[0].Reason)
	}
	id := a[0].ID
	if again := post("@EliLillyCo", "Eli Lilly and Company", "Apologies for the confusion"); len(again) != 0 {
		t.Fatalf("second post by the same impersonator raised %v", again)
	}
	open := d.Alerts()
	if len(open) != 1 || open[0].ID != id || open[0].Mentions != 2 || len(open[0].Samples) != 2 {
		t.Fatalf("open alerts %+v", open)
	}
	// A day later with other traffic flowing, it has closed but is kept.
	at = at.Add(25 * time.Hour)
	post("@someone", "Some One", "hello")
	if len(d.Alerts()) != 0 || len(d.All()) != 1 {
		t.Errorf("after a day: open %d, all %d", len(d.Alerts()), len(d.All()))
	}
}

func TestReplayIsDeterministic(t *testing.T) {
	run := func() []Alert {
		d := New(testConfig())
		g := newTraffic(11, t0)
		emit := func(m *domain.Mention) { d.Observe(m) }
		g.steady(0, 2*24*60, 0.2, emit)
		for i := 0; i < 30; i++ {
			emit(g.mention(t0.Add(2*24*time.Hour+time.Duration(i)*time.Minute), "refund refund where is my refund", true))
		}
		g.steady(2*24*60+30, 2*24*60+60, 0.2, emit)
		return d.All()
	}
	a, b := run(), run()
	if len(a) == 0 {
		t.Fatal("no alerts to compare")
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two replays differ:\n%+v\n%+v", a, b)
	}
	seen := map[string]bool{}
	for _, x := range a {
		if seen[x.ID] {
			t.Errorf("duplicate id %s", x.ID)
		}
		seen[x.ID] = true
	}
}

func TestWarmUpAndLateMentions(t *testing.T) {
	d := New(Config{MinCount: 5})
	// A burst in the first minutes of history cannot be judged: no baseline.
	for i := 0; i < 50; i++ {
		if a := d.Observe(&domain.Mention{Platform: domain.PlatformX, NativeID: fmt.Sprint(i), CreatedAt: t0.Add(time.Duration(i) * time.Second)}); len(a) != 0 {
			t.Fatalf("alert during warm-up: %+v", a)
		}
	}
	// Mentions without a time and very late ones are ignored for volume.
	d.Observe(&domain.Mention{Platform: domain.PlatformX, NativeID: "z"})
	d.Observe(&domain.Mention{Platform: domain.PlatformX, NativeID: "old", CreatedAt: t0.Add(-48 * time.Hour)})
	s := d.streams[StreamBrand]
	if s.winN+s.baseN != 50 {
		t.Errorf("counted %d, want 50", s.winN+s.baseN)
	}
}

func TestRingSlidesWindowIntoBaseline(t *testing.T) {
	d := New(Config{Window: 10 * time.Minute, Baseline: 30 * time.Minute})
	obs := func(min int) {
		d.Observe(&domain.Mention{Platform: domain.PlatformX, NativeID: fmt.Sprint(min), CreatedAt: t0.Add(time.Duration(min) * time.Minute)})
	}
	for m := 0; m < 40; m++ {
		obs(m)
	}
	s := d.streams[StreamBrand]
	if s.winN != 10 || s.baseN != 30 {
		t.Fatalf("window %d baseline %d, want 10 and 30", s.winN, s.baseN)
	}
	obs(45) // minutes 36..45 in the window: 36..39 and 45
	if s.winN != 5 || s.baseN != 30 {
		t.Fatalf("after a gap: window %d baseline %d, want 5 and 30 (minutes 6..35)", s.winN, s.baseN)
	}
	obs(44) // late, still in the window
	if s.winN != 6 {
		t.Fatalf("late mention: window %d, want 6", s.winN)
	}
	obs(500) // a gap longer than the ring clears it
	if s.winN != 1 || s.baseN != 0 {
		t.Fatalf("after a long gap: window %d baseline %d", s.winN, s.baseN)
	}
}

// Crisis detection runs on keyword streams: a burst of stream items
// (posts about the brand that nobody addressed to it) raises a volume
// alert on the stream's own detection stream.
func TestStreamItemsRaiseTheirOwnAlert(t *testing.T) {
	d := New(testConfig())
	g := newTraffic(7, t0)
	var raised []Alert
	emit := func(m *domain.Mention) { raised = append(raised, d.Observe(m)...) }
	spikeAt := 3*24*60 + 15*60
	g.steady(0, spikeAt, 0.2, func(m *domain.Mention) {
		emit(m)
		if m.NativeID[len(m.NativeID)-1] == '0' { // a steady trickle found by the stream
			s := *m
			s.NativeID, s.Stream, s.Text = "s"+m.NativeID, "rivals", "globex lounge was fine"
			emit(&s)
		}
	})
	for _, a := range raised {
		if a.Stream == KeywordStreamOf("rivals") {
			t.Fatalf("alert before the burst: %+v", a)
		}
	}
	spikeStart := t0.Add(time.Duration(spikeAt) * time.Minute)
	for i := 0; i < 30; i++ {
		g.steady(spikeAt+i, spikeAt+i+1, 0.2, emit)
		for k := 0; k < 4; k++ {
			m := g.mention(spikeStart.Add(time.Duration(i)*time.Minute+time.Duration(k*15)*time.Second), "globex lounge closed, everyone stuck", true)
			m.Stream = "rivals"
			emit(m)
		}
	}
	for _, a := range raised {
		if a.Kind == KindVolume && a.Stream == KeywordStreamOf("rivals") {
			if a.RaisedAt.Before(spikeStart) {
				t.Fatalf("raised at %s, before the burst", a.RaisedAt)
			}
			return
		}
	}
	t.Fatalf("no volume alert on the stream (raised %d alerts)", len(raised))
}
