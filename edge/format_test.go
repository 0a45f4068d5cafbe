package edge

import (
	"testing"
	"time"
)

func TestFormatsReadTheSameEverywhere(t *testing.T) {
	for _, row := range []struct {
		d        time.Duration
		duration string
		at       string
	}{
		{0, "0 s", "+0.00 s"},
		{800 * time.Microsecond, "0.8 ms", "+0.00 s"},
		{250 * time.Millisecond, "250 ms", "+0.25 s"},
		{1500 * time.Millisecond, "1.5 s", "+1.50 s"},
		{60 * time.Second, "60 s", "+60.00 s"},
		{53789 * time.Millisecond, "53.79 s", "+53.79 s"},
		{3600 * time.Second, "3,600 s", "+3,600.00 s"},
		{-2 * time.Second, "-2 s", "+-2.00 s"},
	} {
		if got := FormatDuration(row.d); got != row.duration {
			t.Errorf("FormatDuration(%v) = %q, want %q", row.d, got, row.duration)
		}
		if row.d >= 0 {
			if got := FormatAt(row.d); got != row.at {
				t.Errorf("FormatAt(%v) = %q, want %q", row.d, got, row.at)
			}
		}
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 12002109: "12,002,109", -4500: "-4,500"} {
		if got := FormatCount(n); got != want {
			t.Errorf("FormatCount(%d) = %q, want %q", n, got, want)
		}
	}
}

// A witness reads in the timeline's format, not Go's.
func TestOpStringUsesTheTimelineFormat(t *testing.T) {
	op := Op{Kind: OpPut, Key: "banner", Value: 2, Label: "put at LHR", Call: 10 * time.Second, Return: 10010588767}
	if got, want := op.String(), "put banner = v2 (put at LHR, +10.00 s to +10.01 s)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
