package confusable

import (
	"testing"
	"unicode"
)

// The generated table is Default_Ignorable_Code_Point as
// DerivedCoreProperties.txt derives it, recomputed here from Go's own
// unicode tables: Other_Default_Ignorable_Code_Point + Cf +
// Variation_Selector - White_Space - FFF9..FFFB - 13430..1343F -
// Prepended_Concatenation_Mark.
func TestIgnorableIsTheDerivedProperty(t *testing.T) {
	if unicode.Version != "15.0.0" {
		t.Skipf("Go's unicode is %s; the table is 15.0.0", unicode.Version)
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		want := unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector) &&
			!unicode.In(r, unicode.White_Space, unicode.Prepended_Concatenation_Mark) &&
			!(r >= 0xFFF9 && r <= 0xFFFB) && !(r >= 0x13430 && r <= 0x1343F)
		if got := Ignorable(r); got != want {
			t.Errorf("Ignorable(%U) = %v, want %v", r, got, want)
		}
	}
}

func TestIgnorableNamedOnes(t *testing.T) {
	for _, r := range []rune{0x00AD, 0x034F, 0x115F, 0x1160, 0x180B, 0x180E, 0x180F, 0x200B, 0x200D, 0x200E, 0x200F,
		0x202A, 0x202E, 0x2061, 0x2064, 0x2066, 0x2069, 0x3164, 0xFE00, 0xFE0F, 0xFEFF, 0xFFA0, 0xE0001, 0xE0041, 0xE007F, 0xE0100, 0xE01EF} {
		if !Ignorable(r) {
			t.Errorf("%U is not ignorable", r)
		}
	}
	for _, r := range []rune{' ', 'a', 0x00A0, 0x0600, 0x2028, 0xFFF9, 0x200A, 0x3000, 'é'} {
		if Ignorable(r) {
			t.Errorf("%U is ignorable", r)
		}
	}
}

func TestLatin(t *testing.T) {
	for r, want := range map[rune]byte{'а': 'a', 'е': 'e', 'о': 'o', 'ο': 'o', 'і': 'i', 'ӏ': 'i',
		'ǀ': 'l', 'ѕ': 's', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'օ': 'o', 'ɑ': 'a', 'к': 'k', 'т': 't', 'η': 'h', 'ꭺ': 'a'} {
		if got, ok := Latin(r); !ok || got != want {
			t.Errorf("Latin(%c %U) = %q %v, want %q", r, r, got, ok, want)
		}
	}
	for _, r := range []rune{'a', 'z', 'é', 'ж', 'я', 'λ', '中', 'ａ', 'А', 'Ο'} {
		if got, ok := Latin(r); ok {
			t.Errorf("Latin(%c) = %q", r, got)
		}
	}
}
