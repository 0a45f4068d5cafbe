package player

import "github.com/charmbracelet/x/ansi"

// canvas is a grid of cells, each a rune and a role, for the stage: the
// map and the lanes draw into it, then it turns into styled lines with one
// escape sequence per run of cells in the same role.
type canvas struct {
	w, h  int
	runes []rune
	roles []role
}

func newCanvas(w, h int) *canvas {
	w, h = max(w, 0), max(h, 0)
	c := &canvas{w: w, h: h, runes: make([]rune, w*h), roles: make([]role, w*h)}
	c.clear()
	return c
}

func (c *canvas) clear() {
	for i := range c.runes {
		c.runes[i] = ' '
		c.roles[i] = rPlain
	}
}

func (c *canvas) inside(x, y int) bool { return x >= 0 && y >= 0 && x < c.w && y < c.h }

func (c *canvas) set(x, y int, r rune, ro role) {
	if c.inside(x, y) {
		c.runes[y*c.w+x] = r
		c.roles[y*c.w+x] = ro
	}
}

// text writes s from (x, y) one rune per cell, clipped to the canvas.
// Callers only write narrow runes (codes, digits, box drawing).
func (c *canvas) text(x, y int, s string, ro role) int {
	for _, r := range s {
		c.set(x, y, r, ro)
		x++
	}
	return x
}

// copyFrom copies a same-sized canvas (a cached background).
func (c *canvas) copyFrom(o *canvas) {
	copy(c.runes, o.runes)
	copy(c.roles, o.roles)
}

// lines renders the canvas into styled lines of exactly c.w cells.
func (c *canvas) lines(p *paint) []line {
	out := make([]line, c.h)
	for y := range c.h {
		b := &out[y]
		b.s = make([]byte, 0, c.w*4)
		row := c.runes[y*c.w : (y+1)*c.w]
		roles := c.roles[y*c.w : (y+1)*c.w]
		cur := rPlain
		for x, r := range row {
			if ro := roles[x]; ro != cur {
				if p.sgr[cur] != "" {
					b.s = append(b.s, ansi.ResetStyle...)
				}
				b.s = append(b.s, p.sgr[ro]...)
				cur = ro
			}
			b.s = appendRune(b.s, r)
		}
		if p.sgr[cur] != "" {
			b.s = append(b.s, ansi.ResetStyle...)
		}
		b.w = c.w
	}
	return out
}

func appendRune(b []byte, r rune) []byte {
	if r < 0x80 {
		return append(b, byte(r))
	}
	return append(b, string(r)...)
}

// braille dot bits, indexed [dy][dx] inside a 2x4 cell.
var brailleBit = [4][2]rune{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}

// dots is a sub-cell layer of braille dots (2x4 per cell).
type dots struct {
	w, h int // in cells
	bits []rune
}

func newDots(w, h int) *dots { return &dots{w: w, h: h, bits: make([]rune, max(w, 0)*max(h, 0))} }

func (d *dots) set(dx, dy int) {
	x, y := dx>>1, dy>>2
	if dx < 0 || dy < 0 || x >= d.w || y >= d.h {
		return
	}
	d.bits[y*d.w+x] |= brailleBit[dy&3][dx&1]
}

func (d *dots) reset() {
	for i := range d.bits {
		d.bits[i] = 0
	}
}

// drawOn writes every non-empty cell onto c in role ro.
func (d *dots) drawOn(c *canvas, ox, oy int, ro role) {
	for y := range d.h {
		for x := range d.w {
			if b := d.bits[y*d.w+x]; b != 0 {
				c.set(ox+x, oy+y, 0x2800+b, ro)
			}
		}
	}
}
