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
	goCode   bool // the code panel shows the Go source, not its JavaScript twin
}

// startHint is the event line before anything has happened: the three
// keys that start a demo.
const startHint = "▸ space plays · → one event · pgdn plays to the next caption"

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

// codeKey names one drawing of the code panel.
type codeKey struct {
	w, h, cur int
	goSide    bool
}

// renderCode draws the handler source around the line of the latest event
// that has one, that line highlighted: the JavaScript twin (what the
// audience writes) unless the Go the simulator runs was asked for.
func (v *frameCtx) renderCode(ri, w, h int) []line {
	r := v.tr.runs[ri]
	n := v.tr.n(ri, v.c)
	goSide := v.goCode || r.jsCode == nil
	cur := int(r.jsLine[n])
	if goSide {
		cur = int(r.goLine[n])
	}
	key := codeKey{w, h, cur, goSide}
	if ls, ok := r.codeCache[key]; ok {
		return ls
	}
	// Before the first line runs, the panel opens on it (unmarked), not
	// on the file's header comment: the code the room is about to see.
	anchor := cur
	if anchor == 0 {
		anchor = firstLine(r.jsLine)
		if goSide {
			anchor = firstLine(r.goLine)
		}
	}
	ls := v.drawCode(r, goSide, cur, anchor, w, h)
	if len(r.codeCache) > 256 {
		clear(r.codeCache)
	}
	r.codeCache[key] = ls
	return ls
}

// firstLine is the first line a table marks, 0 when none.
func firstLine(lines []int32) int {
	for _, l := range lines {
		if l > 0 {
			return int(l)
		}
	}
	return 0
}

func (v *frameCtx) drawCode(r *run, goSide bool, cur, anchor, w, h int) []line {
	out := blank(0, h)
	if h <= 0 || w <= 0 {
		return out
	}
	code, title, other := r.jsCode, r.twin.File, "j: Go"
	switch {
	case r.jsCode == nil:
		code, title, other = r.goCode, r.res.Source.File, "no JavaScript twin"
	case goSide:
		code, title, other = r.goCode, r.res.Source.File, "j: JavaScript"
	}
	if cur > 0 {
		title += ":" + strconv.Itoa(cur)
	}
	// The other language's key on the right, when there is room for both.
	v.p.span(&out[0], rPanelTitle, fit(title, w))
	if out[0].w+2+textWidth(other) <= w {
		out[0].pad(w - textWidth(other))
		v.p.span(&out[0], rDim, other)
	}
	out[0].pad(w)
	body := h - 1
	if body <= 0 || len(code) == 0 {
		for i := 1; i < h; i++ {
			out[i].pad(w)
		}
		return out
	}
	noW := len(strconv.Itoa(len(code)))
	textW := w - noW - 2
	// The current line is the point of the panel: it wraps onto as many
	// rows as it needs (the rest are cut), so the whole statement shows.
	var curRows []string
	if cur > 0 && cur <= len(code) {
		curRows = wrapCode(code[cur-1].text(), textW)
	}
	extra := max(len(curRows)-1, 0)
	// Keep the current line a third of the way down, so the code it leads
	// to is visible.
	first := 1
	if anchor > 0 {
		first = anchor - body/3
	}
	first = max(1, min(first, len(code)-(body-extra)+1))
	y := 1
	for ln := first; y < h; ln++ {
		b := &out[y]
		if ln > len(code) {
			b.pad(w)
			y++
			continue
		}
		no := strconv.Itoa(ln)
		no = strings.Repeat(" ", noW-len(no)) + no
		if ln == cur {
			for i, row := range curRows {
				if y >= h {
					break
				}
				b = &out[y]
				if i == 0 {
					v.p.span(b, rCodeMarker, "▶")
					v.p.span(b, rCodeCurrent, fit(no+" ", w-1))
				} else {
					v.p.span(b, rCodeCurrent, strings.Repeat(" ", min(noW+2, w)))
				}
				v.p.span(b, rCodeCurrent, fit(row, w-b.w))
				if b.w < w {
					v.p.span(b, rCodeCurrent, strings.Repeat(" ", w-b.w))
				}
				y++
			}
			continue
		}
		v.p.span(b, rCodeNo, fit(" "+no+" ", w))
		room := w - b.w
		for _, sp := range code[ln-1].spans {
			if room <= 0 {
				break
			}
			text := sp.text
			if textWidth(text) > room {
				text = fit(text, room)
			}
			v.p.span(b, sp.role, text)
			room = w - b.w
		}
		b.pad(w)
		y++
	}
	return out
}

// wrapCode breaks a line of code into rows of at most w cells, at spaces
// where it can; continuation rows are indented two cells past the line's
// own indentation.
func wrapCode(text string, w int) []string {
	if w <= 0 {
		return nil
	}
	if textWidth(text) <= w {
		return []string{text}
	}
	indent := len(text) - len(strings.TrimLeft(text, " "))
	pad := strings.Repeat(" ", min(indent+2, w/3))
	var rows []string
	rest := text
	for first := true; rest != ""; first = false {
		prefix := ""
		if !first {
			prefix = pad
			rest = strings.TrimLeft(rest, " ")
		}
		room := w - len(prefix)
		if textWidth(rest) <= room {
			rows = append(rows, prefix+rest)
			break
		}
		cut := cellIndex(rest, room)
		if b := breakAt(rest[:cut]); b > 0 {
			cut = b
		}
		rows = append(rows, prefix+rest[:cut])
		rest = rest[cut:]
	}
	return rows
}

// breakAt is the last place in s a line of code reads well broken at:
// after a space, an opening parenthesis or a comma, or before a dot; 0
// when there is none past the indentation.
func breakAt(s string) int {
	lead := len(s) - len(strings.TrimLeft(s, " "))
	for i := len(s) - 1; i > lead; i-- {
		switch s[i] {
		case '.':
			return i
		case ' ', '(', ',':
			if i+1 < len(s) {
				return i + 1
			}
		}
	}
	return 0
}

// cellIndex is the byte offset where text reaches w cells (at least one
// rune, so a wrap always moves on).
func cellIndex(text string, w int) int {
	used := 0
	for i, r := range text {
		rw := 1
		if r >= 0x80 {
			rw = ansi.StringWidth(string(r))
		}
		if used+rw > w && i > 0 {
			return i
		}
		used += rw
	}
	return len(text)
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

// captionWrap is the width captions wrap to in a column w wide: all of
// it, or in big captions short centred lines that read from the back of
// a room.
func captionWrap(w int, big bool) int {
	if big {
		return min(max(w-4, 1), 64)
	}
	return max(w, 1)
}

// captionNeed is how many lines the run's longest caption (or what the
// demo teaches, shown before the first) takes wrapped to w. The caption
// area is that tall for the whole run, so no caption is ever cut and the
// stage keeps one size while the captions change.
func (r *run) captionNeed(w int) int {
	if n, ok := r.capNeed[w]; ok {
		return n
	}
	n := len(wrap(r.res.Teaches, w))
	for _, c := range r.res.Captions {
		n = max(n, len(wrap(c.Text, w)))
	}
	r.capNeed[w] = n
	return n
}

// renderCaption draws the narration at the cursor, wrapped to w, with the
// previous caption dimmed above it when the whole of it fits too (a
// caption is never cut short). Before the first caption it shows what
// the demo teaches.
func (v *frameCtx) renderCaption(ri, w, h int, big bool) []line {
	out := blank(0, h)
	if h <= 0 || w <= 0 {
		return out
	}
	cur, prev := v.captionText(ri)
	role := rCaption
	if cur == "" {
		cur = v.tr.runs[ri].res.Teaches
	}
	if big {
		role = rCaptionBig
	}
	wrapW := captionWrap(w, big)
	lines := wrap(cur, wrapW)
	y := 0
	if prev != "" && !big {
		if pl := wrap(prev, w); len(pl)+len(lines) <= h {
			for _, ln := range pl {
				v.p.span(&out[y], rCaptionPrev, ln)
				y++
			}
		}
	}
	gap := 1
	if big && 2*len(lines)-1 <= h-y {
		gap = 2 // double spaced when it fits
	}
	if big && gap*len(lines) < h-y {
		y += (h - y - gap*len(lines)) / 2 // centre the big caption vertically
	}
	for i, ln := range lines {
		if y >= h {
			break
		}
		if y >= h-gap && i < len(lines)-1 {
			// Only a window too small for the player's layout gets here:
			// say that more follows.
			ln = fit(ln+" …", wrapW)
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
		title := "metrics (• live: counts as it plays)"
		if textWidth(title) > w {
			title = "metrics (• live)"
		}
		v.p.span(&out[0], rPanelTitle, fit(title, w))
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

// verdict is run ri's verdict at the cursor in plain words, its short
// form (for a column too narrow for the whole explanation) and its role;
// final is false until the run has ended.
func (v *frameCtx) verdict(ri int) (text, short string, ro role, final bool) {
	r := v.tr.runs[ri]
	vd := r.res.Verdict
	if v.tr.n(ri, v.c) < len(r.trace()) || v.c.t < r.res.End {
		return "◌ the verdict comes at the end of the run", "◌ verdict at the end", rVerdictPending, false
	}
	if vd.Model == "" {
		text = "no history was checked in this run"
		return text, text, rVerdictPending, false
	}
	what := vd.Model + " history of " + plural(vd.Checked, "operation")
	if vd.Linearizable {
		short = "✓ linearizable: " + what
		text = short + " is consistent with one operation at a time"
		if vd.Explanation != "" {
			text = "✓ linearizable: " + vd.Explanation
		}
		return text, short, rVerdictOK, true
	}
	short = "✗ not linearizable: " + what
	text = short
	if vd.Explanation != "" {
		text = "✗ not linearizable: " + vd.Explanation
	}
	return text, short, rVerdictBad, true
}

// verdictHead is a verdict's first words, before its colon: the
// shortest form, for the narrowest column.
func verdictHead(short string) string {
	head, _, _ := strings.Cut(short, ":")
	return head
}

// verdictHint follows a final verdict when it fits: the key that shows
// the operations behind it.
const verdictHint = " (i: why)"

// renderVerdict is the porcupine verdict wrapped to w in at most maxH
// lines (the short form when the explanation needs more), followed by
// the key that explains it.
func (v *frameCtx) renderVerdict(ri, w, maxH int) []line {
	text, short, ro, final := v.verdict(ri)
	if !final {
		maxH = 1 // what is still to come takes no room from the stage
	}
	var lines []string
	for _, t := range []string{text, short, verdictHead(short)} {
		if lines = wrap(t, w); len(lines) <= maxH {
			break
		}
	}
	if len(lines) > maxH {
		lines = []string{fit(lines[0], w)}
	}
	out := make([]line, len(lines))
	for i, ln := range lines {
		v.p.span(&out[i], ro, ln)
	}
	if last := &out[len(out)-1]; final && last.w+textWidth(verdictHint) <= w {
		v.p.span(last, rDim, verdictHint)
	}
	for i := range out {
		out[i].pad(w)
	}
	return out
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
