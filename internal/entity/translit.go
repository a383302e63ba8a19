package entity

import (
	"strings"
	"unicode/utf8"
)

// Transliteration to a loose Latin skeleton, so that one name written in Cyrillic, Armenian,
// Georgian or in one of the Latin romanisations (Pashinyan, Pachinian, Paşinyan, Пашинян)
// meets under one key. The skeleton is deliberately lossy; it is only consulted for
// capitalised sequences the exact table does not know.

var translitTable = func() map[rune]string {
	m := map[rune]string{}
	pairs := []string{
		// Russian and Ukrainian (after folding: й→и, ё→е, ї→і).
		"а", "a", "б", "b", "в", "v", "г", "g", "ґ", "g", "д", "d", "е", "e", "є", "ie", "ж", "zh", "з", "z",
		"и", "i", "і", "i", "к", "k", "л", "l", "м", "m", "н", "n", "о", "o", "п", "p", "р", "r",
		"с", "s", "т", "t", "у", "u", "ф", "f", "х", "kh", "ц", "ts", "ч", "ch", "ш", "sh", "щ", "shch",
		"ъ", "", "ы", "y", "ь", "", "э", "e", "ю", "iu", "я", "ia",
		// Armenian.
		"ա", "a", "բ", "b", "գ", "g", "դ", "d", "ե", "e", "զ", "z", "է", "e", "ը", "", "թ", "t",
		"ժ", "zh", "ի", "i", "լ", "l", "խ", "kh", "ծ", "ts", "կ", "k", "հ", "h", "ձ", "dz", "ղ", "gh",
		"ճ", "ch", "մ", "m", "յ", "y", "ն", "n", "շ", "sh", "ո", "o", "չ", "ch", "պ", "p", "ջ", "j",
		"ռ", "r", "ս", "s", "վ", "v", "տ", "t", "ր", "r", "ց", "ts", "ւ", "v", "փ", "p", "ք", "k",
		"և", "ev", "օ", "o", "ֆ", "f",
		// Georgian (Mkhedruli).
		"ა", "a", "ბ", "b", "გ", "g", "დ", "d", "ე", "e", "ვ", "v", "ზ", "z", "თ", "t", "ი", "i",
		"კ", "k", "ლ", "l", "მ", "m", "ნ", "n", "ო", "o", "პ", "p", "ჟ", "zh", "რ", "r", "ს", "s",
		"ტ", "t", "უ", "u", "ფ", "p", "ქ", "k", "ღ", "gh", "ყ", "q", "შ", "sh", "ჩ", "ch", "ც", "ts",
		"ძ", "dz", "წ", "ts", "ჭ", "ch", "ხ", "kh", "ჯ", "j", "ჰ", "h",
		// Latin letters that folding keeps.
		"ə", "a", "ø", "o", "æ", "ae", "œ", "oe", "đ", "d", "ł", "l", "ħ", "h",
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		for _, r := range pairs[i] {
			m[r] = pairs[i+1]
		}
	}
	return m
}()

// skeletonPairs are the spelling rewrites of the skeleton, old and new in turn: at each
// place in a word the first pair that matches applies (as strings.NewReplacer would).
var skeletonPairs = []string{
	"gue", "ge", "gui", "gi", // French and Spanish write a hard g before e and i so
	"shch", "s", "dzh", "i", "dsch", "i", "sch", "s", "tch", "c", "sh", "s", "ch", "c", "zh", "z", "kh", "h", "ts", "c", "tz", "c",
	"dj", "i", "ph", "f", "ou", "u", "ck", "k", "gh", "g", "w", "v", "q", "k", "x", "ks", "y", "i", "j", "i",
}

// skeletonRewrites lists, per first byte, the indexes in skeletonPairs of the pairs whose
// old string starts with it, in order.
var skeletonRewrites = func() (t [128][]int) {
	for i := 0; i+1 < len(skeletonPairs); i += 2 {
		c := skeletonPairs[i][0]
		t[c] = append(t[c], i)
	}
	return t
}()

// translitFast is translitTable for the runes below translitFastSize, looked up without
// hashing: the tokenizer's scripts all lie there.
const translitFastSize = 0x1100

var translitFast = func() *[translitFastSize]struct {
	s  string
	ok bool
} {
	var t [translitFastSize]struct {
		s  string
		ok bool
	}
	for r, s := range translitTable {
		if r < translitFastSize {
			t[r].s, t[r].ok = s, true
		}
	}
	return &t
}()

// skeletonOf returns the skeleton key of a folded token sequence, or "" if it has no letters.
func skeletonOf(norms []string) string {
	var b strings.Builder
	for i, w := range norms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(skeleton(w))
	}
	s := b.String()
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

func skeleton(w string) string {
	var buf [64]byte
	return string(appendSkeleton(buf[:0], w))
}

// appendSkeleton appends the skeleton of w to dst: the word transliterated, rewritten by
// skeletonPairs, doubled letters collapsed and an iotated start ("ie") reduced. Words of
// ordinary length need no allocation.
func appendSkeleton(dst []byte, w string) []byte {
	var tbuf, rbuf [64]byte
	t := tbuf[:0]
	for _, r := range w {
		if r < translitFastSize {
			if e := &translitFast[r]; e.ok {
				t = append(t, e.s...)
				continue
			}
		} else if s, ok := translitTable[r]; ok {
			t = append(t, s...)
			continue
		}
		t = utf8.AppendRune(t, r) // other scripts stay as they are
	}
	rw := rbuf[:0]
	for i := 0; i < len(t); {
		c := t[i]
		matched := false
		if c < 128 {
			for _, p := range skeletonRewrites[c] {
				if old := skeletonPairs[p]; len(t)-i >= len(old) && string(t[i:i+len(old)]) == old {
					rw = append(rw, skeletonPairs[p+1]...)
					i += len(old)
					matched = true
					break
				}
			}
		}
		if !matched {
			rw = append(rw, c)
			i++
		}
	}
	// Collapse doubled letters and the iotated initial (Yerevan / Erevan / Ереван).
	start := len(dst)
	for i := 0; i < len(rw); i++ {
		if i > 0 && rw[i] == rw[i-1] {
			continue
		}
		dst = append(dst, rw[i])
	}
	if len(dst)-start >= 2 && dst[start] == 'i' && dst[start+1] == 'e' {
		dst = append(dst[:start], dst[start+1:]...)
	}
	return dst
}

// latinKey is the transliterated, folded form of a name, used for the IDs of names not in the
// knowledge base so that one unknown name written in two scripts gets one ID.
func latinKey(norm string) string {
	var b strings.Builder
	for _, r := range norm {
		if t, ok := translitTable[r]; ok {
			b.WriteString(t)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
