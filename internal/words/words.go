// Package words says counts and durations the way people read them: "1
// mention", "2 mentions", "1,204 mentions", "1 minute", "3 hours" — never
// "1 minutes" or "mention(s)".
package words

import (
	"fmt"
	"strings"
	"time"
)

// Plural is n and the noun one, in the plural unless n is 1: "1 mention",
// "2 mentions", "0 matches", "3 replies", "1,204 mentions". For a noun
// whose plural is not regular, use PluralOf.
func Plural(n int, one string) string { return PluralOf(n, one, Many(one)) }

// PluralOf is n and one or many: PluralOf(2, "person", "people").
func PluralOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Thousands(n) + " " + many
}

// Many is the regular plural of a noun, or of a phrase's last word
// ("open incident" → "open incidents", "match" → "matches", "reply" →
// "replies").
func Many(one string) string {
	switch {
	case one == "":
		return one
	case strings.HasSuffix(one, "s"), strings.HasSuffix(one, "x"), strings.HasSuffix(one, "z"),
		strings.HasSuffix(one, "ch"), strings.HasSuffix(one, "sh"):
		return one + "es"
	case strings.HasSuffix(one, "y") && len(one) > 1 && !strings.ContainsRune("aeiou", rune(one[len(one)-2])):
		return one[:len(one)-1] + "ies"
	}
	return one + "s"
}

// Thousands writes n with commas between thousands: 1,204.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Duration says d in the largest whole unit that fits it exactly, or
// else in the largest unit it reaches, rounded down: "1 minute", "30
// minutes", "2 hours", "1 day", "45 seconds". Negative durations read as
// their size.
func Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	const day = 24 * time.Hour
	switch {
	case d >= day && d%day == 0:
		return Plural(int(d/day), "day")
	case d >= time.Hour:
		return Plural(int(d/time.Hour), "hour")
	case d >= time.Minute:
		return Plural(int(d/time.Minute), "minute")
	}
	return Plural(int(d/time.Second), "second")
}

// Short says d compactly, rounded to the minute: "25m", "1h10m", "2d",
// "2d3h" (hours and minutes under a day, days and hours above).
func Short(d time.Duration) string {
	d = d.Round(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0 && h > 0:
		return fmt.Sprintf("%dd%dh", days, h)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dm", m)
}
