package query

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Relative dates, as in Kibana and Elasticsearch's date math: "now", then any number of
// +N or -N with a unit, then optionally /unit to round down to the start of that unit.
// Units: y (years), M (months), w (weeks), d (days), h or H (hours), m (minutes),
// s (seconds). now-7d/d is midnight UTC seven days ago; weeks start on Monday.
//
// A rounded date is a span, like a day without a time: as the start of an inclusive range
// it means the start of the unit, as an inclusive end the end of the unit, so
// published:[now-7d/d TO now/d] covers today and the seven days before, and
// published:>now/d starts tomorrow. A date without rounding is an instant.
//
// A relative date is evaluated when the query runs: at search time for a search, and for
// a saved search (alerts, topic rules) at the instant the stream analysed the article
// (Doc.Now), so an alert on published:>now-1d fires for articles published in the day
// before they were processed.

// dateMath is a parsed relative date.
type dateMath struct {
	steps []dateStep
	round byte // unit to round down to, 0 for none
}

type dateStep struct {
	n    int
	unit byte
}

// IsRelativeDate reports whether s is a relative date (it starts with "now").
func IsRelativeDate(s string) bool { return strings.HasPrefix(s, "now") }

// parseDateMath parses a relative date. On failure it returns the byte offset in s of
// the offending part.
func parseDateMath(s string) (dateMath, int, error) {
	var dm dateMath
	if !IsRelativeDate(s) {
		return dm, 0, fmt.Errorf("a relative date starts with now")
	}
	i := len("now")
	for i < len(s) {
		switch c := s[i]; c {
		case '+', '-':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j == i+1 {
				return dm, i, fmt.Errorf("%c in a relative date must be followed by a number and a unit (now-7d)", c)
			}
			n, err := strconv.Atoi(s[i+1 : j])
			if err != nil || n > 100000 {
				return dm, i + 1, fmt.Errorf("number %q in a relative date is too large", s[i+1:j])
			}
			if j >= len(s) || !dateUnit(s[j]) {
				return dm, j, fmt.Errorf("bad unit in relative date %q: use y, M, w, d, h, m or s", s)
			}
			if c == '-' {
				n = -n
			}
			dm.steps = append(dm.steps, dateStep{n: n, unit: s[j]})
			i = j + 1
		case '/':
			if i+1 >= len(s) || !dateUnit(s[i+1]) {
				return dm, i + 1, fmt.Errorf("bad rounding unit in relative date %q: use /y, /M, /w, /d, /h, /m or /s", s)
			}
			if i+2 != len(s) {
				return dm, i + 2, fmt.Errorf("rounding (/d) must end a relative date")
			}
			dm.round = s[i+1]
			i += 2
		default:
			return dm, i, fmt.Errorf("unexpected %q in relative date %q: write now, now-1d, now-7d/d", c, s)
		}
	}
	return dm, 0, nil
}

func dateUnit(c byte) bool { return strings.IndexByte("yMwdhHms", c) >= 0 }

// at evaluates dm at now: the instant, and when dm rounds, the start of the next unit.
func (dm dateMath) at(now time.Time) (t, next time.Time) {
	t = now.UTC()
	for _, st := range dm.steps {
		t = addUnit(t, st.unit, st.n)
	}
	if dm.round == 0 {
		return t, time.Time{}
	}
	t = floorUnit(t, dm.round)
	return t, addUnit(t, dm.round, 1)
}

func addUnit(t time.Time, unit byte, n int) time.Time {
	switch unit {
	case 'y':
		return t.AddDate(n, 0, 0)
	case 'M':
		return t.AddDate(0, n, 0)
	case 'w':
		return t.AddDate(0, 0, 7*n)
	case 'd':
		return t.AddDate(0, 0, n)
	case 'h', 'H':
		return t.Add(time.Duration(n) * time.Hour)
	case 'm':
		return t.Add(time.Duration(n) * time.Minute)
	}
	return t.Add(time.Duration(n) * time.Second)
}

func floorUnit(t time.Time, unit byte) time.Time {
	y, mo, d := t.Date()
	switch unit {
	case 'y':
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	case 'M':
		return time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
	case 'w':
		back := (int(t.Weekday()) + 6) % 7 // days since Monday
		return time.Date(y, mo, d-back, 0, 0, 0, 0, time.UTC)
	case 'd':
		return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	case 'h', 'H':
		return t.Truncate(time.Hour)
	case 'm':
		return t.Truncate(time.Minute)
	}
	return t.Truncate(time.Second)
}

// resolveDate evaluates a date of the language at now: a day (2026-01-31), an RFC 3339
// instant, or a relative date. next is the start of the following span when the date
// names a span (a day, a rounded relative date), else zero.
func resolveDate(s string, now time.Time) (t, next time.Time, err error) {
	if IsRelativeDate(s) {
		dm, _, err := parseDateMath(s)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		t, next = dm.at(now)
		if t.Before(minDate) || t.After(maxDate) {
			return time.Time{}, time.Time{}, fmt.Errorf("date %s out of range", s)
		}
		return t, next, nil
	}
	t, isDay, err := dayOrInstant(s)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if isDay {
		next = t.AddDate(0, 0, 1)
	}
	return t, next, nil
}

// ParseDate parses a date as the query language writes it (2026-01-31, an RFC 3339
// instant, now-7d/d) and evaluates it at now. end says the date closes a span: a day or
// a rounded relative date then means the end of that span (the start of the next one),
// as the end of an inclusive range does. Failures are *Error with the offset in s.
func ParseDate(s string, now time.Time, end bool) (time.Time, error) {
	if IsRelativeDate(s) {
		if _, off, err := parseDateMath(s); err != nil {
			return time.Time{}, newError(s, off, "%v", err)
		}
	}
	t, next, err := resolveDate(s, now)
	if err != nil {
		return time.Time{}, newError(s, 0, "bad date %q: use 2026-01-31, 2026-01-31T15:04:05Z or now-7d/d", s)
	}
	if end && !next.IsZero() {
		return next, nil
	}
	return t, nil
}

// IsRelative reports whether r depends on the time it is evaluated at (now-1d).
func (r *Range) IsRelative() bool { return IsRelativeDate(r.From) || IsRelativeDate(r.To) }

// checkDate refuses a date the language cannot read, pointing at the offending part.
func (p *parser) checkDate(s string, pos int) error {
	if IsRelativeDate(s) {
		if _, off, err := parseDateMath(s); err != nil {
			return newError(p.src, pos+off, "%v", err)
		}
	}
	if _, _, err := resolveDate(s, time.Now()); err != nil {
		return newError(p.src, pos, "bad date %q: use 2026-01-31, 2026-01-31T15:04:05Z or now-7d/d", s)
	}
	return nil
}
