package demos

import (
	"time"

	"github.com/kvdo/kvdo/edge"
)

// One way to write times and counts everywhere a demo speaks: captions,
// notes, outcomes, tables and the headless timeline. The player uses the
// exported forms so that its screen reads the same.

// FormatDuration writes a duration the way people say it: "0.8 ms",
// "250 ms", "1.5 s", "60 s", "3,600 s"; nothing at all is "0 s".
func FormatDuration(d time.Duration) string { return edge.FormatDuration(d) }

// FormatAt writes a moment of the run as an offset from its start, with
// two decimals so that a timeline's column lines up: "+60.41 s".
func FormatAt(d time.Duration) string { return edge.FormatAt(d) }

// FormatCount writes a count with thousands separators: "12,002,109".
func FormatCount(n int64) string { return edge.FormatCount(n) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func secs(d time.Duration) float64 { return float64(d) / float64(time.Second) }

// fmtDur and fmtAt are the package's short names for the two formats.
func fmtDur(d time.Duration) string { return FormatDuration(d) }

func fmtAt(d time.Duration) string { return FormatAt(d) }

// plural spells a count with its noun: "1 request", "3 requests",
// "1,200 requests".
func plural(n int, noun string) string {
	return count(n, noun, noun+"s")
}

// count spells a count with a noun whose plural is not just an added s.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return FormatCount(int64(n)) + " " + many
}

// times spells how often: "once", "twice", "3 times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return FormatCount(int64(n)) + " times"
}
