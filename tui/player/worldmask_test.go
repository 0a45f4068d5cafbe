package player

import (
	"strings"
	"testing"
)

func TestTheLandMaskKnowsLandFromSea(t *testing.T) {
	for _, c := range []struct {
		name     string
		lon, lat float64
		land     bool
	}{
		{"London", -0.1, 51.5, true}, {"Tokyo", 139.7, 35.7, true}, {"Sydney", 150.9, -33.9, true},
		{"São Paulo", -46.6, -23.5, true}, {"Johannesburg", 28.0, -26.2, true}, {"Chicago", -87.6, 41.9, true},
		{"mid-Atlantic", -35, 30, false}, {"mid-Pacific", -150, 0, false}, {"Indian Ocean", 80, -30, false},
		// Rings crossing the antimeridian (Fiji, Chukotka) fill no band of
		// the whole world at their latitude.
		{"south of India at Fiji's latitude", 75, -16.5, false}, {"Chukotka", -175, 66, true},
	} {
		if got := theMask.land(c.lon, c.lat); got != c.land {
			t.Errorf("%s (%v, %v): land %v, want %v", c.name, c.lon, c.lat, got, c.land)
		}
	}
}

func TestABadMaskFileSaysWhatWasExpected(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "expected \"worldmask W H\"",
		"mask 3 3\n\x00\x00":  "expected \"worldmask W H\"",
		"worldmask 8 2\n\x00": "needs 2 bytes",
	} {
		if _, err := parseMask([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseMask(%q): %v, want %q", in, err, want)
		}
	}
}

func TestTheMapFitsItsBoxAndPlacesPoPsWhereTheyAre(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {40, 10}, {80, 20}, {200, 30}} {
		p := fitProjection(sz[0], sz[1])
		if p.w > sz[0] || p.h > sz[1] || p.w < 0 || p.h < 0 {
			t.Fatalf("%v: map %dx%d", sz, p.w, p.h)
		}
	}
	p := fitProjection(120, 30)
	lx, _ := p.cell(-0.45, 51.47)   // LHR
	tx, _ := p.cell(140.39, 35.76)  // NRT
	_, sy := p.cell(151.18, -33.95) // SYD
	_, ly := p.cell(-0.45, 51.47)
	if lx >= tx || sy <= ly {
		t.Fatalf("London at x %d, Tokyo at x %d; Sydney at y %d, London at y %d", lx, tx, sy, ly)
	}
}
