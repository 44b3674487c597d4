package store

import (
	"testing"
	"time"

	"switchboard/domain"
)

// What the external test package (store_test, which can import package
// query) needs of the benchmark fixture.

// Fixture is the path of the cached benchmark store of BenchN() mentions.
func Fixture(b *testing.B) string { return fixture(b) }

// BenchN is the size of the benchmark store.
func BenchN() int { return benchN() }

// BenchWords are the words the fixture's texts are made of.
var BenchWords = benchWords

// BenchMentions generates mentions as the fixture holds them.
func BenchMentions(seed uint64, from, n int) []domain.Mention {
	return benchMentions(seed, from, n, -1)
}

// BenchEnd is just after the newest mention of the fixture.
func BenchEnd() time.Time {
	return time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC).Add(time.Duration(benchN()) * 30 * time.Second)
}

// CopyFile copies src to dst and syncs it.
func CopyFile(b testing.TB, src, dst string) { copyFile(b, src, dst) }

// afterTests run when every test and benchmark is done (TestMain).
var afterTests []func()

// AfterTests adds f to what runs when every test and benchmark is done.
func AfterTests(f func()) { afterTests = append(afterTests, f) }
