package tui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
)

// screenSetups reach each screen from a fresh model by the keys a person
// would press. Every screen has goldens at the design size and a large
// size, on a dark and a light background (go test ./tui -update rewrites
// them; review the diff).
var screenSetups = []struct {
	name  string
	steps func(tb testing.TB, m Model) Model
}{
	{"home", func(tb testing.TB, m Model) Model { return m }},
	{"home-help", func(tb testing.TB, m Model) Model { return step(tb, m, keys("?")...) }},
	{"demos", func(tb testing.TB, m Model) Model { return step(tb, m, keys("d")...) }},
	{"demo", func(tb testing.TB, m Model) Model { return step(tb, m, keys("d", "enter")...) }},
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
					m := sc.steps(t, newTestModel(t, size.w, size.h, dark))
					golden.RequireEqual(t, m.View().Content)
				})
			}
		}
	}
}

func TestEveryScreenFitsTheWindowAtEverySize(t *testing.T) {
	sizes := []struct{ w, h int }{{1, 1}, {2, 1}, {10, 3}, {59, 19}, {60, 20}, {80, 24}, {200, 60}}
	for _, sc := range screenSetups {
		for _, size := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, size.w, size.h), func(t *testing.T) {
				m := sc.steps(t, newTestModel(t, 80, 24, true))
				m = step(t, m, tea.WindowSizeMsg{Width: size.w, Height: size.h})
				assertFits(t, m.View().Content, size.w, size.h)
			})
		}
	}
}
