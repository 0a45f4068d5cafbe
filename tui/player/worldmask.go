package player

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
)

// worldmask.bin is Natural Earth's 1:110m land (public domain), turned
// into a 1-degree equirectangular bitmask by tools/worldmask (npm run
// build there regenerates it). Its format is described in that script.
//
//go:embed worldmask.bin
var worldmaskBin []byte

// landMask answers "is this point on land?" at one-degree resolution.
type landMask struct {
	w, h int
	bits []byte
}

func parseMask(b []byte) (landMask, error) {
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		return landMask{}, fmt.Errorf("worldmask: no header line: expected \"worldmask W H\"")
	}
	var w, h int
	if _, err := fmt.Sscanf(string(b[:nl]), "worldmask %d %d", &w, &h); err != nil {
		return landMask{}, fmt.Errorf("worldmask: header %q: expected \"worldmask W H\": %w", b[:nl], err)
	}
	n := nl + 1
	if want := (w*h + 7) / 8; w <= 0 || h <= 0 || len(b)-n != want {
		return landMask{}, fmt.Errorf("worldmask: %dx%d needs %d bytes of bits, the file has %d", w, h, want, len(b)-n)
	}
	return landMask{w: w, h: h, bits: b[n:]}, nil
}

// theMask is parsed once; the embedded file is checked by a test, so a
// failure here is a build defect.
var theMask = func() landMask {
	m, err := parseMask(worldmaskBin)
	if err != nil {
		panic(err)
	}
	return m
}()

func (m landMask) land(lon, lat float64) bool {
	col := int(math.Floor((lon + 180) * float64(m.w) / 360))
	row := int(math.Floor((90 - lat) * float64(m.h) / 180))
	col = ((col % m.w) + m.w) % m.w
	if row < 0 || row >= m.h {
		return false
	}
	i := row*m.w + col
	return m.bits[i>>3]&(0x80>>(i&7)) != 0
}

// The map shows latitudes from the Arctic coasts to Tierra del Fuego and
// longitudes from the Bering Strait eastwards, so every continent with a
// PoP is whole and the Pacific is split where no PoP sits.
const (
	mapLatTop = 84.0
	mapLatBot = -57.0
	mapLon0   = -170.0
)

// projection maps longitude and latitude to braille dots inside a map of
// w x h cells (2 x 4 dots per cell).
type projection struct {
	w, h   int // cells
	dw, dh float64
}

// fitProjection picks the largest map that keeps dots square (a terminal
// cell is about twice as tall as wide, a braille dot a quarter of its
// height and half its width) inside w x h cells.
func fitProjection(w, h int) projection {
	ratio := (mapLatTop - mapLatBot) / 360 // height over width, in dots
	mw := w
	mh := int(math.Round(float64(mw) * 2 * ratio / 4))
	if mh > h {
		mh = h
		mw = min(w, int(math.Round(float64(mh)*4/(2*ratio))))
	}
	mw, mh = max(mw, 0), max(mh, 0)
	return projection{w: mw, h: mh, dw: float64(2 * mw), dh: float64(4 * mh)}
}

// dot returns the dot coordinates of a point (x may be out of range only
// for latitudes outside the map).
func (p projection) dot(lon, lat float64) (float64, float64) {
	x := math.Mod(lon-mapLon0, 360)
	if x < 0 {
		x += 360
	}
	return x / 360 * p.dw, (mapLatTop - lat) / (mapLatTop - mapLatBot) * p.dh
}

// cell returns the cell holding a point, clamped to the map.
func (p projection) cell(lon, lat float64) (int, int) {
	x, y := p.dot(lon, lat)
	cx := min(max(int(x)/2, 0), p.w-1)
	cy := min(max(int(y)/4, 0), p.h-1)
	return cx, cy
}

// landDots draws the land of the whole map as braille dots: each dot is
// land when the mask says so at the dot's centre.
func landDots(p projection, m landMask) *dots {
	d := newDots(p.w, p.h)
	for dy := 0; dy < int(p.dh); dy++ {
		lat := mapLatTop - (float64(dy)+0.5)/p.dh*(mapLatTop-mapLatBot)
		for dx := 0; dx < int(p.dw); dx++ {
			lon := mapLon0 + (float64(dx)+0.5)/p.dw*360
			if m.land(lon, lat) {
				d.set(dx, dy)
			}
		}
	}
	return d
}
