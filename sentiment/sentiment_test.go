package sentiment

import (
	"math"
	"testing"
	"unicode/utf8"

	"switchboard/domain"
)

func TestBands(t *testing.T) {
	cases := []struct {
		text, lang string
		want       domain.Band
	}{
		{"@AcmeAir worst airline ever, lost my bag AGAIN and still no refund", "en", domain.BandNegative},
		{"Thanks @AcmeAir, the crew was lovely and we landed early :)", "en", domain.BandPositive},
		{"Is the app down for anyone else? Can't log in since this morning", "en", domain.BandNegative},
		{"The app doesn't work after the update", "en", domain.BandNegative},
		{"not bad at all", "en", domain.BandPositive},
		{"The delivery was not good", "en", domain.BandNegative},
		{"no problem, happy to help", "en", domain.BandPositive},
		{"Flight AC123 departs at 10:40 from gate B12", "en", domain.BandNeutral},
		{"This is a scam, they stole my money", "en", domain.BandNegative},
		{"The support team was great but the refund took six weeks and nobody answered", "en", domain.BandNegative},
		{"😡😡😡", "", domain.BandNegative},
		{"🙏❤️", "fr", domain.BandPositive},
		{"Service impeccable, merci", "fr", domain.BandNeutral}, // neutral fallback: no French lexicon
		{"@bol waardeloze klantenservice, al drie weken geen terugbetaling", "nl", domain.BandNegative},
		{"Het eten was niet goed", "nl", domain.BandNegative},
		{"Niet slecht voor die prijs", "nl", domain.BandPositive},
		{"De app werkt niet, alweer een storing bij de bank", "nl", domain.BandNegative},
		{"Wat een geweldige service, heel erg bedankt!", "nl", domain.BandPositive},
		{"Dit is gewoon oplichting", "", domain.BandNegative},
		{"Mijn pakket is nog steeds niet bezorgd", "", domain.BandNegative},
		{"Superslechte ervaring", "nl", domain.BandNegative},
		{"superslecht", "nl", domain.BandNegative},
		{"Topservice en supersnel geleverd 👍", "nl", domain.BandPositive},
		{"", "en", domain.BandNeutral},
		{"https://example.com/great/best/love", "en", domain.BandNeutral},
		{"@LovelyAir when does boarding start", "en", domain.BandNeutral},
	}
	for _, c := range cases {
		got := Score(c.text, c.lang)
		if b := domain.SentimentBand(got); b != c.want {
			t.Errorf("Score(%q, %q) = %.3f (%s), want %s", c.text, c.lang, got, b, c.want)
		}
		if got < -1 || got > 1 || math.IsNaN(got) {
			t.Errorf("Score(%q) = %v out of range", c.text, got)
		}
	}
}

func TestRules(t *testing.T) {
	less := func(a, b, lang string) {
		t.Helper()
		sa, sb := Score(a, lang), Score(b, lang)
		if !(sa < sb) {
			t.Errorf("want Score(%q)=%.3f < Score(%q)=%.3f", a, sa, b, sb)
		}
	}
	// Intensifiers make a word stronger, dampeners weaker.
	less("the food was good", "the food was very good", "en")
	less("the food was very bad", "the food was bad", "en")
	less("the food was slightly good", "the food was good", "en")
	less("het eten was goed", "het eten was zeer goed", "nl")
	less("het eten was heel erg slecht", "het eten was slecht", "nl")
	// Capitals and exclamation marks add emphasis in their direction.
	less("the service is great", "the service is GREAT", "en")
	less("the service is GREAT", "the service is GREAT!!!", "en")
	less("the service is terrible!!!", "the service is terrible", "en")
	// Negation flips.
	less("not good", "good", "en")
	less("bad", "not bad", "en")
	less("niet goed", "goed", "nl")
	less("slecht", "niet slecht", "nl")
	less("probleem", "geen probleem", "nl")
	// What follows "but" / "maar" weighs more.
	if s := Score("The staff were friendly but the flight was a disaster", "en"); s >= 0 {
		t.Errorf("but-shift: got %.3f, want negative", s)
	}
	if s := Score("Het duurde lang maar de medewerker was super vriendelijk", "nl"); s <= 0 {
		t.Errorf("maar-shift: got %.3f, want positive", s)
	}
	// Negation does not cross a sentence end.
	less("Nothing yet. Bad.", "Nothing yet, not bad.", "en")
	// "no refund" stays a complaint.
	if s := Score("still no refund", "en"); s >= -0.05 {
		t.Errorf("no refund: got %.3f, want negative", s)
	}
}

func TestLanguage(t *testing.T) {
	// "die" is a Dutch article and an English verb: the language matters.
	if s := Score("die klantenservice van jullie", ""); s != 0 {
		t.Errorf("Dutch 'die' scored %.3f, want 0", s)
	}
	if s := Score("die klantenservice van jullie", "en"); s >= 0 {
		t.Errorf("forced English 'die' scored %.3f, want negative", s)
	}
	if s := Score("Ik heb het niet ontvangen", "nl-BE"); s >= 0 {
		t.Errorf("nl-BE tag not treated as Dutch: %.3f", s)
	}
	for text, want := range map[string]string{
		"Why is my order still not here?":        "en",
		"Waarom is mijn bestelling er nog niet?": "nl",
		"waardeloos":                             "nl",
		"awful":                                  "en",
		"12345":                                  "en",
	} {
		if got := Guess(text); got != want {
			t.Errorf("Guess(%q) = %s, want %s", text, got, want)
		}
	}
}

func TestAllocs(t *testing.T) {
	text := "@AcmeAir worst airline EVER, lost my bag again and still no refund!!! 😡 https://t.co/x"
	if n := testing.AllocsPerRun(100, func() { Score(text, "") }); n != 0 {
		t.Errorf("Score allocates %.0f times per call, want 0", n)
	}
}

func FuzzScore(f *testing.F) {
	for _, s := range []string{"not bad :)", "werkt niet!!", "@x 😡😡 http://a", "NOT GOOD but OK", "\xff\xfe", "’'-- -", ":'("} {
		f.Add(s, "")
		f.Add(s, "nl")
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		s := Score(text, lang)
		if math.IsNaN(s) || s < -1 || s > 1 {
			t.Fatalf("Score(%q, %q) = %v", text, lang, s)
		}
		if !utf8.ValidString(Guess(text)) {
			t.Fatal("bad guess")
		}
	})
}

var sink float64

func BenchmarkScore(b *testing.B) {
	texts := []struct{ text, lang string }{
		{"@AcmeAir worst airline ever, lost my bag AGAIN and still no refund!!! 😡", "en"},
		{"Thanks @AcmeAir, the crew was lovely and the flight on time :)", ""},
		{"@bol waardeloze klantenservice, al drie weken geen terugbetaling", ""},
		{"De app werkt niet, alweer een storing bij de bank https://t.co/abc", "nl"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		t := texts[i%len(texts)]
		sink += Score(t.text, t.lang)
	}
}
