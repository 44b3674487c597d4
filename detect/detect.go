// Package detect spots crises in a stream of mentions: volume spikes and
// shifts in the share of negative mentions per tracked stream (the brand
// overall, each keyword, each tag, each platform), and authors who
// impersonate the brand's accounts.
//
// Detection is driven only by each mention's CreatedAt, never by the wall
// clock, so replaying imported history gives the same alerts as watching
// it arrive live (provided mentions arrive in roughly time order; a
// mention older than a stream's window plus baseline is ignored for
// volume). Each Observe costs constant time: per stream, a ring of
// per-minute buckets holds the window and the baseline with running sums,
// and a ring of hourly buckets holds a time-of-day profile, so nothing is
// ever rescanned.
//
// A Detector is safe for concurrent use.
package detect

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"switchboard/domain"
)

// Kind is what an alert is about.
type Kind string

const (
	// KindVolume: more mentions in the window than the baseline predicts.
	KindVolume Kind = "volume"
	// KindNegative: the share of negative mentions in the window rose
	// well above the baseline's share.
	KindNegative Kind = "negative"
	// KindImpersonation: an author imitates the brand's accounts.
	KindImpersonation Kind = "impersonation"
	// KindAccountPost: a post on one of the brand's own accounts that
	// switchboard did not send (the hijack watch; kept in the store,
	// not raised by the detector). Critical.
	KindAccountPost Kind = "account_post"
	// KindAccountProfile: the profile of a brand account changed.
	KindAccountProfile Kind = "account_profile"
)

// Stream names. A mention counts in StreamBrand, in its platform's stream,
// in the stream of every configured keyword its text contains, of every
// tag it carries, and, when a keyword stream found it, in that stream's
// (KeywordStreamOf): crisis detection runs on what is said about the
// brand as well as on what is said to it.
const (
	StreamBrand         = "brand"
	StreamImpersonation = "impersonation"
)

// KeywordStream, TagStream and PlatformStream name the tracked streams.
func KeywordStream(kw string) string { return "keyword:" + strings.ToLower(kw) }
func TagStream(tag string) string    { return "tag:" + tag }

// KeywordStreamOf names the detection stream of a keyword stream
// (config streams:): the volume about the brand that a stream found,
// not only what was addressed to it.
func KeywordStreamOf(name string) string      { return "stream:" + name }
func PlatformStream(p domain.Platform) string { return "platform:" + string(p) }
func authorStream(a domain.Author) string     { return "author:" + normHandle(a.Handle) }
func minuteTime(minute int64) time.Time       { return time.Unix(minute*60, 0).UTC() }
func minuteOf(t time.Time) int64              { return floorDiv(t.Unix(), 60) }
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// Config sets what is tracked and how sensitive detection is. Zero
// fields take the defaults noted.
type Config struct {
	// BrandName and Handles are the brand's name and its own accounts on
	// every platform ("@LillyPad", "lillypad.bsky.social"); they drive
	// impersonation alerts and are left out of alerts' top terms.
	BrandName string
	Handles   []string
	// Keywords each get a stream of the mentions whose text contains
	// them (case-insensitive substring).
	Keywords []string

	// Window is the recent span compared with the Baseline span before
	// it. Both are rounded to whole minutes. Defaults: 1h and 12h.
	Window   time.Duration
	Baseline time.Duration
	// Sensitivity is how many standard deviations (Poisson, for volume;
	// binomial, for the negative share) the window must exceed what the
	// baseline predicts. Lower is more sensitive. Default 5: real traffic
	// is burstier than Poisson, and every stream is tested every minute.
	Sensitivity float64
	// MinRatio is how many times the expected volume the window must
	// reach. Default 2.
	MinRatio float64
	// MinCount is the fewest mentions in the window that can raise an
	// alert. Default 10.
	MinCount int
	// NegativeShift is the least rise of the negative share (0..1) that
	// raises a negative alert. Default 0.25.
	NegativeShift float64
	// ProfileDays is how many days of history shape the time-of-day
	// profile that scales the baseline. Default 7.
	ProfileDays int
	// MaxStreams bounds how many streams (tags are open-ended) are
	// tracked; mentions for streams beyond it are not tracked per
	// stream. Default 512.
	MaxStreams int
}

func (c Config) withDefaults() Config {
	if c.Window < time.Minute {
		c.Window = time.Hour
	}
	if c.Baseline < time.Minute {
		c.Baseline = 12 * time.Hour
	}
	if c.Sensitivity <= 0 {
		c.Sensitivity = 5
	}
	if c.MinRatio <= 0 {
		c.MinRatio = 2
	}
	if c.MinCount <= 0 {
		c.MinCount = 10
	}
	if c.NegativeShift <= 0 {
		c.NegativeShift = 0.25
	}
	if c.ProfileDays <= 0 {
		c.ProfileDays = 7
	}
	if c.MaxStreams <= 0 {
		c.MaxStreams = 512
	}
	return c
}

// Count is one entry of a ranked list in an alert.
type Count struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// Alert is a detected anomaly. Strings taken from mentions (terms,
// authors, the reason of an impersonation alert) are untrusted platform
// text: pass them through safetext before they reach a terminal.
type Alert struct {
	// ID is deterministic: the same mentions give the same ids, live or
	// replayed.
	ID     string `json:"id"`
	Kind   Kind   `json:"kind"`
	Stream string `json:"stream"`
	// Start and End bound the window in which the alert held: Start is
	// the start of the window that first tripped, End the end of the
	// last minute it held in.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// RaisedAt is when the alert was raised: the minute of the mention
	// that raised it (for impersonation, that mention's CreatedAt).
	RaisedAt time.Time `json:"raised_at"`
	// Observed and Expected are, for volume, the mentions in the window
	// and the number the baseline predicts; for a negative shift, the
	// negative mentions in the window and the number the baseline share
	// predicts. Both are the figures at the peak while the alert held.
	Observed int     `json:"observed"`
	Expected float64 `json:"expected"`
	// NegativeShare is the share of negative mentions among those the
	// alert gathered; BaselineNegativeShare the baseline's when raised.
	NegativeShare         float64 `json:"negative_share"`
	BaselineNegativeShare float64 `json:"baseline_negative_share"`
	Mentions              int     `json:"mentions"` // gathered by the alert
	TopTerms              []Count `json:"top_terms,omitempty"`
	TopAuthors            []Count `json:"top_authors,omitempty"`
	Platforms             []Count `json:"platforms,omitempty"`
	// Samples are mention keys, earliest first (at most 20).
	Samples []string `json:"samples,omitempty"`
	// Suspect is the impersonating author (KindImpersonation only).
	Suspect *domain.Author `json:"suspect,omitempty"`
	// Reason is a one-line summary.
	Reason string `json:"reason"`
	// Severity is "critical" for the hijack watch's alerts ("" otherwise).
	Severity string `json:"severity,omitempty"`
	// Account is the hijack watch's alert (KindAccountPost and
	// KindAccountProfile only): the post's text, app and URL, or the
	// profile's changes, as the platform gave them.
	Account *domain.AccountAlert `json:"account,omitempty"`
	// Open reports whether the alert still held within the last Window
	// of mention time when this copy was taken.
	Open bool `json:"open"`
}

const (
	recentSize    = 64   // recent mentions kept per stream for alert details
	maxSamples    = 20   // mention keys kept per alert
	maxTexts      = 256  // texts kept per alert for top terms
	maxAuthors    = 2000 // distinct authors counted per alert
	topN          = 5
	impersonHold  = 24 * time.Hour // an impersonation alert stays open this long after the suspect's last mention
	imperCacheMax = 100000
	negPrior      = 0.2 // prior negative share for a thin baseline
	negPriorN     = 20  // its weight in mentions
)

// Detector raises alerts from mentions; see the package comment.
type Detector struct {
	mu    sync.Mutex
	cfg   Config
	win   int64 // window in minutes
	base  int64 // baseline in minutes
	hours int64 // hourly ring length
	delay int64 // hours before an hour joins the time-of-day profile

	streams map[string]*stream
	byPlat  map[domain.Platform]*stream
	byTag   map[string]*stream
	// byStream are the keyword streams' detection streams, by name.
	byStream map[string]*stream
	byKw     []*stream
	kwLower  []string // lower-cased keywords
	kwASCII  bool
	kwName   []string // stream names
	scratch  []byte

	imp      *impersonator
	impCache map[string]impVerdict // by raw handle
	impOpen  map[string]*alertState

	brand    *stream
	started  bool
	first    int64 // earliest minute observed
	now      int64 // latest minute observed (the watermark)
	alerts   []*alertState
	excluded map[string]bool // brand terms left out of top terms

	level      [24]float64 // cached profile
	levelHour  int64
	levelReady bool
	levelDays  float64 // days of history in the profile (at least)
}

type impVerdict struct {
	name    string
	suspect bool
	reason  string
}

type bucket struct{ n, neg int32 }

type recent struct {
	minute   int64
	nativeID string
	author   string
	platform domain.Platform
	text     string
	neg      bool
}

type stream struct {
	name string
	ring []bucket
	head int64 // newest minute in ring
	init bool

	winN, winNeg, baseN, baseNeg int64

	hourRing []int32
	hourHead int64
	hod      [24]int64 // counts by hour of day over the profile span

	expMinute int64 // minute the cached expectation is for
	expected  float64
	support   float64 // mentions the profile level of the window rests on

	recent [recentSize]recent
	rn     int // total recents written

	vol, neg *alertState // open alerts
}

// alertState is an alert being gathered.
type alertState struct {
	Alert
	lastHeld  int64 // minute the condition last held
	authors   map[string]int
	platforms map[domain.Platform]int
	negN      int
	texts     []string
	terms     []Count
	termsAt   int // len(texts) when terms were computed
}

// New returns a Detector for cfg.
func New(cfg Config) *Detector {
	cfg = cfg.withDefaults()
	d := &Detector{
		cfg:      cfg,
		win:      int64(cfg.Window / time.Minute),
		base:     int64(cfg.Baseline / time.Minute),
		delay:    (int64(cfg.Window/time.Minute)+59)/60 + 1,
		streams:  map[string]*stream{},
		byPlat:   map[domain.Platform]*stream{},
		byTag:    map[string]*stream{},
		byStream: map[string]*stream{},
		imp:      newImpersonator(cfg.Handles, cfg.BrandName),
		impCache: map[string]impVerdict{},
		impOpen:  map[string]*alertState{},
		excluded: map[string]bool{},
		kwASCII:  true,
	}
	d.hours = int64(24*cfg.ProfileDays) + d.delay
	for _, kw := range cfg.Keywords {
		kw = strings.TrimSpace(kw)
		if kw == "" {
			continue
		}
		d.kwLower = append(d.kwLower, strings.ToLower(kw))
		d.kwName = append(d.kwName, KeywordStream(kw))
		d.byKw = append(d.byKw, nil)
		for i := 0; i < len(kw); i++ {
			if kw[i] >= 0x80 {
				d.kwASCII = false
			}
		}
	}
	for _, w := range strings.Fields(strings.ToLower(cfg.BrandName)) {
		d.excluded[w] = true
	}
	for _, h := range cfg.Handles {
		n := normHandle(h)
		d.excluded[n] = true
		d.excluded[handleLocal(n)] = true
	}
	return d
}

// Observe feeds one mention (with its Sentiment already scored) and
// returns the alerts it raised, if any. It never retains m, only strings
// from it.
func (d *Detector) Observe(m *domain.Mention) []Alert {
	d.mu.Lock()
	defer d.mu.Unlock()
	var raised []Alert
	minute := minuteOf(m.CreatedAt)
	if !m.CreatedAt.IsZero() {
		if !d.started {
			d.started, d.first, d.now = true, minute, minute
		}
		d.first = min(d.first, minute)
		d.now = max(d.now, minute)
	}
	if a := d.impersonation(m); a != nil {
		raised = append(raised, a.snapshot(d.now, d))
	}
	if m.CreatedAt.IsZero() {
		return raised
	}

	r := recent{minute: minute, nativeID: m.NativeID, author: m.Author.Handle, platform: m.Platform,
		text: m.Text, neg: m.Sentiment <= -0.05}
	if d.brand == nil {
		d.brand = d.stream(StreamBrand)
	}
	raised = d.feed(d.brand, &r, raised)
	if m.Platform != "" {
		s, ok := d.byPlat[m.Platform]
		if !ok {
			s = d.stream(PlatformStream(m.Platform))
			d.byPlat[m.Platform] = s
		}
		raised = d.feed(s, &r, raised)
	}
	if len(d.kwLower) > 0 {
		text := d.fold(m.Text)
		for i, kw := range d.kwLower {
			if strings.Contains(text, kw) {
				if d.byKw[i] == nil {
					d.byKw[i] = d.stream(d.kwName[i])
				}
				raised = d.feed(d.byKw[i], &r, raised)
			}
		}
	}
	if m.Stream != "" {
		s, ok := d.byStream[m.Stream]
		if !ok {
			s = d.stream(KeywordStreamOf(m.Stream))
			if s != nil {
				d.byStream[m.Stream] = s
			}
		}
		raised = d.feed(s, &r, raised)
	}
	for _, tag := range m.State.Tags {
		s, ok := d.byTag[tag]
		if !ok {
			s = d.stream(TagStream(tag))
			if s != nil {
				d.byTag[tag] = s
			}
		}
		raised = d.feed(s, &r, raised)
	}
	return raised
}

// fold lower-cases text for keyword matching, in a reused buffer when the
// keywords are ASCII.
func (d *Detector) fold(text string) string {
	if !d.kwASCII {
		return strings.ToLower(text)
	}
	b := d.scratch[:0]
	for i := 0; i < len(text); i++ {
		c := text[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	d.scratch = b
	return unsafeString(b)
}

func (d *Detector) stream(name string) *stream {
	s := d.streams[name]
	if s == nil {
		if len(d.streams) >= d.cfg.MaxStreams {
			return nil
		}
		s = &stream{name: name, ring: make([]bucket, d.win+d.base), hourRing: make([]int32, d.hours)}
		d.streams[name] = s
	}
	return s
}

// feed adds one mention to a stream (nil: not tracked) and evaluates its
// alerts.
func (d *Detector) feed(s *stream, r *recent, raised []Alert) []Alert {
	if s == nil {
		return raised
	}
	inWindow := d.add(s, r.minute, r.neg)
	s.recent[s.rn%recentSize] = *r
	s.rn++
	if s.vol != nil {
		s.vol.gather(r)
	}
	if s.neg != nil {
		s.neg.gather(r)
	}
	if !inWindow {
		return raised
	}
	if a := d.evalVolume(s, r.minute); a != nil {
		raised = append(raised, a.snapshot(d.now, d))
	}
	if a := d.evalNegative(s, r.minute); a != nil {
		raised = append(raised, a.snapshot(d.now, d))
	}
	return raised
}

// add counts a mention at minute in s; it reports whether the minute
// falls in the stream's current window.
func (d *Detector) add(s *stream, minute int64, neg bool) bool {
	n := d.win + d.base
	if !s.init {
		s.init, s.head = true, minute
		s.hourHead = floorDiv(minute, 60)
	}
	if minute > s.head {
		d.advance(s, minute)
	}
	d.addHour(s, floorDiv(minute, 60))
	var ni int32
	if neg {
		ni = 1
	}
	switch {
	case minute > s.head-d.win:
		b := &s.ring[floorMod(minute, n)]
		b.n++
		b.neg += ni
		s.winN++
		s.winNeg += int64(ni)
		return true
	case minute > s.head-n:
		b := &s.ring[floorMod(minute, n)]
		b.n++
		b.neg += ni
		s.baseN++
		s.baseNeg += int64(ni)
	}
	return false
}

// advance moves the stream's head to minute, sliding buckets from the
// window into the baseline and out of it. Its cost is bounded by the
// ring length and amortised over the minutes that passed.
func (d *Detector) advance(s *stream, minute int64) {
	n := d.win + d.base
	if minute-s.head >= n {
		clear(s.ring)
		s.winN, s.winNeg, s.baseN, s.baseNeg = 0, 0, 0, 0
		s.head = minute
		return
	}
	for t := s.head + 1; t <= minute; t++ {
		old := &s.ring[floorMod(t, n)] // minute t-n leaves the baseline
		s.baseN -= int64(old.n)
		s.baseNeg -= int64(old.neg)
		*old = bucket{}
		mid := s.ring[floorMod(t-d.win, n)] // minute t-win moves to the baseline
		s.winN -= int64(mid.n)
		s.winNeg -= int64(mid.neg)
		s.baseN += int64(mid.n)
		s.baseNeg += int64(mid.neg)
	}
	s.head = minute
}

// addHour counts a mention in the hourly ring. Hours join the time-of-day
// profile once they have left the window (delay hours), so a spike does
// not raise its own expectation; hours older than ProfileDays leave it.
func (d *Detector) addHour(s *stream, hour int64) {
	h := d.hours
	if hour > s.hourHead {
		if hour-s.hourHead >= h {
			clear(s.hourRing)
			s.hod = [24]int64{}
		} else {
			for k := s.hourHead + 1; k <= hour; k++ {
				old := &s.hourRing[floorMod(k, h)] // hour k-h leaves the profile
				s.hod[floorMod(k-h, 24)] -= int64(*old)
				*old = 0
				s.hod[floorMod(k-d.delay, 24)] += int64(s.hourRing[floorMod(k-d.delay, h)]) // hour k-delay joins it
			}
		}
		s.hourHead = hour
	}
	switch {
	case hour > s.hourHead-d.delay:
		s.hourRing[floorMod(hour, h)]++
	case hour > s.hourHead-h:
		s.hourRing[floorMod(hour, h)]++
		s.hod[floorMod(hour, 24)]++
	}
}

// expectation is what the baseline predicts for the window ending at the
// stream's head, scaled by the time-of-day profile. ok is false while the
// detector is learning: until the baseline has a quarter of its span (at
// least an hour) observed, and, with time of day, until every hour of the
// day has been seen once outside the window. It is cached per head minute.
func (d *Detector) expectation(s *stream, seasonal bool) (float64, bool) {
	cover := min(d.base, s.head-d.win-d.first+1)
	if cover < max(60, d.base/4) {
		return 0, false
	}
	if !seasonal {
		return float64(s.baseN) * float64(d.win) / float64(cover), true
	}
	level, ok := d.profile()
	if !ok {
		return 0, false
	}
	if s.expMinute == s.head {
		return s.expected, true
	}
	var total float64
	for _, l := range level {
		total += l
	}
	smooth := 0.01*total/24 + 0.01 // only keeps an empty hour from zeroing the ratio
	winStart := s.head - d.win + 1
	ww := profileWeight(level, smooth, winStart, s.head+1)
	bw := profileWeight(level, smooth, winStart-cover, winStart)
	e := float64(s.baseN) * ww / bw
	// How many brand mentions the window's profile level rests on (the
	// smoothing over three hours weighs like about 2.7 times as many).
	s.support = ww / 60 * d.levelDays * 2.67
	s.expMinute, s.expected = s.head, e
	return e, true
}

// profile is the time-of-day profile: mean mentions per hour by hour of
// day (UTC) of the brand stream, which every dated mention feeds. Every
// stream scales its baseline by this one shape: a keyword's or a
// platform's own hourly counts are usually too thin to learn from. ok is
// false until every hour of the day has been seen once outside the
// window. The profile is recomputed once per hour.
func (d *Detector) profile() (*[24]float64, bool) {
	b := d.streams[StreamBrand]
	if b == nil {
		return nil, false
	}
	if d.levelReady && d.levelHour == b.hourHead {
		return &d.level, true
	}
	// The profile spans hours [lo, hi]: after the first hour observed,
	// within the ring, and out of the window.
	hi := b.hourHead - d.delay
	lo := max(floorDiv(d.first, 60), b.hourHead-d.hours+1)
	if hi-lo+1 < 24 {
		return nil, false
	}
	var raw [24]float64
	for h := range int64(24) {
		n := floorDiv(hi-h, 24) - floorDiv(lo-1-h, 24) // hours ≡ h in [lo, hi]
		raw[h] = float64(b.hod[h]) / float64(n)
	}
	// Smooth over neighbouring hours: a thin profile is noisy.
	for h := range 24 {
		d.level[h] = 0.25*raw[(h+23)%24] + 0.5*raw[h] + 0.25*raw[(h+1)%24]
	}
	d.levelDays = float64((hi - lo + 1) / 24)
	d.levelReady, d.levelHour = true, b.hourHead
	return &d.level, true
}

// profileWeight sums the profile's hourly level over minutes [from, to).
func profileWeight(level *[24]float64, smooth float64, from, to int64) float64 {
	var w float64
	for m := from; m < to; {
		hour := floorDiv(m, 60)
		end := min(to, (hour+1)*60)
		w += (level[floorMod(hour, 24)] + smooth) * float64(end-m)
		m = end
	}
	return w
}

func (d *Detector) evalVolume(s *stream, minute int64) *alertState {
	e, ok := d.expectation(s, true)
	if !ok {
		return nil
	}
	o := float64(s.winN)
	// The spread of the count plus that of the estimate: e is baseN
	// scaled by a profile ratio, so its relative variance is about
	// 1/baseN plus 1/support.
	z := (o - e) / math.Sqrt(e+e*e/float64(max(s.baseN, 1))+e*e/max(s.support, 1)+1)
	trip := s.winN >= int64(d.cfg.MinCount) && o >= d.cfg.MinRatio*e && z >= d.cfg.Sensitivity
	hold := z >= d.cfg.Sensitivity/2 && o >= e*(1+d.cfg.MinRatio)/2
	if a := s.vol; a != nil {
		if s.head-a.lastHeld >= d.win {
			s.vol = nil // lapsed: a full window without holding
		} else {
			if hold || trip {
				a.lastHeld = s.head
				if s.winN > int64(a.Observed) {
					a.Observed, a.Expected = int(s.winN), e
				}
			}
			return nil
		}
	}
	if !trip {
		return nil
	}
	a := d.open(s, KindVolume, int(s.winN), e)
	a.Reason = fmt.Sprintf("%d mentions in %s on %s, %.1f expected", s.winN, d.cfg.Window, s.name, e)
	s.vol = a
	return a
}

func (d *Detector) evalNegative(s *stream, minute int64) *alertState {
	if _, ok := d.expectation(s, false); !ok || s.winNeg < int64(d.cfg.MinCount) {
		if a := s.neg; a != nil && s.head-a.lastHeld >= d.win {
			s.neg = nil
		}
		return nil
	}
	p0 := (float64(s.baseNeg) + negPrior*negPriorN) / (float64(s.baseN) + negPriorN)
	p1 := float64(s.winNeg) / float64(s.winN)
	// Test against the baseline share's upper bound (two standard errors,
	// so a thin baseline counts for less) with continuity correction.
	pu := min(0.99, p0+2*math.Sqrt(p0*(1-p0)/(float64(s.baseN)+negPriorN)))
	z := (p1 - pu - 0.5/float64(s.winN)) / math.Sqrt(pu*(1-pu)/float64(s.winN))
	trip := p1-p0 >= d.cfg.NegativeShift && z >= d.cfg.Sensitivity
	hold := p1-p0 >= d.cfg.NegativeShift/2
	if a := s.neg; a != nil {
		if s.head-a.lastHeld >= d.win {
			s.neg = nil
		} else {
			if hold || trip {
				a.lastHeld = s.head
				if s.winNeg > int64(a.Observed) {
					a.Observed, a.Expected = int(s.winNeg), p0*float64(s.winN)
				}
			}
			return nil
		}
	}
	if !trip {
		return nil
	}
	a := d.open(s, KindNegative, int(s.winNeg), p0*float64(s.winN))
	a.BaselineNegativeShare = p0
	a.Reason = fmt.Sprintf("%.0f%% of %d mentions in %s on %s negative, %.0f%% before", 100*p1, s.winN, d.cfg.Window, s.name, 100*p0)
	s.neg = a
	return a
}

// open starts an alert on stream s at its head minute and seeds it with
// the stream's recent mentions in the window.
func (d *Detector) open(s *stream, kind Kind, observed int, expected float64) *alertState {
	start := s.head - d.win + 1
	a := &alertState{
		Alert: Alert{
			ID:       alertID(kind, s.name, s.head),
			Kind:     kind,
			Stream:   s.name,
			Start:    minuteTime(start),
			RaisedAt: minuteTime(s.head),
			Observed: observed,
			Expected: expected,
		},
		lastHeld:  s.head,
		authors:   map[string]int{},
		platforms: map[domain.Platform]int{},
	}
	if s.baseN > 0 {
		a.BaselineNegativeShare = float64(s.baseNeg) / float64(s.baseN)
	}
	n := min(s.rn, recentSize)
	for i := n; i >= 1; i-- { // oldest first
		r := &s.recent[(s.rn-i)%recentSize]
		if r.minute >= start {
			a.gather(r)
		}
	}
	d.alerts = append(d.alerts, a)
	return a
}

func (a *alertState) gather(r *recent) {
	a.Mentions++
	if r.neg {
		a.negN++
	}
	if len(a.authors) < maxAuthors || a.authors[r.author] > 0 {
		a.authors[r.author]++
	}
	a.platforms[r.platform]++
	if len(a.Samples) < maxSamples {
		a.Samples = append(a.Samples, domain.MentionKey(r.platform, r.nativeID))
	}
	if len(a.texts) < maxTexts && r.text != "" {
		a.texts = append(a.texts, r.text)
	}
}

// impersonation raises an alert the first time a suspect author is seen
// and gathers their later mentions into it.
func (d *Detector) impersonation(m *domain.Mention) *alertState {
	h := m.Author.Handle
	if h == "" || len(d.imp.refs) == 0 {
		return nil
	}
	v, ok := d.impCache[h]
	if !ok || v.name != m.Author.Name {
		if len(d.impCache) >= imperCacheMax {
			clear(d.impCache)
		}
		sus, why := d.imp.check(m.Author)
		v = impVerdict{name: m.Author.Name, suspect: sus, reason: why}
		d.impCache[h] = v
	}
	if !v.suspect {
		return nil
	}
	minute := minuteOf(m.CreatedAt)
	if m.CreatedAt.IsZero() {
		minute = d.now
	}
	r := recent{minute: minute, nativeID: m.NativeID, author: h, platform: m.Platform, text: m.Text, neg: m.Sentiment <= -0.05}
	id := authorStream(m.Author)
	if a := d.impOpen[id]; a != nil {
		a.gather(&r)
		a.lastHeld = max(a.lastHeld, minute)
		return nil
	}
	author := m.Author
	a := &alertState{
		Alert: Alert{
			ID:       alertID(KindImpersonation, id, 0),
			Kind:     KindImpersonation,
			Stream:   StreamImpersonation,
			Start:    minuteTime(minute),
			RaisedAt: m.CreatedAt.UTC(),
			Observed: 1,
			Suspect:  &author,
			Reason:   v.reason,
		},
		lastHeld:  minute,
		authors:   map[string]int{},
		platforms: map[domain.Platform]int{},
	}
	a.gather(&r)
	d.impOpen[id] = a
	d.alerts = append(d.alerts, a)
	return a
}

// alertID derives an id from what the alert is and where it started.
func alertID(kind Kind, stream string, minute int64) string {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(stream))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(minute))
	h.Write(b[:])
	return fmt.Sprintf("al-%016x", h.Sum64())
}

// open reports whether a is still open at watermark minute now.
func (d *Detector) isOpen(a *alertState, now int64) bool {
	hold := d.win
	if a.Kind == KindImpersonation {
		hold = int64(impersonHold / time.Minute)
	}
	return now-a.lastHeld < hold
}

func (a *alertState) snapshot(now int64, d *Detector) Alert {
	out := a.Alert
	out.End = minuteTime(a.lastHeld + 1)
	out.Open = d.isOpen(a, now)
	if a.Mentions > 0 {
		out.NegativeShare = float64(a.negN) / float64(a.Mentions)
	}
	out.Samples = slices.Clone(a.Samples)
	out.TopAuthors = topCounts(a.authors, topN)
	pl := make(map[string]int, len(a.platforms))
	for p, n := range a.platforms {
		pl[string(p)] = n
	}
	out.Platforms = topCounts(pl, len(pl))
	if a.termsAt != len(a.texts) || a.terms == nil {
		a.terms = topTerms(a.texts, d.excluded, topN)
		a.termsAt = len(a.texts)
	}
	out.TopTerms = slices.Clone(a.terms)
	if a.Suspect != nil {
		s := *a.Suspect
		out.Suspect = &s
	}
	return out
}

// Alerts returns the open alerts as of the latest mention time seen,
// earliest raised first.
func (d *Detector) Alerts() []Alert {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Alert
	for _, a := range d.alerts {
		if d.isOpen(a, d.now) {
			out = append(out, a.snapshot(d.now, d))
		}
	}
	sortAlerts(out)
	return out
}

// All returns every alert raised so far, open or not, earliest raised
// first.
func (d *Detector) All() []Alert {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Alert, 0, len(d.alerts))
	for _, a := range d.alerts {
		out = append(out, a.snapshot(d.now, d))
	}
	sortAlerts(out)
	return out
}

// Now is the detector's clock: the latest mention time seen, to the
// minute (zero before any mention).
func (d *Detector) Now() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.started {
		return time.Time{}
	}
	return minuteTime(d.now)
}

func sortAlerts(as []Alert) {
	slices.SortStableFunc(as, func(a, b Alert) int {
		if c := a.RaisedAt.Compare(b.RaisedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
