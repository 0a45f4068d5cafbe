package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Issue 14: an answers file's notes carried escape sequences (a
// clipboard write, a clear-screen) and control characters to the
// terminal. The review file keeps them; every screen that shows them,
// the record rendered with glamour included, shows them visibly.
func TestNotesFromAFileCannotDriveTheTerminal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "review.yaml")
	src := "version: 1\nitems:\n  - name: x\n    notes: \"bs\\b bell\\a nul\\0 osc\\e]52;c;SGVsbG8=\\a clear\\e[2J csi\\u009b2J end\"\n" +
		"    answers: {read_your_writes: false, concurrent_writers: false, atomic_update: false, staleness_tolerance_s: 60, reads_per_s: 10, writes_per_s_per_key: 0.01, value_bytes: 100, reader_regions: one}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, screen := range []struct {
		name string
		keys []string
	}{{"recommendation", []string{"ctrl+r", "pgdown", "pgdown", "pgdown"}}, {"record", []string{"ctrl+r", "m", "pgdown", "pgdown"}}} {
		t.Run(screen.name, func(t *testing.T) {
			m := newTestModel(t, 100, 60, true, func(o *Options) {
				o.Start, o.Review, o.Resume = StartInterview, path, true
			})
			seen := false
			for _, k := range append([]string{""}, screen.keys...) {
				if k != "" {
					m = step(t, m, press(k))
				}
				view := m.View().Content
				for _, bad := range []string{"\x1b]52", "\x1b[2J", "\u009b"} {
					if strings.Contains(view, bad) {
						t.Fatalf("%q reached the screen", bad)
					}
				}
				for _, r := range ansi.Strip(view) {
					if r < 0x20 && r != '\n' && r != '\t' {
						t.Fatalf("control character U+%04X on the screen", r)
					}
				}
				seen = seen || strings.Contains(ansi.Strip(view), "osc␛]52;c;SGVsbG8=␇")
			}
			if !seen {
				t.Error("the notes were not shown, with their control characters visible")
			}
		})
	}
	if b, _ := os.ReadFile(path); string(b) != src {
		t.Error("the review file changed: it must keep the notes exactly")
	}
}
