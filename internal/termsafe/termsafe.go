// Package termsafe neutralises text from files before it reaches a
// terminal. A name, a note or a caption read from a file could otherwise
// carry escape sequences that drive the user's terminal: clear the screen,
// write the clipboard (OSC 52), retitle the window, or hide what follows.
// String shows each such character visibly instead (ESC as ␛, BEL as ␇), so
// the reader sees that it is there and the terminal never acts on it.
//
// Only what is written to a terminal is neutralised: a file written with
// -o keeps the user's text exactly, and the pure packages never call this.
package termsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Unsafe reports whether r must not reach a terminal as itself: a C0
// control character other than tab and line feed, DEL, a C1 control
// character (U+0080 to U+009F: some terminals read U+009B as CSI), or a
// bidirectional override or isolate, which reorders how the text around
// it is drawn. The content loader rejects the same characters in a pack.
func Unsafe(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// String returns s with every unsafe character shown visibly: C0
// controls as their Unicode control pictures (ESC as ␛, NUL as ␀), DEL as
// ␡, other unsafe characters as \u202e, and each byte of invalid UTF-8 as
// \xff. Text with nothing to neutralise is returned as it is, unallocated.
func String(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !Unsafe(r):
			b.WriteString(s[i : i+size])
		case r < 0x20:
			b.WriteRune(0x2400 + r) // ␀ .. ␟
		case r == 0x7f:
			b.WriteRune(0x2421) // ␡
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// Bytes is String for a whole output, such as a rendered record printed
// to a terminal.
func Bytes(p []byte) []byte {
	if firstUnsafe(string(p)) < 0 {
		return p
	}
	return []byte(String(string(p)))
}

// firstUnsafe is the byte offset of the first character String would
// change, or -1.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || Unsafe(r) {
			return i
		}
		i += size
	}
	return -1
}
