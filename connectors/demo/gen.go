package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"switchboard/domain"
)

// author is one simulated person or outlet, with an identity per platform.
type author struct {
	first, last string
	dutch       bool
	user        string // base user name
	instance    string // mastodon instance
	id          string
	followers   int64
	verified    bool
}

func (a *author) on(p domain.Platform) domain.Author {
	out := domain.Author{ID: a.id, Name: a.first + " " + a.last, Followers: a.followers, Verified: a.verified}
	switch p {
	case domain.PlatformMastodon:
		out.Handle = "@" + a.user + "@" + a.instance
	case domain.PlatformBluesky:
		out.Handle = a.user + ".bsky.social"
		out.ID = "did:plc:" + a.id
	case domain.PlatformReddit:
		out.Handle = "u/" + a.user
		out.Name = ""
	case domain.PlatformNews:
		out.Handle = a.first
		out.Name = a.first
	default:
		out.Handle = "@" + a.user
	}
	return out
}

// gen produces mentions from one random stream. It is not safe for
// concurrent use.
type gen struct {
	r       *rand.Rand
	people  []*author
	outlets []*author
	seq     uint64
	seqBase uint64
	recent  map[domain.Platform][]domain.Mention // for threads
}

func newGen(seed int64, stream uint64) *gen {
	g := &gen{r: rand.New(rand.NewPCG(uint64(seed), 0x5eed0000+stream)), recent: map[domain.Platform][]domain.Mention{}}
	if stream != 0 {
		g.seqBase = 1 << 15 // live ids never collide with history ids
	}
	// The pool of people is the same for a seed whatever the stream, so the
	// live stream's regulars are the history's regulars.
	pr := rand.New(rand.NewPCG(uint64(seed), 0xa07405))
	for i := 0; i < 400; i++ {
		a := &author{}
		if pr.IntN(10) < 4 {
			a.dutch = true
			a.first, a.last = firstNL[pr.IntN(len(firstNL))], lastNL[pr.IntN(len(lastNL))]
		} else {
			a.first, a.last = firstEN[pr.IntN(len(firstEN))], lastEN[pr.IntN(len(lastEN))]
		}
		base := strings.ToLower(a.first)
		switch pr.IntN(4) {
		case 0:
			base += "_" + strings.ToLower(strings.ReplaceAll(a.last, " ", ""))
		case 1:
			base += strconv.Itoa(pr.IntN(99) + 1)
		case 2:
			base = strings.ToLower(a.first[:1] + strings.ReplaceAll(a.last, " ", ""))
		default:
			base += strings.ToLower(strings.ReplaceAll(a.last, " ", ""))[:2] + strconv.Itoa(1970+pr.IntN(40))
		}
		a.user = base
		a.instance = instances[pr.IntN(len(instances))]
		a.id = fmt.Sprintf("%d", 100000+pr.IntN(900000000))
		// Followers: log-normal, a long tail of influencers.
		a.followers = int64(math.Exp(pr.NormFloat64()*1.8 + 5))
		a.verified = a.followers > 20000 && pr.IntN(3) == 0
		g.people = append(g.people, a)
	}
	for _, o := range outlets {
		g.outlets = append(g.outlets, &author{first: o, id: strings.ToLower(strings.ReplaceAll(o, " ", "-")), followers: 50000 + int64(pr.IntN(900000)), verified: true, dutch: strings.Contains(o, "Nieuws") || strings.Contains(o, "Dagblad")})
	}
	return g
}

// rhythm is the relative volume at an hour of the Amsterdam day: quiet at
// night, a morning peak, a lunch dip and an evening peak.
func rhythm(t time.Time) float64 {
	h := t.In(time.FixedZone("CET", 3600)).Hour()
	v := []float64{0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.6, 0.9, 1.1, 1.15, 1.0,
		0.9, 0.95, 1.0, 1.0, 1.05, 1.1, 1.2, 1.35, 1.4, 1.2, 0.8, 0.45}[h]
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		v *= 0.75
	}
	return v
}

func (g *gen) poisson(lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= g.r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func (g *gen) pickPlatform() domain.Platform {
	n := g.r.IntN(100)
	switch {
	case n < 35:
		return domain.PlatformX
	case n < 55:
		return domain.PlatformMastodon
	case n < 75:
		return domain.PlatformBluesky
	case n < 90:
		return domain.PlatformReddit
	default:
		return domain.PlatformNews
	}
}

func (g *gen) person() *author { return g.people[g.r.IntN(len(g.people))] }

func pick(r *rand.Rand, ts []template) template { return ts[r.IntN(len(ts))] }

const base32sort = "234567abcdefghijklmnopqrstuvwxyz"

// nativeID makes a platform-shaped id that sorts by time.
func (g *gen) nativeID(p domain.Platform, at time.Time, kind domain.Kind) string {
	g.seq++
	s := g.seqBase + g.seq%(1<<15)
	switch p {
	case domain.PlatformX:
		return strconv.FormatUint(uint64(at.UnixMilli()-1288834974657)<<22|s, 10)
	case domain.PlatformMastodon:
		return strconv.FormatUint(uint64(at.UnixMilli())<<16|s, 10)
	case domain.PlatformBluesky:
		v := uint64(at.UnixMicro())<<10 | s&0x3ff | (s>>15)<<9
		var b [13]byte
		for i := 12; i >= 0; i-- {
			b[i] = base32sort[v&31]
			v >>= 5
		}
		return string(b[:])
	case domain.PlatformReddit:
		prefix := "t3_"
		if kind == domain.KindComment {
			prefix = "t1_"
		}
		return prefix + strconv.FormatUint(uint64(at.Unix()-1.6e9)<<16|s, 36)
	default:
		return strconv.FormatUint(uint64(at.Unix())<<16|s, 36)
	}
}

var subreddits = []string{"r/gadgets", "r/BuyItForLife", "r/thenetherlands", "r/CustomerService", "r/acme"}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
		if b.Len() > 60 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// finish fills ids, URL and author for a platform and remembers the
// mention as a possible thread parent.
func (g *gen) finish(m domain.Mention, a *author) domain.Mention {
	m.Author = a.on(m.Platform)
	m.NativeID = g.nativeID(m.Platform, m.CreatedAt, m.Kind)
	switch m.Platform {
	case domain.PlatformX:
		m.URL = "https://x.com/" + strings.TrimPrefix(m.Author.Handle, "@") + "/status/" + m.NativeID
	case domain.PlatformMastodon:
		m.URL = "https://" + a.instance + "/@" + a.user + "/" + m.NativeID
	case domain.PlatformBluesky:
		m.URL = "https://bsky.app/profile/" + m.Author.Handle + "/post/" + m.NativeID
		m.NativeID = "at://" + m.Author.ID + "/app.bsky.feed.post/" + m.NativeID
	case domain.PlatformReddit:
		m.URL = "https://www.reddit.com/" + subreddits[g.r.IntN(len(subreddits))] + "/comments/" + strings.TrimPrefix(strings.TrimPrefix(m.NativeID, "t3_"), "t1_") + "/"
	case domain.PlatformNews:
		m.URL = "https://news.example/" + m.CreatedAt.Format("2006/01/02") + "/" + slug(m.Text) + "-" + m.NativeID
		m.NativeID = m.URL
	}
	if m.Thread == "" {
		m.Thread = m.NativeID
	}
	if m.Platform != domain.PlatformNews {
		rs := append(g.recent[m.Platform], m)
		if len(rs) > 40 {
			rs = rs[len(rs)-40:]
		}
		g.recent[m.Platform] = rs
	}
	return m
}

// ordinary makes one everyday mention at time at.
func (g *gen) ordinary(at time.Time) domain.Mention {
	p := g.pickPlatform()
	m := domain.Mention{Platform: p, CreatedAt: at, Kind: domain.KindMention, Lang: "en"}
	if p == domain.PlatformNews {
		o := g.outlets[g.r.IntN(len(g.outlets))]
		t := pick(g.r, newsTemplates)
		m.Kind = domain.KindNews
		m.Text = fill(g.r, t.text, "Acme", o.dutch)
		m.Sentiment = t.sentiment
		if o.dutch || strings.Contains(t.text, "breidt") || strings.Contains(t.text, "Consumentenbond") {
			m.Lang = "nl"
		}
		return g.finish(m, o)
	}
	a := g.person()
	dutch := a.dutch && (p != domain.PlatformReddit || g.r.IntN(3) == 0)
	if dutch {
		m.Lang = "nl"
	}
	// A quarter of mentions answer someone recent on the same platform.
	if rs := g.recent[p]; len(rs) > 3 && g.r.IntN(4) == 0 {
		parent := rs[g.r.IntN(len(rs))]
		ts := replyTemplatesEN
		if dutch {
			ts = replyTemplatesNL
		}
		t := pick(g.r, ts)
		m.Text = fill(g.r, t.text, brandHandle(p), dutch)
		if p != domain.PlatformReddit {
			m.Text = parent.Author.Handle + " " + m.Text
			if p == domain.PlatformBluesky {
				m.Text = "@" + m.Text
			}
		}
		m.Sentiment = t.sentiment
		m.Kind = domain.KindReply
		if p == domain.PlatformReddit {
			m.Kind = domain.KindComment
		}
		m.InReplyTo = parent.NativeID
		if !m.CreatedAt.After(parent.CreatedAt) {
			m.CreatedAt = parent.CreatedAt.Add(time.Duration(1+g.r.IntN(50)) * time.Second)
		}
		m.Thread = parent.Thread
		return g.finish(m, a)
	}
	var t template
	if dutch {
		t = pick(g.r, nlTemplates)
	} else {
		switch n := g.r.IntN(100); {
		case n < 35:
			t = pick(g.r, enComplaints)
		case n < 55:
			t = pick(g.r, enPraise)
		case n < 80:
			t = pick(g.r, enQuestions)
		default:
			t = pick(g.r, enNeutral)
		}
	}
	m.Text = fill(g.r, t.text, brandHandle(p), dutch)
	m.Sentiment = clamp(t.sentiment + (g.r.Float64()-0.5)*0.2)
	if p == domain.PlatformReddit && g.r.IntN(2) == 0 {
		m.Kind = domain.KindComment
	}
	return g.finish(m, a)
}

func clamp(v float64) float64 { return math.Max(-1, math.Min(1, v)) }

// scripted makes one mention from a crisis template set.
func (g *gen) scripted(at time.Time, ts []template, news []template) domain.Mention {
	if len(news) > 0 && g.r.IntN(8) == 0 {
		o := g.outlets[g.r.IntN(len(g.outlets))]
		t := pick(g.r, news)
		m := domain.Mention{Platform: domain.PlatformNews, Kind: domain.KindNews, CreatedAt: at, Lang: "en", Sentiment: t.sentiment}
		m.Text = fill(g.r, t.text, "Acme", false)
		if strings.Contains(t.text, "Uitgelekt") {
			m.Lang = "nl"
		}
		return g.finish(m, o)
	}
	p := g.pickPlatform()
	if p == domain.PlatformNews {
		p = domain.PlatformX
	}
	a := g.person()
	t := pick(g.r, ts)
	m := domain.Mention{Platform: p, Kind: domain.KindMention, CreatedAt: at, Lang: "en", Sentiment: clamp(t.sentiment + (g.r.Float64()-0.5)*0.1)}
	m.Text = fill(g.r, t.text, brandHandle(p), false)
	if isDutch(t.text) {
		m.Lang = "nl"
	}
	return g.finish(m, a)
}

func isDutch(s string) bool {
	for _, w := range []string{" jullie ", " mijn ", " ligt ", "gelekt", " zegt ", "storing", "Pas op", " niet "} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// impostor is the fake support account of the impersonation scenario.
var impostor = &author{first: "Acme Support", last: "", user: "acme_support_official", id: "1499999999", followers: 1203}

func (g *gen) impostorPost(at time.Time, i int) domain.Mention {
	m := domain.Mention{Platform: domain.PlatformX, Kind: domain.KindMention, CreatedAt: at, Lang: "en", Sentiment: 0.6,
		Text: impostorPosts[i%len(impostorPosts)]}
	m = g.finish(m, impostor)
	m.Author.Name = impostorName
	return m
}

// History returns hours of simulated past mentions ending at now, oldest
// first: a few thousand across every platform, English and Dutch, with a
// daily rhythm, threads, a small past outage and a handful of hostile
// texts. The same seed, now and hours give the same mentions.
func History(seed int64, now time.Time, hours int) []domain.Mention {
	if hours <= 0 {
		return nil
	}
	g := newGen(seed, 0)
	now = now.Truncate(time.Second)
	start := now.Add(-time.Duration(hours) * time.Hour)
	minutes := hours * 60
	// A past outage, 40 minutes long, about two thirds of the way back.
	outageAt := minutes / 3
	hostileAt := map[int]int{}
	for i := range hostileTexts {
		hostileAt[(i+1)*minutes/(len(hostileTexts)+1)] = i + 1
	}
	var out []domain.Mention
	for i := 0; i < minutes; i++ {
		t := start.Add(time.Duration(i) * time.Minute)
		n := g.poisson(1.5 * rhythm(t))
		for k := 0; k < n; k++ {
			out = append(out, g.ordinary(t.Add(time.Duration(g.r.IntN(60))*time.Second)))
		}
		if i >= outageAt && i < outageAt+40 {
			for k, n := 0, g.poisson(3*math.Sin(math.Pi*float64(i-outageAt)/40)); k < n; k++ {
				out = append(out, g.scripted(t.Add(time.Duration(g.r.IntN(60))*time.Second), outagePosts, nil))
			}
		}
		if h := hostileAt[i]; h > 0 {
			m := domain.Mention{Platform: domain.PlatformX, Kind: domain.KindMention, CreatedAt: t.Add(30 * time.Second), Lang: "en", Text: hostileTexts[h-1], Sentiment: -0.1}
			if h%2 == 0 {
				m.Platform = domain.PlatformMastodon
				m.Text = strings.Replace(m.Text, "@acme", HandleMastodon, 1)
			}
			out = append(out, g.finish(m, g.person()))
		}
	}
	sortByTime(out)
	return out
}

func sortByTime(ms []domain.Mention) {
	// Insertion into near-sorted data: items are at most a minute apart
	// from their neighbours, so this is close to linear.
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].CreatedAt.Before(ms[j-1].CreatedAt); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}
