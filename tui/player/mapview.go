package player

import (
	"math"
	"strconv"
	"strings"
)

// mapLayout is the map of one run at one stage size: the projection, the
// land drawn once, and where each point and its label go.
type mapLayout struct {
	w, h    int // stage size
	proj    projection
	ox, oy  int // map offset in the stage
	land    *canvas
	cells   [][2]int // per point: its cell in the stage
	labels  [][2]int // per point: where its label starts; x < 0 when it has none
	labelW  int      // widest label the run needs
	scratch *dots    // routes of messages in flight, reused per frame
	legendY int      // first row under the map, h when none
}

// mapLayoutFor returns the run's map at w x h, computed once per size.
func (r *run) mapLayoutFor(w, h int) *mapLayout {
	key := [2]int{w, h}
	if l, ok := r.mapCache[key]; ok {
		return l
	}
	l := &mapLayout{w: w, h: h}
	mapH := h
	if h >= 6 {
		mapH = h - 2 // the legend and at least one line of the event log
	}
	l.proj = fitProjection(w, mapH)
	l.ox = (w - l.proj.w) / 2
	l.legendY = l.proj.h
	l.land = newCanvas(w, h)
	landDots(l.proj, theMask).drawOn(l.land, l.ox, l.oy, rLand)
	l.scratch = newDots(l.proj.w, l.proj.h)

	var maxVer int64
	for _, ev := range r.trace() {
		if ev.Key == r.state.key {
			maxVer = max(maxVer, ev.Version)
		}
	}
	l.labelW = 3 + len(" v"+strconv.FormatInt(maxVer, 10)) + 1
	if r.state.key != "" {
		l.labelW = max(l.labelW, 3+len(" none")+1)
	}

	occupied := make([]bool, w*h)
	free := func(x, y, n int) bool {
		if y < l.oy || y >= l.oy+l.proj.h || x < 0 || x+n > w {
			return false
		}
		for i := x; i < x+n; i++ {
			if occupied[y*w+i] {
				return false
			}
		}
		return true
	}
	take := func(x, y, n int) {
		for i := x; i < x+n; i++ {
			occupied[y*w+i] = true
		}
	}
	l.cells = make([][2]int, len(r.points))
	l.labels = make([][2]int, len(r.points))
	for i, p := range r.points {
		cx, cy := l.proj.cell(p.lon, p.lat)
		l.cells[i] = [2]int{l.ox + cx, l.oy + cy}
		if l.proj.w > 0 && l.proj.h > 0 {
			take(l.ox+cx, l.oy+cy, 1)
		}
	}
	// Involved PoPs get the best spots; landmarks label only their code.
	order := make([]int, 0, len(r.points))
	for i, p := range r.points {
		if p.involved {
			order = append(order, i)
		}
	}
	for i, p := range r.points {
		if !p.involved {
			order = append(order, i)
		}
	}
	for _, i := range order {
		n := 3
		if r.points[i].involved {
			n = l.labelW
		}
		x, y := l.cells[i][0], l.cells[i][1]
		l.labels[i] = [2]int{-1, -1}
		for _, c := range [][2]int{{x + 1, y}, {x - n, y}, {x + 1, y - 1}, {x + 1, y + 1}, {x - n, y - 1}, {x - n, y + 1}} {
			if free(c[0], c[1], n) {
				take(c[0], c[1], n)
				l.labels[i] = c
				break
			}
		}
	}
	r.mapCache[key] = l
	return l
}

// renderMap draws the world map at the cursor of run i: land, the PoPs
// with the copy each holds (green current, red stale), Durable Objects,
// central stores and origin, and every message in flight placed by
// virtual time between its send and its arrival.
func (v *frameCtx) renderMap(ri int, w, h int) []line {
	r := v.tr.runs[ri]
	n := v.tr.n(ri, v.c)
	t := v.c.t
	c := newCanvas(w, h)
	if w <= 0 || h <= 0 {
		return nil
	}
	l := r.mapLayoutFor(w, h)
	c.copyFrom(l.land)
	st := r.state.at(n)

	// Routes of messages in flight, then their heads on top.
	l.scratch.reset()
	type head struct {
		x, y int
		ro   role
	}
	var heads []head
	for _, m := range r.msgs {
		if m.send >= n {
			break
		}
		if !m.inFlight(n, t) || m.fromPt < 0 || m.toPt < 0 || m.fromPt == m.toPt {
			continue
		}
		a, b := r.points[m.fromPt], r.points[m.toPt]
		f := m.progress(t)
		hx, hy := l.route(a, b, f)
		if !v.noMotion {
			heads = append(heads, head{l.ox + hx, l.oy + hy, m.cat})
		}
	}
	l.scratch.drawOn(c, l.ox, l.oy, rRoute)
	for _, hd := range heads {
		c.set(hd.x, hd.y, '●', hd.ro)
	}

	placed := st.placed
	for i, p := range r.points {
		x, y := l.cells[i][0], l.cells[i][1]
		glyph, ro := '●', rPoP
		switch {
		case placed[i]:
			glyph, ro = '◆', rDO
		case p.central:
			glyph, ro = '■', rCentral
		case p.origin:
			glyph, ro = '▲', rOrigin
		}
		cs := st.copies[i]
		if p.involved && cs.has && !cs.expired {
			ro = rCurrent
			if st.stale(i) {
				ro = rStale
			}
		}
		if !p.involved && !placed[i] && !p.central && !p.origin {
			ro = rAbsent
		}
		c.set(x, y, glyph, ro)
		lx, ly := l.labels[i][0], l.labels[i][1]
		if lx < 0 {
			continue
		}
		lx = c.text(lx, ly, p.code, rPoP)
		if p.involved {
			text, vr := copyLabel(cs)
			c.text(lx, ly, text, vr)
		}
	}

	if l.legendY < h {
		v.mapLegend(r, c, l.legendY, placed)
	}
	out := c.lines(v.p)
	y := l.legendY + 1
	if st.err != nil && y < h {
		out[y] = line{}
		v.p.span(&out[y], rError, fit("state: "+st.err.Error(), w))
		out[y].pad(w)
		y++
	}
	// The objects' lives, from the snapshot: what a map cannot draw.
	for _, o := range st.objects {
		if y >= h-1 {
			break
		}
		out[y] = v.objectLine(o, w)
		y++
	}
	if logH := h - y; logH > 0 {
		copy(out[y:], v.eventLog(ri, w, logH))
	}
	return out
}

// objectLine is one Durable Object's state: phase, queue, gates, storage.
func (v *frameCtx) objectLine(o objectState, w int) line {
	var b line
	v.p.span(&b, rDO, "◆ ")
	text := strings.TrimPrefix(o.actor, "do:") + " at " + o.pop + ": " + string(o.phase)
	if o.queue > 0 {
		text += " · " + strconv.Itoa(o.queue) + " queued"
	}
	text += " · input gate " + o.gate
	if o.held > 0 {
		text += " · " + plural(o.held, "response") + " held at the output gate"
	}
	if o.storage > 0 {
		text += " · " + plural(o.storage, "key") + " stored"
	}
	if o.incarn > 0 {
		text += " · instance " + strconv.Itoa(o.incarn+1)
	}
	v.p.span(&b, rText, fit(text, w-2))
	b.pad(w)
	return b
}

// eventLog lists the latest events of run ri, the newest last and bright,
// in their typed fields: what the map does not say in words.
func (v *frameCtx) eventLog(ri, w, h int) []line {
	r := v.tr.runs[ri]
	n := v.tr.n(ri, v.c)
	out := make([]line, h)
	if n == 0 {
		v.p.span(&out[h-1], rDim, fit("▸ space plays, → steps one event, ⇧→ one caption", w))
	}
	for y := h - 1; y >= 0 && n-(h-y) >= 0; y-- {
		ev := r.trace()[n-(h-y)]
		b := &out[y]
		ro := rDim
		if y == h-1 {
			v.p.span(b, rAccent, "▸ ")
			ro = rText
		} else {
			b.pad(2)
		}
		clk := clock(ev.At) + " "
		v.p.span(b, rLaneTime, fit(clk, w-b.w))
		v.p.span(b, ro, fit(eventLine(ev), w-b.w))
	}
	for i := range out {
		out[i].pad(w)
	}
	return out
}

// copyLabel is what a PoP's label says about its copy: " v2✓" current,
// " v1✗" stale, " none✗" a stale "not found", " v1…" a copy past its life
// (the next read skips it), "" nothing cached. The marks repeat the
// colour for readers without it (NO_COLOR).
func copyLabel(cs copyState) (string, role) {
	if !cs.has {
		return "", rAbsent
	}
	text := " v" + strconv.FormatInt(cs.version, 10)
	if cs.notFound {
		text = " none"
	}
	switch {
	case cs.expired:
		return text + "…", rAbsent
	case cs.stale:
		return text + "✗", rStale
	}
	return text + "✓", rCurrent
}

// mapLegend writes what the marks mean, for the marks this run uses.
func (v *frameCtx) mapLegend(r *run, c *canvas, y int, placed []bool) {
	x := 1
	item := func(g rune, ro role, text string) {
		if x+2+len(text) > c.w {
			return
		}
		c.set(x, y, g, ro)
		x = c.text(x+2, y, text, rDim) + 2
	}
	item('●', rPoP, "PoP")
	hasCopies := r.state.key != ""
	if hasCopies {
		item('✓', rCurrent, "current")
		item('✗', rStale, "stale "+r.state.key)
	}
	var anyDO, anyCentral, anyOrigin bool
	for i, p := range r.points {
		anyDO = anyDO || placed[i]
		anyCentral = anyCentral || p.central
		anyOrigin = anyOrigin || p.origin
	}
	if anyDO {
		item('◆', rDO, "object")
	}
	if anyCentral {
		item('■', rCentral, "KV central")
	}
	if anyOrigin {
		item('▲', rOrigin, "origin")
	}
	item('●', rMsgKV, "message")
}

// route draws the shortest-longitude path from a to b (wrapping across
// the map's edge when that is shorter) into the scratch dots and returns
// the cell at fraction f of the way.
func (l *mapLayout) route(a, b point, f float64) (int, int) {
	dLon := b.lon - a.lon
	if dLon > 180 {
		dLon -= 360
	} else if dLon < -180 {
		dLon += 360
	}
	dLat := b.lat - a.lat
	spanX := math.Abs(dLon) / 360 * l.proj.dw
	spanY := math.Abs(dLat) / (mapLatTop - mapLatBot) * l.proj.dh
	steps := int(math.Max(spanX, spanY)) + 1
	for s := 0; s <= steps; s++ {
		g := float64(s) / float64(steps)
		x, y := l.proj.dot(a.lon+dLon*g, a.lat+dLat*g)
		l.scratch.set(int(x), int(y))
	}
	return l.proj.cell(a.lon+dLon*f, a.lat+dLat*f)
}
