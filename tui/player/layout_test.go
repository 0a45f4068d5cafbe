package player

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kvdo/kvdo/demos"
)

// squash joins lines with single spaces, so wrapped, padded, centred and
// double-spaced text reads as one run of words.
func squash(lines []string) string {
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
}

// columns splits a stripped frame into the text of each run's column
// (one column, or the two of compare mode on either side of the gutter).
func columns(frame string, runs, w int) []string {
	lines := strings.Split(ansi.Strip(frame), "\n")
	if runs == 1 {
		return []string{squash(lines)}
	}
	colW := (w - 1) / 2
	var left, right []string
	for _, l := range lines {
		r := []rune(l)
		if len(r) <= colW {
			left = append(left, string(r))
			continue
		}
		left = append(left, string(r[:colW]))
		right = append(right, string(r[colW+1:]))
	}
	return []string{squash(left), squash(right)}
}

// Captions are the teaching: at every caption of every demo and variant,
// alone, in big captions and in compare mode, at the sizes a workshop
// uses, the whole caption is on screen (the stage gives up lines
// instead); so is the verdict at the end, whole or in one of its shorter
// forms, never cut.
func TestCaptionsAreNeverCut(t *testing.T) {
	sizes := [][2]int{{80, 24}, {60, 20}, {120, 40}, {200, 60}}
	for _, d := range demos.All() {
		for _, variant := range d.VariantIDs() {
			for _, mode := range []string{"alone", "big", "compare"} {
				if mode == "compare" && variant != d.VariantIDs()[0] {
					continue // compare shows the first two variants from any
				}
				t.Run(fmt.Sprintf("%s/%s/%s", d.ID, variant, mode), func(t *testing.T) {
					p := newTestPlayer(t, d.ID, variant, 80, 24, true)
					// The lanes lay captions out as the map does and draw
					// without replaying the run's state at each cursor.
					p.lanes = true
					switch mode {
					case "big":
						p.big = true
					case "compare":
						p = press(t, p, "c")
					}
					v := &frameCtx{tr: p.tr}
					for _, size := range sizes {
						w, h := size[0], size[1]
						p.SetSize(w, h)
						check := func(c cursor, what string) {
							t.Helper()
							p.c, v.c = c, c
							cols := columns(p.View(), len(p.tr.runs), w)
							for ri := range p.tr.runs {
								cur, _ := v.captionText(ri)
								if cur == "" {
									cur = p.tr.runs[ri].res.Teaches
								}
								if want := squash([]string{cur}); !strings.Contains(cols[ri], want) {
									t.Fatalf("%dx%d, %s: run %d's caption is not all on screen:\n%q\nscreen:\n%s", w, h, what, ri, want, ansi.Strip(p.View()))
								}
							}
						}
						check(p.tr.start(), "start")
						for _, k := range p.tr.caps {
							check(p.tr.settle(k), fmt.Sprintf("caption at %d", k))
						}
						p.c, v.c = p.tr.finish(), p.tr.finish()
						cols := columns(p.View(), len(p.tr.runs), w)
						for ri := range p.tr.runs {
							text, short, _, _ := v.verdict(ri)
							whole := false
							for _, form := range []string{text, short, verdictHead(short)} {
								whole = whole || strings.Contains(cols[ri], squash([]string{form}))
							}
							if !whole || strings.Contains(cols[ri], "linearizable…") {
								t.Fatalf("%dx%d: run %d's verdict is cut:\n%s", w, h, ri, ansi.Strip(p.View()))
							}
						}
					}
				})
			}
		}
	}
}
