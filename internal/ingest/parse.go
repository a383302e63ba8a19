package ingest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/gogs/chardet"
	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// ErrNotAFeed: the body is neither RSS, Atom nor JSON Feed.
var ErrNotAFeed = errors.New("not an RSS, Atom or JSON feed")

// ParseError says why a feed body could not be read.
type ParseError struct {
	Encoding string // the encoding the body was decoded from
	Err      error
}

func (e *ParseError) Error() string {
	if e.Encoding != "" && e.Encoding != "utf-8" {
		return fmt.Sprintf("parsing feed (decoded from %s): %v", e.Encoding, e.Err)
	}
	return fmt.Sprintf("parsing feed: %v", e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ParseFeed decodes body to UTF-8 the way feed readers do and parses it with gofeed.
// contentType is the HTTP Content-Type ("" when unknown). It never panics.
func ParseFeed(body []byte, contentType string) (feed *gofeed.Feed, err error) {
	utf8Body, enc, err := decodeCharset(body, contentType)
	if err != nil {
		return nil, &ParseError{Encoding: enc, Err: err}
	}
	defer func() {
		// gofeed is outside code fed outside input: a panic there is this feed's error,
		// not the process's end.
		if r := recover(); r != nil {
			feed, err = nil, &ParseError{Encoding: enc, Err: fmt.Errorf("parser panic: %v", r)}
		}
	}()
	parser := gofeed.NewParser()
	// The normaliser finds content images with a tokenizer; gofeed's full HTML parse of
	// every item for the same purpose cost a sixth of a poll cycle.
	parser.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	feed, err = parser.Parse(bytes.NewReader(utf8Body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			err = ErrNotAFeed
		}
		return nil, &ParseError{Encoding: enc, Err: err}
	}
	return feed, nil
}

// xmlDeclIndex returns where the XML declaration body starts with ends (b[:end]), the
// match of ^\s*<\?xml[^>]*?\?> with \s as RE2 reads it, or -1. Scanned by hand: the
// regular expression ran on every body of a poll cycle.
func xmlDeclIndex(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\f' || b[i] == '\r') {
		i++
	}
	if !bytes.HasPrefix(b[i:], []byte("<?xml")) {
		return -1
	}
	i += len("<?xml")
	// [^>]*? then ?>: the first '>' ends the declaration, and a '?' must come just before.
	gt := bytes.IndexByte(b[i:], '>')
	if gt < 1 || b[i+gt-1] != '?' {
		return -1
	}
	return i + gt + 1
}

var declEncoding = regexp.MustCompile(`encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// decodeCharset returns body as UTF-8 with its XML declaration saying so, and the name of
// the encoding it was read as. Precedence follows feed readers (and RFC 7303): a byte
// order mark, then the HTTP charset, then the XML declaration, then UTF-8. Bytes invalid
// in the chosen encoding become U+FFFD rather than failing the whole feed.
func decodeCharset(body []byte, contentType string) ([]byte, string, error) {
	enc, name, bomLen := sniffUnicode(body)
	body = body[bomLen:]
	if enc == nil {
		if _, cs := mediaType(contentType); cs != "" {
			enc, name = lookupCharset(cs)
		}
	}
	if enc == nil {
		if end := xmlDeclIndex(body); end >= 0 {
			if em := declEncoding.FindSubmatch(body[:end]); em != nil {
				// An unknown label is treated as no declaration, as feed readers do: the
				// bytes may well be UTF-8 or recognisable.
				enc, name = lookupCharset(string(em[1]))
			}
		}
	}
	if (enc == nil || name == "utf-8") && !utf8.Valid(body) {
		// Undeclared or falsely declared UTF-8: guess like feed readers do (chardet),
		// trusting the guess only when the detector is fairly sure.
		if det, err := chardet.NewHtmlDetector().DetectBest(body); err == nil && det.Confidence >= 30 {
			if e, n := lookupCharset(det.Charset); e != nil && n != "utf-8" {
				enc, name = e, n
			}
		}
	}
	var out []byte
	if enc == nil || name == "utf-8" {
		name = "utf-8"
		out = body
		if !utf8.Valid(out) {
			out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
		}
	} else {
		var err error
		out, err = enc.NewDecoder().Bytes(body)
		if err != nil {
			return nil, name, fmt.Errorf("decoding %s: %w", name, err)
		}
	}
	out = stripInvalidXMLChars(out)
	if end := xmlDeclIndex(out); end >= 0 {
		// The body is UTF-8 now; a stale declaration would make the XML decoder convert
		// again. One that says so already is left alone, sparing a copy of the body.
		if em := declEncoding.FindSubmatch(out[:end]); em != nil && !strings.EqualFold(string(em[1]), "utf-8") {
			decl := declEncoding.ReplaceAll(out[:end], []byte(`encoding="utf-8"`))
			out = append(append([]byte{}, decl...), out[end:]...)
		}
	}
	return out, name, nil
}

// sniffUnicode recognises byte order marks and the UTF-16/32 patterns of "<?" that XML
// (Appendix F) uses to tell the encoding before the declaration can be read.
func sniffUnicode(b []byte) (encoding.Encoding, string, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be", 4
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le", 4
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return unicode.UTF8, "utf-8", 3
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", 2
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", 2
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0x00, '<'}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be", 0
	case bytes.HasPrefix(b, []byte{'<', 0x00, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le", 0
	case bytes.HasPrefix(b, []byte{0x00, '<', 0x00, '?'}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", 0
	case bytes.HasPrefix(b, []byte{'<', 0x00, '?', 0x00}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", 0
	}
	return nil, "", 0
}

// lookupCharset maps a charset label to an encoding, WHATWG-style (so iso-8859-1 reads as
// windows-1252, as browsers and feed readers do), plus the UTF-32 labels WHATWG lacks.
func lookupCharset(label string) (encoding.Encoding, string) {
	label = strings.ToLower(strings.TrimSpace(label))
	switch label {
	case "utf-32", "utf-32be", "ucs-4":
		return utf32.UTF32(utf32.BigEndian, utf32.UseBOM), "utf-32be"
	case "utf-32le":
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le"
	case "utf-16":
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16"
	case "mac-cyrillic", "maccyrillic":
		return charmap.MacintoshCyrillic, "x-mac-cyrillic"
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		return nil, ""
	}
	return enc, name
}

// xmlClean reports whether b has none of the bytes stripInvalidXMLChars looks at: control
// characters but tab, newline and return, and 0xEF (which starts U+FFFE and U+FFFF). It
// reads eight bytes at a time and looks at single bytes only in a word that has one below
// 0x20 or equal to 0xEF: a body of a poll cycle was a tenth of its parsing byte by byte.
func xmlClean(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		below := (w - 0x20*ones) &^ w & highs // nonzero when a byte is below 0x20
		x := w ^ 0xEF*ones
		ef := (x - ones) &^ x & highs // nonzero when a byte is 0xEF
		if below|ef != 0 && !xmlCleanBytes(b[i:i+8]) {
			return false
		}
	}
	return xmlCleanBytes(b[i:])
}

func xmlCleanBytes(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xEF {
			return false
		}
	}
	return true
}

// stripInvalidXMLChars drops the control characters XML 1.0 forbids (they make Go's XML
// decoder give up on the whole feed) and U+FFFE/U+FFFF.
func stripInvalidXMLChars(b []byte) []byte {
	if xmlClean(b) {
		return b
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if !(r < 0x20 && r != '\t' && r != '\n' && r != '\r') && r != 0xFFFE && r != 0xFFFF {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}
