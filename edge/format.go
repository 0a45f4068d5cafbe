package edge

import (
	"strconv"
	"strings"
	"time"
)

// The one way kvdo writes times and counts to people: the trace's own
// texts (a verdict's witnesses) here, and through the demos package's
// forms every caption, note, table and timeline.

// FormatDuration writes a duration the way people say it: "0.8 ms",
// "250 ms", "1.5 s", "60 s", "3,600 s"; nothing at all is "0 s".
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0 s"
	case d < 0:
		return "-" + FormatDuration(-d)
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(millisOf(d), 'f', 1, 64) + " ms"
	case d < time.Second:
		return strconv.FormatFloat(millisOf(d), 'f', 0, 64) + " ms"
	}
	return trimZeros(groupThousands(strconv.FormatFloat(secondsOf(d), 'f', 2, 64))) + " s"
}

// FormatAt writes a moment of the run as an offset from its start, with
// two decimals so that a timeline's column lines up: "+60.41 s".
func FormatAt(d time.Duration) string {
	return "+" + groupThousands(strconv.FormatFloat(secondsOf(d), 'f', 2, 64)) + " s"
}

// FormatCount writes a count with thousands separators: "12,002,109".
func FormatCount(n int64) string {
	return groupThousands(strconv.FormatInt(n, 10))
}

// groupThousands puts commas into the integer part of a decimal number.
func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if len(intPart) > 3 {
		var b strings.Builder
		lead := len(intPart) % 3
		if lead > 0 {
			b.WriteString(intPart[:lead])
		}
		for i := lead; i < len(intPart); i += 3 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(intPart[i : i+3])
		}
		intPart = b.String()
	}
	if hasFrac {
		return sign + intPart + "." + frac
	}
	return sign + intPart
}

// trimZeros drops trailing zeros after a decimal point, and the point.
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func secondsOf(d time.Duration) float64 { return float64(d) / float64(time.Second) }

func millisOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
