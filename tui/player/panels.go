package player

import (
	"math"

	"github.com/charmbracelet/x/ansi"
	"math/bits"
	"strconv"
	"strings"

	"github.com/kvdo/kvdo/demos"
)

// frameCtx is what every panel of one frame reads: the track, the cursor
// and how to paint.
type frameCtx struct {
	tr       *track
	c        cursor
	p        *paint
	noMotion bool
}

// blank returns h empty lines of width w.
func blank(w, h int) []line {
	out := make([]line, max(h, 0))
	for i := range out {
		out[i].pad(w)
	}
	return out
}

// fit cuts text to w cells, ending with "…" when cut.
func fit(text string, w int) string {
	if w <= 0 {
		return ""
	}
	tw := textWidth(text)
	if tw <= w {
		return text
	}
	if len(text) == tw { // ASCII: one byte per cell
		return text[:w-1] + "…"
	}
	used := 0
	for i, r := range text {
		rw := 1
		if r >= 0x80 {
			rw = ansi.StringWidth(string(r))
		}
		if used+rw > w-1 {
			return text[:i] + "…"
		}
		used += rw
	}
	return text
}

// wrap breaks text into lines of at most w cells at spaces (a word longer
// than w is cut).
func wrap(text string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	cur, curW := "", 0
	for _, word := range strings.Fields(text) {
		ww := textWidth(word)
		if ww > w {
			word, ww = fit(word, w), w
		}
		switch {
		case curW == 0:
			cur, curW = word, ww
		case curW+1+ww <= w:
			cur, curW = cur+" "+word, curW+1+ww
		default:
			out = append(out, cur)
			cur, curW = word, ww
		}
	}
	if curW > 0 {
		out = append(out, cur)
	}
	return out
}

// renderCode draws the handler source around the line of the latest event
// that has one, that line highlighted.
func (v *frameCtx) renderCode(ri, w, h int) []line {
	r := v.tr.runs[ri]
	cur := int(r.codeLine[v.tr.n(ri, v.c)])
	key := [3]int{w, h, cur}
	if ls, ok := r.codeCache[key]; ok {
		return ls
	}
	ls := v.drawCode(r, cur, w, h)
	if len(r.codeCache) > 256 {
		clear(r.codeCache)
	}
	r.codeCache[key] = ls
	return ls
}

func (v *frameCtx) drawCode(r *run, cur, w, h int) []line {
	out := blank(0, h)
	if h <= 0 || w <= 0 {
		return out
	}
	title := r.res.Source.File
	if cur > 0 {
		title += ":" + strconv.Itoa(cur)
	}
	v.p.span(&out[0], rPanelTitle, fit(title, w))
	out[0].pad(w)
	body := h - 1
	if body <= 0 || len(r.code) == 0 {
		for i := 1; i < h; i++ {
			out[i].pad(w)
		}
		return out
	}
	// Keep the current line a third of the way down, so the code it leads
	// to is visible.
	first := 1
	if cur > 0 {
		first = cur - body/3
	}
	first = max(1, min(first, len(r.code)-body+1))
	noW := len(strconv.Itoa(len(r.code)))
	for i := range body {
		b := &out[i+1]
		ln := first + i
		if ln > len(r.code) {
			b.pad(w)
			continue
		}
		isCur := ln == cur
		no := strconv.Itoa(ln)
		no = strings.Repeat(" ", noW-len(no)) + no
		if isCur {
			v.p.span(b, rCodeMarker, "▶")
			v.p.span(b, rCodeCurrent, fit(no+" ", w-1))
		} else {
			v.p.span(b, rCodeNo, fit(" "+no+" ", w))
		}
		room := w - b.w
		for _, sp := range r.code[ln-1].spans {
			if room <= 0 {
				break
			}
			text := sp.text
			if textWidth(text) > room {
				text = fit(text, room)
			}
			ro := sp.role
			if isCur {
				ro = rCodeCurrent
			}
			v.p.span(b, ro, text)
			room = w - b.w
		}
		if isCur && b.w < w {
			v.p.span(b, rCodeCurrent, strings.Repeat(" ", w-b.w))
		}
		b.pad(w)
	}
	return out
}

// captionText returns the caption on screen for run ri and the one before
// it, "" when none.
func (v *frameCtx) captionText(ri int) (cur, prev string) {
	r := v.tr.runs[ri]
	ci := int(r.capCur[v.tr.n(ri, v.c)])
	if ci >= 0 {
		cur = r.res.Captions[ci].Text
	}
	if ci >= 1 {
		prev = r.res.Captions[ci-1].Text
	}
	return cur, prev
}

// renderCaption draws the narration at the cursor, wrapped to w, with the
// previous caption dimmed above it when there is room. Before the first
// caption it shows what the demo teaches.
func (v *frameCtx) renderCaption(ri, w, h int, big bool) []line {
	out := blank(0, h)
	if h <= 0 || w <= 0 {
		return out
	}
	cur, prev := v.captionText(ri)
	role := rCaption
	if cur == "" {
		cur, role = v.tr.runs[ri].res.Teaches, rDim
	}
	if big {
		role = rCaptionBig
		if cur == v.tr.runs[ri].res.Teaches {
			role = rDim
		}
	}
	y := 0
	if prev != "" && h >= 3 && !big {
		v.p.span(&out[0], rCaptionPrev, fit(prev, w))
		y = 1
	}
	wrapW := w
	if big {
		// Short lines read from the back of a room; centred, and double
		// spaced when they fit.
		wrapW = min(max(w-4, 1), 64)
	}
	lines := wrap(cur, wrapW)
	gap := 1
	if big && 2*len(lines)-1 <= h-y {
		gap = 2
	}
	if big && gap*len(lines) < h-y {
		y += (h - y - gap*len(lines)) / 2 // centre the big caption vertically
	}
	for i, ln := range lines {
		if y >= h {
			break
		}
		if y >= h-gap && i < len(lines)-1 {
			ln = fit(ln+" …", wrapW) // more than fits: say so
		}
		b := &out[y]
		if big {
			b.pad((w - textWidth(ln)) / 2)
		}
		v.p.span(b, role, ln)
		y += gap
	}
	for i := range out {
		out[i].pad(w)
	}
	return out
}

// metricValue is a metric's figure at the cursor: a live count grows with
// the cursor; a final figure shows only once the run has ended.
func (v *frameCtx) metricValue(ri, mi int) (string, role) {
	r := v.tr.runs[ri]
	m := r.res.Metrics[mi]
	n := v.tr.n(ri, v.c)
	if r.live[mi] != nil {
		ro := rMetricLive
		if m.Highlight {
			ro = rMetricHot
		}
		return demos.FormatCount(int64(r.live[mi][n])), ro
	}
	// A final metric (m.Final) exists only once the run is over.
	if n < len(r.trace()) {
		return "at end", rMetricPending
	}
	ro := rMetricFinal
	if m.Highlight {
		ro = rMetricHot
	}
	return demos.FormatMetric(m), ro
}

// renderMetrics lists the run's metrics at the cursor, name left, figure
// right; a title row when titled.
func (v *frameCtx) renderMetrics(ri, w, h int, titled bool) []line {
	out := blank(0, h)
	if h <= 0 || w <= 0 {
		return out
	}
	r := v.tr.runs[ri]
	y := 0
	if titled {
		v.p.span(&out[0], rPanelTitle, fit("metrics (live ones count as it plays)", w))
		y = 1
	}
	for mi, m := range r.res.Metrics {
		if y >= h {
			break
		}
		val, ro := v.metricValue(ri, mi)
		nameW := w - textWidth(val) - 1
		b := &out[y]
		mark := " "
		if r.live[mi] != nil {
			mark = "•"
		}
		v.p.span(b, ro, mark)
		v.p.span(b, rMetricName, fit(m.Name, nameW-1))
		b.pad(w - textWidth(val))
		v.p.span(b, ro, val)
		y++
	}
	for i := range out {
		out[i].pad(w)
	}
	return out
}

// renderMetricStrip puts the highlighted and live metrics on one line,
// for layouts without a side panel.
func (v *frameCtx) renderMetricStrip(ri, w int) line {
	var b line
	r := v.tr.runs[ri]
	for mi, m := range r.res.Metrics {
		if r.live[mi] == nil && !m.Highlight {
			continue
		}
		val, ro := v.metricValue(ri, mi)
		item := m.Name + " "
		need := textWidth(item) + textWidth(val) + 3
		if b.w+need > w {
			break
		}
		if b.w > 0 {
			v.p.span(&b, rDim, " · ")
		}
		v.p.span(&b, rMetricName, item)
		v.p.span(&b, ro, val)
	}
	b.pad(w)
	return b
}

var sparkRunes = []rune(" ▁▂▃▄▅▆▇█")

// spark is the run's event density over w columns (0 none, 1..8 a level
// that grows with the log of the count), computed once per width.
func (r *run) spark(w int, end int64) []uint8 {
	if s, ok := r.sparkCache[w]; ok && len(s) == w {
		return s
	}
	counts := make([]int, w)
	for _, ev := range r.trace() {
		counts[colOf(int64(ev.At), end, w)]++
	}
	s := make([]uint8, w)
	for i, n := range counts {
		if n > 0 {
			s[i] = uint8(min(bits.Len(uint(n)), 8))
		}
	}
	r.sparkCache[w] = s
	return s
}

func colOf(at, end int64, w int) int {
	if end <= 0 || w <= 0 {
		return 0
	}
	return min(int(float64(at)/float64(end)*float64(w)), w-1)
}

// renderTimeline draws the scrubber: a density row per run (a tick per
// event, taller where events crowd), then the track with a mark per
// caption, the cursor and the clock.
func (v *frameCtx) renderTimeline(w int) []line {
	end := int64(v.tr.end)
	clk := " " + clock(v.c.t) + " / " + strings.TrimPrefix(clock(v.tr.end), "+")
	barW := w - textWidth(clk)
	if barW < 8 {
		barW, clk = w, ""
	}
	curCol := colOf(int64(v.c.t), end, barW)
	if v.tr.atEnd(v.c) {
		curCol = barW - 1
	}
	var out []line
	for _, r := range v.tr.runs {
		var b line
		s := r.spark(barW, end)
		played := []rune{}
		future := []rune{}
		for i, lv := range s {
			if i <= curCol {
				played = append(played, sparkRunes[lv])
			} else {
				future = append(future, sparkRunes[lv])
			}
		}
		v.p.span(&b, rPlayed, string(played))
		v.p.span(&b, rFuture, string(future))
		b.pad(w)
		out = append(out, b)
	}
	marks := make([]bool, barW)
	for _, r := range v.tr.runs {
		for _, c := range r.res.Captions {
			marks[colOf(int64(c.At), end, barW)] = true
		}
	}
	var b line
	var run []rune
	runRole := rPlain
	flush := func() {
		v.p.span(&b, runRole, string(run))
		run = run[:0]
	}
	for i := range barW {
		g, ro := '─', rFuture
		if i < curCol {
			g, ro = '━', rPlayed
		}
		if marks[i] {
			g, ro = '◆', rMark
		}
		if i == curCol {
			g, ro = '●', rCursor
		}
		if ro != runRole {
			flush()
			runRole = ro
		}
		run = append(run, g)
	}
	flush()
	v.p.span(&b, rClock, clk)
	b.pad(w)
	return append(out, b)
}

// verdictLine is the porcupine verdict in one line of plain words, once
// the run has ended.
func (v *frameCtx) verdictLine(ri, w int) line {
	var b line
	r := v.tr.runs[ri]
	vd := r.res.Verdict
	if v.tr.n(ri, v.c) < len(r.trace()) || v.c.t < r.res.End {
		v.p.span(&b, rVerdictPending, fit("◌ the verdict comes at the end of the run", w))
		b.pad(w)
		return b
	}
	if vd.Model == "" {
		v.p.span(&b, rVerdictPending, fit("no history was checked in this run", w))
		b.pad(w)
		return b
	}
	what := vd.Model + " history of " + plural(vd.Checked, "operation")
	if vd.Linearizable {
		text := "✓ linearizable: " + what + " is consistent with one operation at a time"
		if vd.Explanation != "" {
			text = "✓ linearizable: " + vd.Explanation
		}
		v.p.span(&b, rVerdictOK, fit(text, w))
	} else {
		text := "✗ not linearizable: " + vd.Explanation
		if vd.Explanation == "" {
			text = "✗ not linearizable: " + what
		}
		v.p.span(&b, rVerdictBad, fit(text, w))
	}
	b.pad(w)
	return b
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// speeds are the playback rates, in virtual seconds per wall second.
var speeds = []float64{0.25, 0.5, 1, 2, 4, 8, 16, 32, 64}

func speedIndex(s float64) int {
	best := 0
	for i, x := range speeds {
		if math.Abs(x-s) < math.Abs(speeds[best]-s) {
			best = i
		}
	}
	return best
}
