package player

import "github.com/kvdo/kvdo/edge"

// renderLanes draws run i as a space-time diagram: one column per actor,
// one row per event, time flowing down, each message a diagonal from its
// send to its arrival, and the cursor a line under the last event
// applied. Events after the cursor are not drawn: the diagram grows as
// the run plays.
func (v *frameCtx) renderLanes(ri int, w, h int) []line {
	if w <= 0 || h <= 0 {
		return nil
	}
	r := v.tr.runs[ri]
	n := v.tr.n(ri, v.c)
	t := v.c.t
	c := newCanvas(w, h)

	timeW := textWidth(clock(r.res.End)) + 1 // "+12.34 s "
	cols := r.laneCols()
	if cols == 0 || h < 3 {
		return c.lines(v.p)
	}
	colW := max((w-timeW)/cols, 3)
	colW = min(colW, 16)
	center := func(col int) int { return timeW + col*colW + colW/2 }
	visibleCols := min(cols, (w-timeW)/colW)

	// Header: the actors.
	for _, a := range r.actors {
		col, ok := r.actorCol[a.id]
		if !ok || col >= visibleCols {
			continue
		}
		label := a.label
		if len(label) > colW-1 {
			label = label[:colW-1]
		}
		ro := rPoP
		switch a.kind {
		case edge.ActorObject:
			ro = rDO
		case edge.ActorCentral:
			ro = rCentral
		case edge.ActorOrigin:
			ro = rOrigin
		}
		c.text(center(col)-len(label)/2, 0, label, ro)
	}

	bodyTop, bodyH := 1, h-1
	rows := int(r.laneRows[n])
	top := max(0, rows-(bodyH-1)) // the cursor line takes the last body row it needs
	cursorY := bodyTop + rows - top
	yOf := func(row int) int { return bodyTop + row - top }

	for y := bodyTop; y < bodyTop+bodyH; y++ {
		for col := range visibleCols {
			c.set(center(col), y, '│', rLifeline)
		}
	}

	// Messages: delivered ones end at their arrival's row, those in flight
	// at the cursor line, as far across as their flight has gone.
	for i := range r.msgs {
		m := &r.msgs[i]
		if m.send >= n {
			break
		}
		if m.fromCol < 0 || m.toCol < 0 || m.fromCol == m.toCol || m.fromCol >= visibleCols || m.toCol >= visibleCols {
			continue
		}
		if r.rowOf[m.send] < 0 || (m.arrive >= 0 && r.rowOf[m.arrive] < 0) {
			continue
		}
		sy := yOf(int(r.rowOf[m.send]))
		x0, x1 := center(m.fromCol), center(m.toCol)
		var ey int
		delivered := true
		if m.inFlight(n, t) {
			delivered = false
			ey = cursorY
			if !v.noMotion {
				x1 = x0 + int(float64(x1-x0)*m.progress(t))
			}
		} else if m.arrive >= 0 {
			ey = yOf(int(r.rowOf[m.arrive]))
		} else {
			continue
		}
		if ey < bodyTop || sy > cursorY {
			continue
		}
		drawArrow(c, x0, sy, x1, ey, m.cat, bodyTop, cursorY, delivered)
	}

	// Events, with their time when it changes.
	lastAt := ""
	if top > 0 {
		lastAt = clock(r.trace()[r.rowEvent[top-1]].At)
	}
	for row := top; row < rows; row++ {
		ev := r.trace()[r.rowEvent[row]]
		y := yOf(row)
		if clk := clock(ev.At); clk != lastAt {
			c.text(0, y, clk, rLaneTime)
			lastAt = clk
		}
		col := r.actorCol[ev.Actor]
		if col >= visibleCols {
			continue
		}
		tag, ro := laneTag(ev)
		x := center(col)
		glyph := '●'
		if ev.Kind == edge.EvSend || ev.Kind == edge.EvArrive {
			glyph, ro = '•', rLaneEvent
		}
		c.set(x, y, glyph, ro)
		room := colW - colW/2 - 1
		if col == visibleCols-1 {
			room = w - x - 1
		}
		if tag != "" && room >= 4 { // a shorter stub of a word says nothing
			if len([]rune(tag)) > room {
				tag = string([]rune(tag)[:max(room, 0)])
			}
			c.text(x+1, y, tag, ro)
		}
	}

	// The cursor.
	if cursorY < h {
		for x := 0; x < w; x++ {
			c.set(x, cursorY, '┄', rCursorLine)
		}
		c.text(0, cursorY, clock(t), rCursorLine)
	}
	return c.lines(v.p)
}

// drawArrow draws a message from (x0, y0) to (x1, y1) with y1 >= y0,
// clipped to rows [top, bottom]. A delivered message's arrowhead stops
// one cell short of the receiver's event; one in flight ends at its head.
func drawArrow(c *canvas, x0, y0, x1, y1 int, ro role, top, bottom int, delivered bool) {
	dir := 1
	if x1 < x0 {
		dir = -1
	}
	end := x1
	if delivered {
		end = x1 - dir
	}
	head := '▶'
	if dir < 0 {
		head = '◀'
	}
	if y1 == y0 {
		if y0 >= top && y0 <= bottom {
			for x := x0 + dir; (end-x)*dir > 0; x += dir {
				c.set(x, y0, '─', ro)
			}
			c.set(end, y0, head, ro)
		}
		return
	}
	dy := y1 - y0
	prev := x0
	for y := y0 + 1; y <= y1; y++ {
		x := x0 + (x1-x0)*(y-y0)/dy
		last := y == y1
		if last {
			x = end
		}
		if y >= top && y <= bottom {
			// A shallow line runs flat along the row it reaches.
			for xx := prev + dir; (x-xx)*dir > 0; xx += dir {
				c.set(xx, y, '─', ro)
			}
			g := '╲'
			if dir < 0 {
				g = '╱'
			}
			if x == prev {
				g = '│'
			}
			if last {
				g = head
			}
			c.set(x, y, g, ro)
		}
		prev = x
	}
}
