package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// fit cuts s to at most w columns per line and exactly h lines, so no
// screen can push the frame past the window whatever its content.
func fit(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		// A line is never wider than its length in bytes: only longer
		// lines need measuring.
		if len(l) > w && ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// spread puts left and right on one line of width w, right-aligned, and
// drops the right part when both do not fit.
func spread(left, right string, w int) string {
	lw, rw := lipgloss.Width(left), lipgloss.Width(right)
	if lw+rw+1 > w {
		return ansi.Truncate(left, w, "…")
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

// wrap word-wraps s to w columns (at least 1).
func wrap(s string, w int) string {
	return ansi.Wrap(s, max(w, 1), "")
}

// indent prefixes every line of s with n spaces.
func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

// lineCount is the number of lines s occupies.
func lineCount(s string) int {
	if s == "" {
		return 0
	}
	return strings.Count(s, "\n") + 1
}

// pad fills every line of s with spaces to w columns, so a column keeps
// its width whatever its content.
func pad(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if n := ansi.StringWidth(l); n < w {
			lines[i] = l + strings.Repeat(" ", w-n)
		}
	}
	return strings.Join(lines, "\n")
}

// clampLines keeps the first n lines of s, ending the last kept one with
// an ellipsis when some were dropped.
func clampLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= n {
		return s
	}
	lines = lines[:n]
	lines[n-1] = strings.TrimRight(lines[n-1], " ") + "…"
	return strings.Join(lines, "\n")
}

// hang wraps text after prefix to width w, indenting the lines after the
// first by the prefix's width.
func hang(prefix, text string, w int) string {
	pw := ansi.StringWidth(prefix)
	lines := strings.Split(wrap(text, w-pw), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = prefix + lines[i]
		} else {
			lines[i] = strings.Repeat(" ", pw) + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}
