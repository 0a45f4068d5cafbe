package content

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kvdo/kvdo/internal/termsafe"
	"golang.org/x/text/unicode/norm"
)

// TextProblem says what is wrong with a string read from a file, or ""
// when nothing is: invalid UTF-8, or a character that would act on a
// terminal instead of being shown (a control character other than tab and
// line feed, a bidirectional override: termsafe.Unsafe). kvdo's own output
// neutralises such characters on a terminal; a content pack rejects them
// outright, as no caption or title needs one.
func TextProblem(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8: expected UTF-8 text"
	}
	for i, r := range s {
		if termsafe.Unsafe(r) {
			return fmt.Sprintf("%s at character %d: expected text without control characters",
				describeRune(r), utf8.RuneCountInString(s[:i])+1)
		}
	}
	return ""
}

// NormalName returns a name as kvdo compares and keeps it: trimmed and in
// Unicode normal form C, so "café" typed with a combining accent and with
// a precomposed one is the same item. problem is non-empty when the name
// holds a character nobody can see or type back (a control or format
// character such as a zero-width space or a bidirectional mark, a line or
// paragraph separator, a Hangul filler), which would make two names that
// look the same different items.
func NormalName(s string) (name, problem string) {
	if !utf8.ValidString(s) {
		return "", "invalid UTF-8: expected UTF-8 text"
	}
	s = norm.NFC.String(strings.TrimSpace(s))
	for i, r := range s {
		if invisible(r) {
			return "", fmt.Sprintf("%s at character %d: expected visible characters only",
				describeRune(r), utf8.RuneCountInString(s[:i])+1)
		}
	}
	return s, ""
}

// invisible reports a character a name must not hold: it cannot be seen,
// or it changes how the rest is drawn.
func invisible(r rune) bool {
	switch {
	case r == ' ':
		return false
	case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r):
		return true
	case unicode.IsSpace(r): // tabs, no-break and other spaces that look like one
		return true
	case r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0: // Hangul fillers
		return true
	case unicode.Is(unicode.Variation_Selector, r):
		return true
	}
	return false
}

// describeRune names a character for a message: U+200B, with its
// abbreviation for the control characters people meet (ESC, BEL).
func describeRune(r rune) string {
	names := map[rune]string{0: "NUL", 7: "BEL", 8: "BS", 9: "TAB", 10: "LF", 13: "CR", 0x1b: "ESC", 0x7f: "DEL",
		0x9b: "CSI", 0xa0: "no-break space", 0x200b: "zero-width space", 0x200c: "zero-width non-joiner",
		0x200d: "zero-width joiner", 0x2060: "word joiner", 0xfeff: "byte order mark", 0x202e: "right-to-left override"}
	if n, ok := names[r]; ok {
		return fmt.Sprintf("U+%04X (%s)", r, n)
	}
	if r < 0x20 {
		return fmt.Sprintf("U+%04X (a control character)", r)
	}
	return fmt.Sprintf("U+%04X", r)
}
