package process

import "strings"

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

var skeletonReplacer = strings.NewReplacer(
	"gue", "ge", "gui", "gi", // French and Spanish write a hard g before e and i so
	"shch", "s", "dzh", "i", "sch", "s", "tch", "c", "sh", "s", "ch", "c", "zh", "z", "kh", "h", "ts", "c", "tz", "c",
	"dj", "i", "ph", "f", "ou", "u", "ck", "k", "gh", "g", "w", "v", "q", "k", "x", "ks", "y", "i", "j", "i",
)

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
	var b strings.Builder
	for _, r := range w {
		if t, ok := translitTable[r]; ok {
			b.WriteString(t)
		} else if r < 0x80 {
			b.WriteRune(r)
		} else {
			b.WriteRune(r) // other scripts stay as they are
		}
	}
	s := skeletonReplacer.Replace(b.String())
	// Collapse doubled letters and the iotated initial (Yerevan / Erevan / Ереван).
	var out []byte
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i] == s[i-1] {
			continue
		}
		out = append(out, s[i])
	}
	s = string(out)
	if strings.HasPrefix(s, "ie") {
		s = s[1:]
	}
	return s
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
