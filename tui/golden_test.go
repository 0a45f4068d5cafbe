package tui

import (
	"fmt"
	"os"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
)

// screenSetups reach each screen from a fresh model by the keys a person
// would press. Every screen has goldens at the design size and a large
// size, on a dark and a light background (go test ./tui -update rewrites
// them; review the diff).
var screenSetups = []struct {
	name string
	msgs []tea.Msg
}{
	{"home", nil},
	{"home-help", keys("?")},
	{"open", keys("o")},
	{"open-missing-file", seq(keys("o"), typeText("missing.yaml"), keys("enter"))},
	{"interview-setup", keys("a")},
	{"interview-setup-empty-name", seq(keys("a", "enter", "enter", "enter", "enter"))},
	{"interview-first-question", setupKeys("seat-counter")},
	{"interview-leaning-moved", seq(setupKeys("seat-counter"), keys("y", "y", "y"))},
	{"interview-bad-number", seq(setupKeys("seat-counter"), keys("y", "y", "y"), keys("ctrl+u"), typeText("soon"), keys("enter"))},
	{"interview-choice", seq(setupKeys("seat-counter"), answerKeys(seatCounter, "reader_regions"))},
	{"interview-required-skip", seq(setupKeys("seat-counter"), keys("tab"))},
	{"interview-item-done", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""))},
	{"interview-items", seq(setupKeys("seat-counter"), keys("y", "ctrl+o"))},
	{"interview-items-remove-last", seq(setupKeys("seat-counter"), keys("ctrl+o", "x"))},
	{"interview-add-item", seq(setupKeys("seat-counter"), keys("ctrl+o", "a"), typeText("seat-counter"), keys("enter"))},
	{"interview-note", seq(setupKeys("seat-counter"), keys("ctrl+t"), typeText("Owned by the ticketing team."))},
	{"interview-missing-answers", seq(setupKeys("seat-counter"), keys("y", "ctrl+r"))},
	{"interview-help", seq(setupKeys("seat-counter"), keys("?"))},
	{"recommend", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r"))},
	{"recommend-second-item", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("enter"),
		typeText("session-flag"), keys("enter"), answerKeys(sessionFlag, ""), keys("ctrl+r", "tab"))},
	{"recommend-scrolled", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "pgdown", "pgdown"))},
	{"recommend-record", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "m"))},
	{"recommend-edit", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "e"))},
	{"recommend-edited", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "e", "enter", "n"))},
	{"export", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "x"))},
	{"export-written", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "x", "right", "enter"))},
	{"export-overwrite", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "x", "enter", "enter"))},
	{"export-adr", seq(setupKeys("seat-counter"), answerKeys(seatCounter, ""), keys("ctrl+r", "x", "left", "enter"))},
	{"learn", keys("l")},
	{"learn-glossary", keys("l", "tab")},
	{"learn-facts", keys("l", "tab", "tab")},
	{"learn-facts-filtered", seq(keys("l", "tab", "tab", "/"), typeText("cachettl"), keys("enter"))},
	{"demos", keys("d")},
	{"demo", keys("d", "enter")},
}

var goldenSizes = []struct{ w, h int }{{80, 24}, {120, 40}}

func TestScreensMatchGolden(t *testing.T) {
	for _, sc := range screenSetups {
		for _, size := range goldenSizes {
			for _, dark := range []bool{true, false} {
				theme := "light"
				if dark {
					theme = "dark"
				}
				t.Run(fmt.Sprintf("%s/%dx%d/%s", sc.name, size.w, size.h, theme), func(t *testing.T) {
					frame := inTempDir(t, func() string {
						return step(t, newTestModel(t, size.w, size.h, dark), sc.msgs...).View().Content
					})
					golden.RequireEqual(t, frame)
				})
			}
		}
	}
}

func TestTooSmallAWindowAsksToEnlargeIt(t *testing.T) {
	for _, size := range []struct{ w, h int }{{59, 24}, {80, 19}, {20, 5}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := newTestModel(t, size.w, size.h, true)
			golden.RequireEqual(t, m.View().Content)
		})
	}
}

func TestEveryScreenFitsTheWindowAtEverySize(t *testing.T) {
	sizes := []struct{ w, h int }{{1, 1}, {2, 1}, {10, 3}, {59, 19}, {60, 20}, {61, 21}, {80, 24}, {200, 60}}
	for _, sc := range screenSetups {
		t.Run(sc.name, func(t *testing.T) {
			inTempDir(t, func() string {
				m := step(t, newTestModel(t, 80, 24, true), sc.msgs...)
				for _, size := range sizes {
					m = step(t, m, tea.WindowSizeMsg{Width: size.w, Height: size.h})
					assertFits(t, m.View().Content, size.w, size.h)
				}
				return ""
			})
		})
	}
}

// inTempDir runs f in a fresh temporary directory, so review files land
// there under the names a person would see, and returns to the package
// directory (where the goldens live) before f's result is compared.
func inTempDir(t *testing.T, f func() string) string {
	t.Helper()
	orig, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(fastTempDir(t))
	defer func() {
		if err := os.Chdir(orig); err != nil {
			t.Fatal(err)
		}
	}()
	return f()
}

// fastTempDir is a temporary directory on a memory file system when there
// is one: every answer is saved with an fsync, which costs tens of
// milliseconds on a disk and nothing in memory.
func fastTempDir(t testing.TB) string {
	t.Helper()
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "kvdo-test-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}
