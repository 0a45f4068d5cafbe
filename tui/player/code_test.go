package player

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kvdo/kvdo/demos"
)

// markedLine is the line number the code panel marks with ▶, 0 when none.
func markedLine(t *testing.T, panel []line) int {
	t.Helper()
	for _, l := range panel {
		s := ansi.Strip(l.String())
		if rest, ok := strings.CutPrefix(s, "▶"); ok {
			n, err := strconv.Atoi(strings.Fields(rest)[0])
			if err != nil {
				t.Fatalf("marked row %q has no line number", s)
			}
			return n
		}
	}
	return 0
}

// For every demo and variant, at every event, the code panel marks the
// JavaScript line whose step is the step of the Go line the event came
// from; an event from the kernel (no site) keeps the line before it. The
// Go side, one key away, marks the event's own site.
func TestTheCodePanelMarksTheJavaScriptTwinOfEachEventsLine(t *testing.T) {
	for _, d := range demos.All() {
		for _, variant := range d.VariantIDs() {
			t.Run(d.ID+"/"+variant, func(t *testing.T) {
				p := newTestPlayer(t, d.ID, variant, 120, 40, true)
				r := p.tr.runs[0]
				if r.jsCode == nil {
					t.Fatalf("no JavaScript twin for %s", r.res.Source.File)
				}
				v := &frameCtx{tr: p.tr, p: p.paint}
				sited, prevJS, prevGo := 0, 0, 0
				for i, ev := range r.trace() {
					js, goLine := int(r.jsLine[i+1]), int(r.goLine[i+1])
					if ev.Site == "" {
						if js != prevJS || goLine != prevGo {
							t.Fatalf("event %d (%s, no site) moved the mark: js %d→%d, go %d→%d", i, ev.Kind, prevJS, js, prevGo, goLine)
						}
						continue
					}
					sited++
					want, ok := r.twin.Step(ev.Site)
					if !ok {
						t.Fatalf("event %d at %s: that Go line names no step", i, ev.Site)
					}
					site, ok := r.twin.GoSite(js)
					got, _ := r.twin.Step(site)
					if !ok || got != want {
						t.Fatalf("event %d at %s (step %s): JavaScript line %d has step %q", i, ev.Site, want, js, got)
					}
					if fmt.Sprintf("%s:%d", r.res.Source.File, goLine) != ev.Site {
						t.Fatalf("event %d at %s: the Go side marks line %d", i, ev.Site, goLine)
					}
					// What is drawn is what is tabled, on both sides.
					if js != prevJS || goLine != prevGo {
						v.c = p.tr.settle(i + 1)
						v.goCode = false
						if m := markedLine(t, v.renderCode(0, 36, 30)); m != js {
							t.Fatalf("event %d: the panel marks JavaScript line %d, want %d", i, m, js)
						}
						v.goCode = true
						if m := markedLine(t, v.renderCode(0, 36, 30)); m != goLine {
							t.Fatalf("event %d: the panel marks Go line %d, want %d", i, m, goLine)
						}
					}
					prevJS, prevGo = js, goLine
				}
				if sited == 0 {
					t.Fatal("no event carries a site: nothing was checked")
				}
			})
		}
	}
}

func TestTheCodeKeyFlipsBetweenJavaScriptAndGo(t *testing.T) {
	p := newTestPlayer(t, "race", "", 120, 40, true)
	p.c = cursorsFor(p)[1].c
	title := func(p Player) string {
		for _, l := range strings.Split(ansi.Strip(p.View()), "\n") {
			if i := strings.Index(l, "race_worker."); i >= 0 {
				return strings.Fields(l[i:])[0]
			}
		}
		return ""
	}
	r := p.tr.runs[0]
	n := p.tr.n(0, p.c)
	if got, want := title(p), "race_worker.js:"+strconv.Itoa(int(r.jsLine[n])); got != want || p.State().GoCode {
		t.Fatalf("opens on %q (go %v), want %q", got, p.State().GoCode, want)
	}
	p = press(t, p, "j")
	if got, want := title(p), "race_worker.go:"+strconv.Itoa(int(r.goLine[n])); got != want || !p.State().GoCode {
		t.Fatalf("after j: %q, want %q", got, want)
	}
	if p = press(t, p, "j"); !strings.HasPrefix(title(p), "race_worker.js:") {
		t.Fatalf("j again: %q", title(p))
	}
}

// The step comments that join the two files are kvdo's bookkeeping: the
// panel does not show them, and every line keeps its number.
func TestTheCodePanelLeavesOutStepComments(t *testing.T) {
	for _, d := range demos.All() {
		tw, err := d.Twin()
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range []struct{ lang, code string }{{"go", d.Source.Code}, {"javascript", tw.Code}} {
			lines := codeLines(src.lang, src.code)
			want := strings.Split(strings.TrimSuffix(src.code, "\n"), "\n")
			if len(lines) != len(want) {
				t.Fatalf("%s %s: %d lines, the source has %d", d.ID, src.lang, len(lines), len(want))
			}
			for i, l := range lines {
				got := l.text()
				exp := strings.ReplaceAll(want[i], "\t", "  ")
				if loc := stepMarker(exp); loc >= 0 {
					exp = strings.TrimRight(exp[:loc], " ")
				}
				if got != exp {
					t.Fatalf("%s %s line %d: %q, want %q", d.ID, src.lang, i+1, got, exp)
				}
			}
		}
	}
}

// stepMarker is where a line's trailing step comment starts, -1 none.
func stepMarker(s string) int {
	i := strings.LastIndex(s, "// step:")
	if i < 0 {
		i = strings.LastIndex(s, "//step:")
	}
	return i
}

func TestLongCodeLinesWrapAtReadableBreaks(t *testing.T) {
	rows := wrapCode(`    const count = await this.env.COUNTER.get("count");`, 24)
	for _, r := range rows {
		if textWidth(r) > 24 {
			t.Fatalf("row %q is wider than 24", r)
		}
	}
	joined := strings.Join(rows, "")
	if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(`const count = await this.env.COUNTER.get("count");`, " ", "") {
		t.Fatalf("wrapping lost text: %q", rows)
	}
	if len(rows) < 2 || !strings.HasPrefix(rows[1], "      ") {
		t.Fatalf("continuation rows are indented past the line: %q", rows)
	}
}
