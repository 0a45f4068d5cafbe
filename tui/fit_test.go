package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// assertFits fails unless frame has at most h lines of at most w columns.
func assertFits(tb testing.TB, frame string, w, h int) {
	tb.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		tb.Errorf("%d lines in a window %d high", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			tb.Errorf("line %d is %d columns in a window %d wide: %q", i+1, lw, w, ansi.Strip(l))
		}
	}
}
