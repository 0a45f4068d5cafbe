package ansi

import (
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// strictSanitize is what bluemonday.StrictPolicy().Sanitize(s) returns
// (kvdo's change to glamour: see README.md): every element, comment and
// doctype dropped, the text of the rest kept, HTML-escaped; nothing of
// script and style elements, nor of the elements whose content bluemonday
// skips. Tokenising is x/net/html's, as bluemonday's is; what bluemonday
// adds is its policy machinery, whose package initialisers (about 40
// regular expressions compiled for CSS checks glamour never asks for)
// cost every kvdo start more than a millisecond. TestStrictSanitize...
// requires bluemonday's output for a corpus of markup.
func strictSanitize(s string) string {
	if strings.TrimSpace(s) == "" {
		return s
	}
	var (
		b        strings.Builder
		skipping bool  // inside an element whose content is dropped
		depth    int64 // how many of those are open
		recent   string
	)
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		if z.Next() == html.ErrorToken {
			if z.Err() == io.EOF {
				return b.String()
			}
			return ""
		}
		tok := z.Token()
		switch tok.Type {
		case html.StartTagToken:
			recent = normaliseElementName(tok.Data)
			if recent == "script" || recent == "style" {
				continue
			}
			if skipContent[tok.Data] {
				skipping = true
				depth++
			}
		case html.EndTagToken:
			name := normaliseElementName(tok.Data)
			if recent == name {
				recent = ""
			}
			if name == "script" || name == "style" {
				continue
			}
			if skipContent[tok.Data] {
				depth--
				if depth == 0 {
					skipping = false
				}
			}
		case html.TextToken:
			if !skipping && recent != "script" && recent != "style" {
				b.WriteString(tok.String())
			}
		}
	}
}

// skipContent are the elements whose content bluemonday's policies drop
// (script and style are dropped before this is asked).
var skipContent = map[string]bool{
	"frame": true, "frameset": true, "iframe": true, "noembed": true, "noframes": true,
	"noscript": true, "nostyle": true, "object": true, "script": true, "style": true, "title": true,
}

// normaliseElementName is bluemonday's: lower case, non-ASCII quoted.
func normaliseElementName(str string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(strconv.QuoteToASCII(str)), `"`), `"`)
}
