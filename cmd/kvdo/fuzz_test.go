package main

import (
	"strings"
	"testing"
)

// FuzzAdviseFlags fuzzes the values of advise's flags that take one
// (--date, --status, --detail, --format) on the example review: kvdo
// answers 0 or 2 with a message, never anything else. --format adr is
// left out: it writes into the working directory.
func FuzzAdviseFlags(f *testing.F) {
	f.Add("2026-11-30", "proposed", "concise", "md")
	f.Add("2026-02-30", "accepted", "full", "json")
	f.Add("99999-01-01", "\x1b]52;c;SGVsbG8=\x07", "some", "html")
	f.Add("", "", "", "")
	f.Add("2026-11-30T00:00:00Z", "Proposed", "FULL", "pdf")
	f.Fuzz(func(t *testing.T, date, status, detail, format string) {
		if format == "adr" {
			return
		}
		args := []string{"advise", "--answers", "../../examples/review.yaml", "--format", format, "--status", status, "--detail", detail}
		if date != "" {
			args = append(args, "--date", date)
		}
		code, out, errs := runCapture(t, args...)
		switch code {
		case 0:
			if out == "" {
				t.Fatalf("kvdo %s: exit 0 and no record", strings.Join(args, " "))
			}
		case 2:
			if errs == "" {
				t.Fatalf("kvdo %s: exit 2 without a message", strings.Join(args, " "))
			}
		default:
			t.Fatalf("kvdo %s: exit %d: %s", strings.Join(args, " "), code, errs)
		}
	})
}
