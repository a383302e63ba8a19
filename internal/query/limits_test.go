package query

import (
	"errors"
	"strings"
	"testing"
)

// TestLimits: a query that would cost the index too much is refused by the parser, so
// every backend and the alert matcher refuse it in the same words, saying where.
func TestLimits(t *testing.T) {
	ors := func(term string, n int) string {
		return strings.TrimSuffix(strings.Repeat(term+" OR ", n), " OR ")
	}
	tests := []struct {
		name, src, msg string
		column         int
	}{
		{"fifty ?* and an x", strings.Repeat("?*", 50) + "x", "has 100 * and ?", 1},
		{"many *x* ORed", ors("*x*", 256), "needs at least 3 characters", 1},
		{"too many patterns", ors("*abc", 5), "more than 4 wildcards other than a trailing *", 33},
		{"too many wildcards", ors("ab*", 33), "more than 32 wildcard terms", 225},
		{"too many terms", ors("a", 257), "more than 256 terms", 1281},
		{"one letter and wildcards", "a*", "needs at least 2 characters", 1},
		{"leading with two letters", "Lachin *ab", "needs at least 3 characters besides * and ? when it starts", 8},
		{"too many wildcard chars", "a?b?c?d?e?f", "has 5 * and ?; at most 4", 1},
		{"long word", "x " + strings.Repeat("w", 257), "257 bytes long; at most 256", 3},
		{"long phrase", `"` + strings.Repeat("w ", 200) + `"`, "bytes long; at most 256", 1},
		{"long field value", "source:" + strings.Repeat("s", 300), "at most 256", 8},
		{"too long", strings.Repeat("a ", 5000), "longer than 8192 bytes", 8193},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.src)
			var qe *Error
			if !errors.As(err, &qe) || !strings.Contains(qe.Msg, tc.msg) || qe.Column != tc.column {
				t.Fatalf("Parse: %v, want a *query.Error at column %d containing %q", err, tc.column, tc.msg)
			}
		})
	}
	for _, src := range []string{
		"Lach*", "*corridor", "topic:*talks", "entity:Q4*", "Lat?hin*", "Latc?in*",
		ors("переговор*", 32), ors("*abc", 4), ors("Lachin", 256), "published:[1678-01-01 TO 2261-12-31]",
	} {
		if _, err := Parse(src); err != nil {
			t.Errorf("Parse(%.60q): %v", src, err)
		}
	}
}

func TestDateBounds(t *testing.T) {
	lo, hi := DateBounds()
	if lo.Year() != 1678 || hi.Year() != 2261 {
		t.Errorf("DateBounds = %v, %v", lo, hi)
	}
	for _, src := range []string{"published:>0000-01-01", "published:<2262-05-01", "published:9999-12-31T23:59:59Z"} {
		if _, err := Parse(src); err == nil {
			t.Errorf("Parse(%q) accepted a date outside %v..%v", src, lo, hi)
		}
	}
}

// TestTermsCountsAsTheParser: Terms gives the count the parser holds to MaxTerms.
func TestTermsCountsAsTheParser(t *testing.T) {
	for q, want := range map[string]int{
		"Lachin":                      1,
		`"Lachin corridor" AND Lach*`: 2,
		"a OR (b AND NOT c) OR published:[2024-01-01 TO 2024-02-01]": 4,
	} {
		n, err := Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		if got := Terms(n); got != want {
			t.Errorf("Terms(%s) = %d, want %d", q, got, want)
		}
	}
	long := strings.Repeat("w OR ", MaxTerms-1) + "w"
	n, err := Parse(long)
	if err != nil {
		t.Fatalf("a query of MaxTerms terms: %v", err)
	}
	if got := Terms(n); got != MaxTerms {
		t.Errorf("Terms of a query of MaxTerms terms = %d", got)
	}
}
