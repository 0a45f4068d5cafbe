package player

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kvdo/kvdo/demos"
)

// cursorsFor names the cursors each demo is drawn at: before anything
// happens, at the caption in the middle of the run, and at the end.
func cursorsFor(p Player) []struct {
	name string
	c    cursor
} {
	tr := p.tr
	mid := tr.start()
	if len(tr.caps) > 0 {
		mid = tr.settle(tr.caps[len(tr.caps)/2])
	}
	return []struct {
		name string
		c    cursor
	}{{"start", tr.start()}, {"caption", mid}, {"end", tr.finish()}}
}

// The golden matrix (go test ./tui/player -update rewrites it; review the
// diff): every demo at three cursors, at 80x24 and 120x40, map and lanes,
// on a dark background; on a light one, every demo in both views at its
// middle caption at 80x24; compare mode of each demo's two main runs at
// both sizes; and the workshop aids once. That is 115 frames rather than the full cross product of
// 168 plus compare: colours are the only difference light makes, and
// they come from one palette.
func TestFramesMatchGolden(t *testing.T) {
	// The workshop aids, once: big captions, the verdict explained, the
	// parameter form.
	for _, aid := range []struct{ name, keys string }{{"big-captions", "b"}, {"verdict-explained", "i"}, {"parameters", "e"}} {
		t.Run("race/120x40/"+aid.name, func(t *testing.T) {
			p := newTestPlayer(t, "race", "", 120, 40, true)
			p.c = cursorsFor(p)[1].c
			if aid.name == "verdict-explained" {
				p.c = p.tr.finish()
			}
			golden.RequireEqual(t, press(t, p, aid.keys).View())
		})
	}
	for _, d := range demos.All() {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			for _, view := range []string{"map", "lanes"} {
				p := newTestPlayer(t, d.ID, "", size[0], size[1], true)
				p.lanes = view == "lanes"
				for _, cur := range cursorsFor(p) {
					t.Run(fmt.Sprintf("%s/%dx%d/%s/dark/%s", d.ID, size[0], size[1], view, cur.name), func(t *testing.T) {
						q := p
						q.c = cur.c
						golden.RequireEqual(t, q.View())
					})
				}
			}
		}
		for _, view := range []string{"map", "lanes"} {
			t.Run(fmt.Sprintf("%s/80x24/%s/light/caption", d.ID, view), func(t *testing.T) {
				p := newTestPlayer(t, d.ID, "", 80, 24, false)
				p.lanes = view == "lanes"
				p.c = cursorsFor(p)[1].c
				golden.RequireEqual(t, p.View())
			})
		}
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s/%dx%d/compare", d.ID, size[0], size[1]), func(t *testing.T) {
				p := press(t, newTestPlayer(t, d.ID, "", size[0], size[1], true), "c")
				if !p.compare || len(p.tr.runs) != 2 {
					t.Fatalf("c did not open compare mode: %+v", p.State())
				}
				p.c = cursorsFor(p)[1].c
				golden.RequireEqual(t, p.View())
			})
		}
	}
}
