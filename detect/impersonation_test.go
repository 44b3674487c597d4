package detect

import (
	"strings"
	"testing"

	"switchboard/domain"
)

func TestImpersonation(t *testing.T) {
	lilly := []string{"@LillyPad", "lilly.bsky.social"}
	const lillyName = "Eli Lilly"
	cases := []struct {
		name    string
		handles []string
		brand   string
		author  domain.Author
		suspect bool
	}{
		// The fake verified account that announced free insulin in 2022.
		{"insulin fake", lilly, lillyName, domain.Author{Handle: "@EliLillyCo", Name: "Eli Lilly and Company", Verified: true}, true},
		{"brand itself", lilly, lillyName, domain.Author{Handle: "@LillyPad", Name: "Lilly"}, false},
		{"brand itself lower case no @", lilly, lillyName, domain.Author{Handle: "lillypad", Name: "Eli Lilly and Company"}, false},
		{"brand bluesky", lilly, lillyName, domain.Author{Handle: "lilly.bsky.social"}, false},
		{"official suffix", lilly, lillyName, domain.Author{Handle: "@LillyPad_Official"}, true},
		{"support prefix", lilly, lillyName, domain.Author{Handle: "@Support_LillyPad"}, true},
		{"cyrillic a", lilly, lillyName, domain.Author{Handle: "@LillyPаd"}, true},                                               // U+0430
		{"greek omicron name", []string{"@AcmeAir"}, "Acme Air", domain.Author{Handle: "@travel_deals", Name: "Acme Αir"}, true}, // Greek capital alpha
		{"fullwidth letters", []string{"@AcmeAir"}, "Acme Air", domain.Author{Handle: "@ｱｃｍｅ", Name: "ＡｃｍｅＡｉｒ"}, true},
		{"armenian o, cherokee capital", []string{"@Coolblue"}, "Coolblue", domain.Author{Handle: "@C\u0585\u0585lb\u13deue"}, true}, // օ, Ꮮ: in confusables.txt, not in the old table
		{"capital I for l", []string{"@PayPal"}, "PayPal", domain.Author{Handle: "@PayPaI"}, true},
		{"digit zero", []string{"@Booking"}, "Booking.com", domain.Author{Handle: "@B00king"}, true},
		{"rn for m", []string{"@Amazon"}, "Amazon", domain.Author{Handle: "@Arnazon_Help"}, true},
		{"one edit", []string{"@KLM"}, "KLM Royal Dutch Airlines", domain.Author{Handle: "@KLMRoyalDutchAirline"}, true},
		{"transposition", []string{"@Coolblue"}, "Coolblue", domain.Author{Handle: "@Coolbleu"}, true},
		{"dots and underscores", []string{"@bol"}, "bol.com", domain.Author{Handle: "@b.o.l_c.o.m"}, true},
		{"mastodon other server", []string{"@acmeair@mastodon.social"}, "Acme Air", domain.Author{Handle: "@acmeair@evil.example"}, true},
		{"brand mastodon", []string{"@acmeair@mastodon.social"}, "Acme Air", domain.Author{Handle: "@AcmeAir@mastodon.social"}, false},
		// True negatives: ordinary users.
		{"ordinary user", lilly, lillyName, domain.Author{Handle: "@jane_doe", Name: "Jane Doe"}, false},
		{"similar first name", lilly, lillyName, domain.Author{Handle: "@lily_smith", Name: "Lily Smith"}, false},
		{"fan account", lilly, lillyName, domain.Author{Handle: "@lillypad_frog", Name: "Frog on a lilly pad"}, false},
		{"another Eli", lilly, lillyName, domain.Author{Handle: "@EliManning", Name: "Eli Manning"}, false},
		{"short brand exact only", []string{"@bol"}, "bol.com", domain.Author{Handle: "@bob"}, false},
		{"mentions the brand in name", []string{"@AcmeAir"}, "Acme Air", domain.Author{Handle: "@pilotpete", Name: "Pete, flies Acme Air weekly"}, false},
		{"empty author", lilly, lillyName, domain.Author{}, false},
		// A display name that imitates trust and names the brand at all.
		{"check mark and help centre", []string{"@AcmeAir"}, "Acme Air", domain.Author{Handle: "@travelhelp42", Name: "✅ Acme Air Help Centre"}, true},
		{"support desk with ballot box", []string{"@AcmeAir"}, "Acme Air", domain.Author{Handle: "@deskdesk", Name: "AcmeAir Support Desk ☑"}, true},
		{"trust without the brand", []string{"@AcmeAir"}, "Acme Air", domain.Author{Handle: "@jane", Name: "Jane ✔ Support"}, false},
		{"brand fan without trust", []string{"@AcmeAir"}, "Acme Air", domain.Author{Handle: "@pete", Name: "Acme Air fan club"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, why := Impersonation(c.handles, c.brand, c.author)
			if got != c.suspect {
				t.Fatalf("Impersonation(%v, %q, %+v) = %v (%s), want %v", c.handles, c.brand, c.author, got, why, c.suspect)
			}
			if got && why == "" {
				t.Fatal("suspect without a reason")
			}
			if !got && why != "" {
				t.Fatalf("reason %q without suspicion", why)
			}
		})
	}
}

func TestImpersonationReasonNamesTarget(t *testing.T) {
	_, why := Impersonation([]string{"@LillyPad"}, "Eli Lilly", domain.Author{Handle: "@EliLillyCo"})
	if !strings.Contains(why, "@EliLillyCo") || !strings.Contains(why, "Eli Lilly") {
		t.Fatalf("reason %q does not name the handle and the brand", why)
	}
}

func TestSkeleton(t *testing.T) {
	for in, want := range map[string]string{
		"PayPal":      "paypal",
		"PayPaI":      "paypal",
		"Ρаура1":      "paypal", // Greek Rho, Cyrillic a/у/р, digit one
		"B00king":     "booklng",
		"Crème_Brûlé": "cremebrule",
		"𝐀𝐜𝐦𝐞":        "acme", // mathematical bold
	} {
		if got := skeleton(in); got != skeleton(want) {
			t.Errorf("skeleton(%q) = %q, want %q", in, got, skeleton(want))
		}
	}
}

func TestWithinEdits(t *testing.T) {
	for _, c := range []struct {
		a, b string
		k    int
		want bool
	}{
		{"abcd", "abcd", 0, true}, {"abcd", "abdc", 1, true}, {"abcd", "abd", 1, true},
		{"abcd", "xbcy", 1, false}, {"abcd", "xbcy", 2, true}, {"", "ab", 1, false}, {"kitten", "sitting", 3, true},
		{"kitten", "sitting", 2, false},
	} {
		if got := withinEdits(c.a, c.b, c.k); got != c.want {
			t.Errorf("withinEdits(%q,%q,%d) = %v", c.a, c.b, c.k, got)
		}
	}
}

func FuzzImpersonation(f *testing.F) {
	for _, s := range []string{"@EliLillyCo", "@LillyPаd", "ｱｃｍｅ", "@a@b@c", "u/x", "\xff@", ".bsky.social"} {
		f.Add(s, "Eli Lilly and Company")
	}
	f.Fuzz(func(t *testing.T, handle, name string) {
		own, _ := Impersonation([]string{"@LillyPad"}, "Eli Lilly", domain.Author{Handle: "@LillyPad", Name: name})
		if own {
			t.Fatal("brand's own handle flagged")
		}
		Impersonation([]string{"@LillyPad", handle}, name, domain.Author{Handle: handle, Name: name})
	})
}

func TestTrustMarks(t *testing.T) {
	handles := []string{"@acme"}
	cases := []struct {
		name string
		want string
	}{
		{"✔ Official Acme", "✔ official"},
		{"Acme Support ☑️", "☑ support"},
		{"✅ 0fficial Help", "✅ official help"},         // digit zero for o
		{"Асме Care", `look-alike letters for "Acme"`}, // Cyrillic А, с, м, е
		{"Jane ✓ Verified", "✓ verified"},
		{"Acme fan club", ""},
		{"Jane Doe", ""},
		{"", ""},
	}
	for _, c := range cases {
		got := strings.Join(TrustMarks(handles, "Acme", domain.Author{Handle: "@someone", Name: c.name}), " ")
		if got != c.want {
			t.Errorf("TrustMarks(%q) = %q, want %q", c.name, got, c.want)
		}
	}
	// the brand's own account may call itself official
	if got := TrustMarks(handles, "Acme", domain.Author{Handle: "@Acme", Name: "✔ Acme Official"}); got != nil {
		t.Errorf("own account: %q", got)
	}
}
