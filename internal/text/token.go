package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
	"golang.org/x/text/unicode/norm"
)

// Token is one word of a field, as the matcher and the key phrases see it.
type Token struct {
	Start, End int    // byte offsets of the surface form in the field
	Norm       string // case- and accent-folded form, elision and suffix apostrophes removed
	Cap        bool   // the surface form starts with an upper-case letter
	Upper      bool   // the whole surface form is upper case (an acronym)
	Break      bool   // punctuation other than a hyphen separates it from the previous token
	SentStart  bool   // first token of a sentence (capitalisation says little there)
	Letters    bool   // contains at least one letter
	Hyph       bool   // joined to the previous token by a hyphen: one compound word
	Initial    bool   // a single capital followed by a full stop ("T." in "William T. Sherman")
	// WordStart and WordEnd are the byte offsets of the whole UAX #29 word the token was
	// cut from, with its elided article or case suffix: what a search analyser's
	// tokenizer cuts (the process stage shares the segmentation with it).
	WordStart, WordEnd int
}

// elisions are the French and Italian articles and particles written joined by an
// apostrophe to the next word: "l'Arménie", "d'Azerbaïdjan", "qu'Erevan".
var elisions = map[string]bool{
	"l": true, "d": true, "j": true, "m": true, "n": true, "s": true, "t": true, "c": true,
	"qu": true, "jusqu": true, "lorsqu": true, "puisqu": true, "quoiqu": true, "presqu": true,
	"dell": true, "all": true, "nell": true, "dall": true, "sull": true,
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' || r == '`' }

// Tokenize splits s into word tokens, appended to out. UAX #29 keeps "l'Arménie" and
// "Bakı'da" as one word; Tokenize strips the French elision in front and the
// Turkish/Azerbaijani case suffix behind, so the name alone is matched and its offsets point
// at the name alone.
func Tokenize(s string, out []Token) []Token {
	return tokenizeMode(s, out, true)
}

// TokenizeWhole is Tokenize that keeps a word's part after an apostrophe: names in a
// gazetteer are written without case suffixes ("Ma'alot", "Kirov's" stays whole rather than
// becoming "Ma").
func TokenizeWhole(s string, out []Token) []Token {
	return tokenizeMode(s, out, false)
}

// tokenizeMode is Tokenize; with suffixes false, TokenizeWhole.
func tokenizeMode(s string, out []Token, suffixes bool) []Token {
	if out == nil {
		out = make([]Token, 0, len(s)/6+1)
	}
	tk := tokenizer{s: s, out: out, suffixes: suffixes, brk: true, sent: true}
	// Most news text is cut by segments without the UAX #29 state machine (see
	// segments); a text with a character they do not know is cut again by it.
	if !Segments(s, tk.segment) {
		tk = tokenizer{s: s, out: out, suffixes: suffixes, brk: true, sent: true}
		it := words.FromString(s)
		for it.Next() {
			tk.segment(it.Value(), it.Start())
		}
	}
	return tk.finish()
}

// tokenizer is tokenizeMode's state between the segments of s.
type tokenizer struct {
	s        string
	out      []Token
	suffixes bool
	// Folded forms that differ from the surface go into one buffer that becomes one string
	// at the end: one allocation per field instead of one per capitalised word.
	buf     []byte
	pend    []pendingNorm
	scratch []byte // decompositions, grown once and reused

	brk, sent, hyph bool
}

// pendingNorm is a token's folded form in tokenizer.buf.
type pendingNorm struct{ tok, off, end int }

// abbrev looks a token's folded form up while the buffer is still being written; a map
// lookup with string(bytes) does not allocate.
func (tk *tokenizer) abbrev(k int) bool {
	if n := len(tk.pend); n > 0 && tk.pend[n-1].tok == k {
		return abbreviations[string(tk.buf[tk.pend[n-1].off:tk.pend[n-1].end])]
	}
	return abbreviations[tk.out[k].Norm]
}

// segment takes in the UAX #29 segment w of s, which starts at byte start.
func (tk *tokenizer) segment(w string, start int) {
	s, out := tk.s, tk.out
	if w == " " {
		return // most segments between words
	}
	r, _ := utf8.DecodeRuneInString(w)
	if !isLetterOrNumber(r) {
		if strings.TrimSpace(w) == "" {
			// A line break ends a sentence even without punctuation: a headline, a
			// list item or a caption is a line of its own, and its last word is no
			// part of a name the next line starts. (UAX #29 gives each line break a
			// segment of its own, so a blank line is two of these.)
			if strings.ContainsAny(w, "\n\r\u2028\u2029\v\f\u0085") {
				tk.brk, tk.sent = true, true
			}
			return
		}
		switch w {
		case "-", "‐", "‑":
			if n := len(out); n > 0 && out[n-1].End == start {
				tk.hyph = true
			}
		case ".":
			// An initial ("William T. Sherman", "M. Lavrov") or an abbreviated title
			// ("Lt. Gen.") does not end the sentence or the name.
			if n := len(out); n > 0 && out[n-1].End == start && !tk.brk && (isInitial(s[out[n-1].Start:out[n-1].End]) || tk.abbrev(n-1)) {
				out[n-1].Initial = isInitial(s[out[n-1].Start:out[n-1].End])
				return
			}
			tk.brk, tk.sent = true, true
		case "!", "?", "…", "\"", "«", "»", "“", "”", "„":
			tk.brk = true
			if w != "\"" && w != "«" && w != "»" && w != "“" && w != "”" && w != "„" {
				tk.sent = true
			}
		default:
			tk.brk = true
		}
		return
	}
	wordStart, wordEnd := start, start+len(w)
	// Apostrophes inside the word.
	if i := indexApostrophe(w); i > 0 {
		_, alen := utf8.DecodeRuneInString(w[i:])
		head, tail := w[:i], w[i+alen:]
		switch {
		case elisions[strings.ToLower(head)] && tail != "" && (head != "N" || !titleCased(tail)):
			// N'Djamena, N'Golo are names whole; n'est, N'importe lose their particle.
			start += i + alen
			w = tail
		case tk.suffixes && tail != "" && utf8.RuneCountInString(tail) <= 5 && !strings.ContainsFunc(tail, isApostrophe) && !titleCased(tail):
			// Bakı'da, Lavrov'un, Paşinyan'ın, BAKI'DA: the suffix is grammar, not name. A
			// suffix is written in the case of its word, never capital then small letters:
			// O'Brien and O'Neal are names whole.
			w = head
		}
	}
	t := Token{Start: start, End: start + len(w), WordStart: wordStart, WordEnd: wordEnd, Break: tk.brk, SentStart: tk.sent, Letters: true, Hyph: tk.hyph && !tk.brk && len(out) > 0 && out[len(out)-1].End+1 >= start}
	r, _ = utf8.DecodeRuneInString(w)
	if r < utf8.RuneSelf {
		t.Cap = 'A' <= r && r <= 'Z'
	} else {
		t.Cap = isUpperOrTitle(r)
	}
	if !isLetter(r) {
		t.Letters = strings.ContainsFunc(w, isLetter)
	}
	t.Upper = t.Cap && utf8.RuneCountInString(w) > 1 && !strings.ContainsFunc(w, isLower)
	if needsFold(w) {
		if tk.buf == nil {
			tk.buf = make([]byte, 0, (len(s)-start)/4+32)
		}
		off := len(tk.buf)
		tk.buf, tk.scratch = appendFolded(tk.buf, tk.scratch, w)
		tk.pend = append(tk.pend, pendingNorm{len(out), off, len(tk.buf)})
	} else {
		t.Norm = w
	}
	tk.out = append(out, t)
	tk.brk, tk.sent, tk.hyph = false, false, false
}

// finish gives the tokens their folded forms and returns them.
func (tk *tokenizer) finish() []Token {
	if len(tk.pend) > 0 {
		str := string(tk.buf)
		for _, p := range tk.pend {
			tk.out[p.tok].Norm = str[p.off:p.end]
		}
	}
	return tk.out
}

// isLetter, isLower and isUpperOrTitle are unicode.IsLetter, unicode.IsLower and
// unicode.IsUpper || unicode.IsTitle, with ASCII and the Cyrillic block's first letters
// (Ѐ-Я capitals, а-џ small; most of the region's text that is not Latin) decided without
// a table search: every token asks them of its first character and a capitalised one of
// every character. TestCaseFastPaths holds them to the tables.
func isLetter(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r|0x20 && r|0x20 <= 'z'
	case 0x400 <= r && r <= 0x45F:
		return true
	}
	return unicode.IsLetter(r)
}

func isLower(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z'
	case 0x400 <= r && r <= 0x45F:
		return r >= 0x430
	}
	return unicode.IsLower(r)
}

func isUpperOrTitle(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'A' <= r && r <= 'Z'
	case 0x400 <= r && r <= 0x45F:
		return r < 0x430
	}
	return unicode.IsUpper(r) || unicode.IsTitle(r)
}

// isLetterOrNumber is unicode.IsLetter(r) || unicode.IsNumber(r), ASCII decided inline.
func isLetterOrNumber(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return isLetter(r) || unicode.IsNumber(r)
}

// titleCased reports whether w starts with a capital followed by a small letter.
func titleCased(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	return isUpperOrTitle(r) && strings.ContainsFunc(w[n:], isLower)
}

// indexApostrophe is strings.IndexFunc(w, isApostrophe) by bytes: the lead bytes of ’ and
// ʼ never occur inside another character.
func indexApostrophe(w string) int {
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case '\'', '`':
			return i
		case 0xE2:
			if strings.HasPrefix(w[i:], "’") {
				return i
			}
		case 0xCA:
			if strings.HasPrefix(w[i:], "ʼ") {
				return i
			}
		}
	}
	return -1
}

func isInitial(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	return n == len(w) && unicode.IsUpper(r)
}

// abbreviations are titles written with a full stop that does not end the sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "jr": true, "sr": true, "lt": true,
	"gen": true, "col": true, "capt": true, "maj": true, "sgt": true, "gov": true, "sen": true,
	"rep": true, "prof": true, "rev": true, "adm": true, "mme": true, "mlle": true, "pr": true,
	"г": true, "гг": true, "им": true, "св": true, "ул": true,
}

// Fold lower-cases s and removes diacritics, so "Azerbaïdjan" meets "Azerbaidjan" and "Bakü"
// meets "Baku"; it drops the characters that only shape a word (the zero-width non-joiner
// and joiner, the soft hyphen, the Arabic tatweel), so "علی‌اف" meets "علیاف". Letters that are distinct letters, not accented ones (Turkish ı, Azerbaijani ə,
// Russian ё stays е after decomposition), are kept or mapped explicitly.
func Fold(s string) string {
	if !needsFold(s) {
		return s
	}
	b, _ := appendFolded(nil, nil, s)
	return string(b)
}

// appendFolded appends the folded form of s, which needsFold reported as changing, to b;
// scratch is reused for the decomposition and returned for the next call. The tokenizer
// folds every word of a field into one buffer and makes one string of it.
func appendFolded(b, scratch []byte, s string) ([]byte, []byte) {
	// Letters below U+0600 (Latin, Greek, Cyrillic, Armenian) fold one by one from a table.
	mark := len(b)
	for _, r := range s {
		if r >= foldTableSize || foldTable[r].slow {
			return appendFoldedNFD(b[:mark], scratch, s)
		}
		b = append(b, foldTable[r].s...)
	}
	return b, scratch
}

// foldTableSize bounds the runes folded by table: the scripts of the region below Arabic.
const foldTableSize = 0x600

type foldEntry struct {
	s    string
	slow bool // a combining mark that is not Mn: canonical reordering could matter
}

// foldTable is appendFoldedNFD of each rune alone. Folding a word rune by rune gives the
// same result because decomposition maps each rune on its own and the only marks that
// reordering could move are nonspacing ones, which folding drops wherever they end up.
var foldTable = func() *[foldTableSize]foldEntry {
	var t [foldTableSize]foldEntry
	for r := rune(0); r < foldTableSize; r++ {
		str := string(r)
		b, _ := appendFoldedNFD(nil, nil, str)
		t[r] = foldEntry{s: string(b), slow: norm.NFD.PropertiesString(str).CCC() != 0 && !unicode.Is(unicode.Mn, r)}
	}
	return &t
}()

// appendFoldedNFD is appendFolded by decomposition, for any text.
func appendFoldedNFD(b, scratch []byte, s string) ([]byte, []byte) {
	// The common case, a capitalised word: lower the first letter, keep the rest.
	if r, n := utf8.DecodeRuneInString(s); n < len(s) && simpleUpper(r) && !needsFold(s[n:]) {
		b = utf8.AppendRune(b, unicode.ToLower(r))
		return append(b, s[n:]...), scratch
	}
	d := norm.NFD.AppendString(scratch[:0], s)
	for i := 0; i < len(d); {
		r, n := utf8.DecodeRune(d[i:])
		i += n
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b = append(b, byte(r))
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case 'ı', 'I':
			r = 'i'
		case 'ß':
			b = append(b, "ss"...)
			continue
		case 'ـ', '\u200c', '\u200d', '\u00ad':
			// The Arabic tatweel stretches a stroke; the zero-width non-joiner and joiner
			// and the soft hyphen shape or break a word without changing it: Persian
			// writes "علی‌اف" and "علیاف" for one name.
			continue
		case 'ي':
			r = 'ی' // Arabic and Persian yeh
		case 'ك':
			r = 'ک'
		default:
			r = unicode.ToLower(r)
		}
		b = utf8.AppendRune(b, r)
	}
	return b, d
}

// simpleUpper reports an upper-case letter whose lower case is one letter with no accent
// to strip: ASCII, Cyrillic (not Й, Ё), Armenian.
func simpleUpper(r rune) bool {
	switch {
	case r >= 'A' && r <= 'Z' && r != 'I':
		return true
	case r >= 0x410 && r <= 0x42F && r != 0x419:
		return true
	case r >= 0x531 && r <= 0x556:
		return true
	}
	return false
}

// needsFold reports whether fold would change s; most words of a lower-case text do not,
// and skipping them saves an allocation per token.
func needsFold(s string) bool {
	// Most words are plain ASCII: decided byte by byte, and ASCII never decomposes.
	i := 0
	for ; i < len(s) && s[i] < utf8.RuneSelf; i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	if i == len(s) {
		return false
	}
	// stable: every letter so far is ASCII or a Cyrillic, Armenian or Georgian lower-case
	// letter that does not decompose, so the normaliser has nothing to say either.
	stable := true
	for _, r := range s[i:] {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				return true
			}
			continue
		}
		switch {
		// Lower-case letters of the region's scripts that neither case-fold nor decompose:
		// decided without the Unicode tables (й and ё decompose, so they are not here).
		case r >= 0x430 && r <= 0x44F && r != 0x439, r >= 0x561 && r <= 0x586, r >= 0x10D0 && r <= 0x10FA:
			continue
		// Arabic letters do not case-fold, but hamza and madda forms decompose: the
		// normaliser decides those below. (The tatweel, kaf and yeh fold: below.)
		case r >= 0x621 && r <= 0x64A && r != 0x640 && r != 0x643 && r != 0x64A:
			stable = false
			continue
		case unicode.IsUpper(r) || unicode.IsTitle(r) || unicode.Is(unicode.Mn, r):
			return true
		}
		switch r {
		case 'ı', 'ß', 'ـ', 'ي', 'ك', '\u200c', '\u200d', '\u00ad':
			return true
		}
		stable = false
	}
	if stable {
		return false
	}
	return norm.NFD.QuickSpanString(s) != len(s)
}

// Unaccent drops the combining marks of s after canonical decomposition and keeps the
// rest as it is: case, and the letters Fold maps or drops besides (ı, ß, the Arabic
// tatweel, yeh and kaf, the zero-width joiners and the soft hyphen). Fold(s) is Unaccent(s) lower-cased with those letters mapped. tools/kbgen
// matches generated names against word lists that are lower-cased but not folded, with
// this.
func Unaccent(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
