package sla

import (
	"math/rand/v2"
	"testing"
	"time"

	"switchboard/domain"
)

func ams(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Skip("no tz data: ", err)
	}
	return loc
}

func TestBusinessHours(t *testing.T) {
	loc := ams(t)
	h, err := ParseHours("mon-fri", "09:00", "17:00", "Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, hh, mm int) time.Time { return time.Date(2026, 12, d, hh, mm, 0, 0, loc) } // 4 Dec 2026 is a Friday
	tests := []struct {
		a, b time.Time
		want time.Duration
	}{
		{at(4, 10, 0), at(4, 11, 30), 90 * time.Minute},        // inside one day
		{at(4, 16, 0), at(7, 10, 0), 2 * time.Hour},            // Friday 16:00 to Monday 10:00: the weekend stops it
		{at(4, 18, 0), at(4, 23, 0), 0},                        // after hours
		{at(5, 10, 0), at(6, 20, 0), 0},                        // a weekend
		{at(3, 8, 0), at(4, 12, 0), 8*time.Hour + 3*time.Hour}, // Thursday before opening to Friday noon
		{at(4, 12, 0), at(4, 11, 0), 0},                        // backwards
		{at(4, 9, 0), at(11, 9, 0), 5 * 8 * time.Hour},         // a week
	}
	for _, tc := range tests {
		if got := h.Elapsed(tc.a, tc.b); got != tc.want {
			t.Errorf("Elapsed(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	// Add is Elapsed's inverse
	if got := h.Add(at(4, 16, 0), 2*time.Hour); !got.Equal(at(7, 10, 0)) {
		t.Errorf("Add(Fri 16:00, 2h) = %v, want Mon 10:00", got)
	}
	if got := h.Add(at(5, 12, 0), 30*time.Minute); !got.Equal(at(7, 9, 30)) {
		t.Errorf("Add(Sat, 30m) = %v", got)
	}
	if !h.IsOpen(at(4, 9, 0)) || h.IsOpen(at(4, 17, 0)) || h.IsOpen(at(5, 12, 0)) {
		t.Error("IsOpen at the edges")
	}
	var always *Hours
	if always.Elapsed(at(4, 16, 0), at(7, 10, 0)) != 66*time.Hour || !always.IsOpen(at(5, 3, 0)) {
		t.Error("nil hours are not always open")
	}
	for _, bad := range [][4]string{{"mon-fri", "17:00", "09:00", ""}, {"monday", "09:00", "17:00", ""}, {"mon", "9am", "17:00", ""}, {"mon", "09:00", "17:00", "Mars/Base"}} {
		if _, err := ParseHours(bad[0], bad[1], bad[2], bad[3]); err == nil {
			t.Errorf("ParseHours%v accepted", bad)
		}
	}
	if h, _ := ParseHours("fri-mon", "00:00", "24:00", ""); !h.Days[5] || !h.Days[0] || !h.Days[1] || h.Days[3] {
		t.Errorf("a range over the weekend: %v", h.Days)
	}
}

func TestTeamClocks(t *testing.T) {
	loc := ams(t)
	h, _ := ParseHours("mon-fri", "09:00", "17:00", "Europe/Amsterdam")
	p := &Policy{
		Default: Clock{Targets: map[domain.Priority]time.Duration{domain.PriorityNormal: time.Hour}},
		Teams:   map[string]Clock{"support": {Team: "support", Targets: map[domain.Priority]time.Duration{domain.PriorityNormal: 2 * time.Hour}, Hours: h}},
	}
	fri4pm := time.Date(2026, 12, 4, 16, 0, 0, 0, loc)
	m := &domain.Mention{CreatedAt: fri4pm}
	sat := fri4pm.Add(20 * time.Hour)
	if !p.Overdue(m, sat) {
		t.Error("a default-clock mention 20h old is not overdue")
	}
	m.State.Team = "support"
	if p.Overdue(m, sat) {
		t.Error("support's clock ran over the weekend")
	}
	if due := p.For("support").Due(m); !due.Equal(time.Date(2026, 12, 7, 10, 0, 0, 0, loc)) {
		t.Errorf("support due %v, want Monday 10:00", due)
	}
	m.State.FYI = true
	if Running(m, sat) || p.Overdue(m, sat.Add(72*time.Hour)) {
		t.Error("an FYI mention has a clock")
	}
	if s := p.Shortest(); s != 15*time.Minute {
		t.Errorf("shortest target %v (urgent default is 15m)", s)
	}
}

// TestAtLeastAgreesWithElapsed: AtLeast(a, b, d) is Elapsed(a, b) >= d,
// across weekends, the DST changes and hours that run to midnight.
func TestAtLeastAgreesWithElapsed(t *testing.T) {
	loc := ams(t)
	var hs []*Hours
	for _, spec := range [][4]string{{"mon-fri", "09:00", "17:00", "Europe/Amsterdam"}, {"daily", "00:00", "24:00", "Europe/Amsterdam"},
		{"sat", "10:00", "11:00", "America/New_York"}, {"mon,wed", "08:30", "18:00", "UTC"}} {
		h, err := ParseHours(spec[0], spec[1], spec[2], spec[3])
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	hs = append(hs, nil)
	base := time.Date(2026, 3, 20, 0, 0, 0, 0, loc) // a week before the clocks go forward
	rng := rand.New(rand.NewPCG(1, 2))
	yes := 0
	for i := range 20000 {
		h := hs[i%len(hs)]
		a := base.Add(time.Duration(rng.Int64N(int64(250 * 24 * time.Hour)))) // past October's change too
		b := a.Add(time.Duration(rng.Int64N(int64(40*24*time.Hour))) - 2*time.Hour)
		d := []time.Duration{0, time.Minute, 15 * time.Minute, time.Hour, 4 * time.Hour, 24 * time.Hour, 100 * time.Hour}[rng.IntN(7)] +
			time.Duration(rng.IntN(2))*time.Duration(rng.Int64N(int64(time.Hour)))
		want := h.Elapsed(a, b) >= d
		if got := h.AtLeast(a, b, d); got != want {
			t.Fatalf("hours %+v: AtLeast(%v, %v, %v) = %v, Elapsed %v", h, a, b, d, got, h.Elapsed(a, b))
		}
		if want {
			yes++
		}
	}
	if yes < 2000 || yes > 18000 {
		t.Fatalf("%d of 20000 were at least: the cases are lopsided", yes)
	}
}

// TestCalendarAgreesWithHours: a Calendar gives what its Hours give,
// inside its span (across the DST changes, hours to midnight) and outside.
func TestCalendarAgreesWithHours(t *testing.T) {
	loc := ams(t)
	base := time.Date(2026, 3, 20, 0, 0, 0, 0, loc)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, spec := range [][4]string{{"mon-fri", "09:00", "17:00", "Europe/Amsterdam"}, {"daily", "00:00", "24:00", "Europe/Amsterdam"},
		{"sat", "10:00", "11:00", "America/New_York"}, {"daily", "00:00", "01:00", "Europe/Amsterdam"}, {"mon,wed", "08:30", "18:00", "UTC"}} {
		h, err := ParseHours(spec[0], spec[1], spec[2], spec[3])
		if err != nil {
			t.Fatal(err)
		}
		cal := h.Calendar(base, base.Add(230*24*time.Hour))
		inside := 0
		for range 5000 {
			a := base.Add(time.Duration(rng.Int64N(int64(260*24*time.Hour))) - 10*24*time.Hour) // some before the span, some after
			b := a.Add(time.Duration(rng.Int64N(int64(30*24*time.Hour))) - 2*time.Hour)
			d := []time.Duration{0, time.Minute, time.Hour, 4 * time.Hour, 24 * time.Hour, 100 * time.Hour}[rng.IntN(6)] + time.Duration(rng.Int64N(int64(time.Hour)))
			if got, want := cal.Elapsed(a, b), h.Elapsed(a, b); got != want {
				t.Fatalf("%v: Calendar.Elapsed(%v, %v) = %v, Hours %v", spec, a, b, got, want)
			}
			if got, want := cal.AtLeast(a, b, d), h.AtLeast(a, b, d); got != want {
				t.Fatalf("%v: Calendar.AtLeast(%v, %v, %v) = %v, Hours %v", spec, a, b, d, got, want)
			}
			if cal.covers(a, b) {
				inside++
			}
		}
		if inside < 2500 {
			t.Fatalf("%v: only %d cases inside the calendar", spec, inside)
		}
		// every 7 minutes around both changes of the clocks
		for _, change := range []time.Time{time.Date(2026, 3, 29, 2, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC)} {
			for a := change.Add(-36 * time.Hour); a.Before(change.Add(36 * time.Hour)); a = a.Add(7 * time.Minute) {
				for _, b := range []time.Time{a.Add(time.Hour), a.Add(13 * time.Hour), a.Add(50 * time.Hour)} {
					if got, want := cal.Elapsed(a, b), h.Elapsed(a, b); got != want {
						t.Fatalf("%v: Calendar.Elapsed(%v, %v) = %v, Hours %v", spec, a, b, got, want)
					}
				}
			}
		}
	}
	var none *Calendar // no hours: wall time
	if (*Hours)(nil).Calendar(base, base) != nil || none.Elapsed(base, base.Add(time.Hour)) != time.Hour || !none.AtLeast(base, base.Add(time.Hour), time.Hour) {
		t.Fatal("a nil calendar is not wall time")
	}
	// a zero from and a far to are clamped, not overflowed
	h, _ := ParseHours("daily", "09:00", "17:00", "UTC")
	far := h.Calendar(time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	a := time.Date(1975, 1, 1, 10, 0, 0, 0, time.UTC)
	if got := far.Elapsed(a, a.Add(25*time.Hour)); got != h.Elapsed(a, a.Add(25*time.Hour)) {
		t.Fatalf("clamped calendar: %v", got)
	}
}
