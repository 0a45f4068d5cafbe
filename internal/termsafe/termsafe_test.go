package termsafe

import (
	"testing"
	"unicode/utf8"
)

func TestEscapeSequencesAreShownNotActedOn(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain text is kept", "seat-counter: 2,500 reads/s", "seat-counter: 2,500 reads/s"},
		{"tabs and line feeds are kept", "a\tb\nc", "a\tb\nc"},
		{"a clipboard write (OSC 52) is shown", "x\x1b]52;c;SGVsbG8=\x07", "x␛]52;c;SGVsbG8=␇"},
		{"a clear-screen is shown", "\x1b[2J", "␛[2J"},
		{"backspace, bell and NUL are shown", "bs\b bell\a nul\x00", "bs␈ bell␇ nul␀"},
		{"a carriage return is shown", "ok\rno", "ok␍no"},
		{"DEL is shown", "a\x7fb", "a␡b"},
		{"a C1 CSI is shown", "a\u009b2Jb", `a\u009b2Jb`},
		{"a bidirectional override is shown", "abc\u202edcb", `abc\u202edcb`},
		{"an isolate is shown", "\u2066x\u2069", `\u2066x\u2069`},
		{"invalid UTF-8 is shown byte by byte", "a\xff\xfeb", `a\xff\xfeb`},
		{"other Unicode is kept", "Zürich 東京 👩‍💻", "Zürich 東京 👩‍💻"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := String(c.in); got != c.want {
				t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
			}
			if got := string(Bytes([]byte(c.in))); got != c.want {
				t.Errorf("Bytes(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestNeutralisedTextHasNoUnsafeCharacterLeft(t *testing.T) {
	var all []byte
	for r := rune(0); r < 0x3000; r++ {
		all = utf8.AppendRune(all, r)
	}
	all = append(all, 0xff, 0xc3)
	out := String(string(all))
	if !utf8.ValidString(out) {
		t.Fatal("output is not valid UTF-8")
	}
	for _, r := range out {
		if Unsafe(r) {
			t.Fatalf("U+%04X left in the output", r)
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add("x\x1b]52;c;SGVsbG8=\x07\x1b[2J")
	f.Add("\xff\u202e\u009b")
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q: not valid UTF-8", s, out)
		}
		for _, r := range out {
			if Unsafe(r) {
				t.Fatalf("String(%q) = %q: U+%04X left", s, out, r)
			}
		}
		if firstUnsafe(s) < 0 && out != s {
			t.Fatalf("safe text %q changed to %q", s, out)
		}
	})
}
