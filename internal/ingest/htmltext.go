package ingest

import (
	"html"
	"net/url"
	"strings"
)

// The functions here read HTML with plain string scanning instead of x/net/html's
// tokenizer: each tokenizer allocates a 4 KB buffer, and at three per item they dominated
// the allocation of a busy poll cycle. They only ever drop or rewrite, so a misreading
// costs some text, never safety: the HTML kept is what bluemonday emits.

// rawTextTags hold text that is not content.
var rawTextTags = map[string]bool{"script": true, "style": true, "noscript": true, "template": true, "iframe": true, "textarea": true, "title": true}

// htmlToText reduces an HTML fragment to plain text: tags dropped, entities decoded,
// script and style ignored, block elements separated by line breaks, runs of spaces
// collapsed. Plain text goes through with only entities decoded and spacing tidied.
func htmlToText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return tidyLines(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for i < len(s) {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			writeText(&b, s[i:])
			break
		}
		writeText(&b, s[i:i+lt])
		i += lt
		rest := s[i:]
		if strings.HasPrefix(rest, "<!--") {
			end := strings.Index(rest[4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		if strings.HasPrefix(rest, "<![CDATA[") {
			end := strings.Index(rest, "]]>")
			if end < 0 {
				b.WriteString(rest[9:])
				break
			}
			b.WriteString(rest[9:end])
			i += end + 3
			continue
		}
		name, closing, ok := tagName(rest)
		if !ok {
			b.WriteByte('<') // a lone "<" in text
			i++
			continue
		}
		end := tagEnd(rest)
		if end < 0 {
			break // an unfinished tag at the end
		}
		i += end + 1
		if !closing && rawTextTags[name] && !strings.HasSuffix(rest[:end], "/") {
			j := indexFold(s[i:], "</"+name)
			if j < 0 {
				break
			}
			i += j
			continue
		}
		if blockTags[name] {
			b.WriteByte('\n')
		} else if name == "td" || name == "th" {
			b.WriteByte(' ')
		}
	}
	return tidyLines(b.String())
}

func writeText(b *strings.Builder, s string) {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	b.WriteString(s)
}

// tagName reads the lower-case name of the tag s starts with ("<p", "</div", "<!doctype").
func tagName(s string) (name string, closing, ok bool) {
	i := 1
	if i < len(s) && s[i] == '/' {
		closing = true
		i++
	}
	if i < len(s) && (s[i] == '!' || s[i] == '?') {
		return "!", false, true
	}
	start := i
	for i < len(s) {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || (i > start && (c >= '0' && c <= '9' || c == '-' || c == ':')) {
			i++
			continue
		}
		break
	}
	if i == start {
		return "", false, false
	}
	return strings.ToLower(s[start:i]), closing, true
}

// tagEnd returns the index of the '>' closing the tag s starts with, skipping quoted
// attribute values, or -1.
func tagEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '>':
			return i
		case '=':
			j := i + 1
			for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
				j++
			}
			if j < len(s) && (s[j] == '"' || s[j] == '\'') {
				q := strings.IndexByte(s[j+1:], s[j])
				if q < 0 {
					return -1
				}
				i = j + 1 + q
			}
		}
	}
	return -1
}

// indexFold is strings.Index ignoring ASCII case in s; sub is lower case.
func indexFold(s, sub string) int {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if s[i] == '<' && strings.EqualFold(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}

// absolutiseSanitised makes relative href and src values absolute in bluemonday's output,
// whose attributes are always written as name="escaped value" (and whose text never holds
// a raw quote), so a string scan reads it exactly.
func absolutiseSanitised(s string, base *url.URL) string {
	if base == nil {
		return s
	}
	var b strings.Builder
	last, i := 0, 0
	for {
		j := strings.Index(s[i:], `="`)
		if j < 0 {
			break
		}
		j += i
		k := j + 2
		end := strings.IndexByte(s[k:], '"')
		if end < 0 {
			break
		}
		end += k
		if strings.HasSuffix(s[:j], " href") || strings.HasSuffix(s[:j], " src") {
			val := html.UnescapeString(s[k:end])
			if !isAbsURL(val) {
				if abs := resolve(base, val); abs != "" {
					if b.Len() == 0 {
						b.Grow(len(s) + 64)
					}
					b.WriteString(s[last:k])
					b.WriteString(html.EscapeString(abs))
					last = end
				}
			}
		}
		i = end + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isAbsURL(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "mailto:")
}

// firstImgSrc returns the src of the first <img> in bluemonday's output.
func firstImgSrc(s string) string {
	i := strings.Index(s, "<img ")
	if i < 0 {
		return ""
	}
	tag := s[i:]
	if end := strings.IndexByte(tag, '>'); end >= 0 {
		tag = tag[:end]
	}
	j := strings.Index(tag, ` src="`)
	if j < 0 {
		return ""
	}
	v := tag[j+6:]
	if q := strings.IndexByte(v, '"'); q >= 0 {
		return html.UnescapeString(v[:q])
	}
	return ""
}
