package app_test

import (
	"math"
	"testing"
	"time"

	"github.com/kvdo/kvdo/demos"
)

// FuzzDemoParameters fuzzes the demo flag parser: `kvdo demo NAME --set
// name=value` (demos.ParseSets, then Demo.Resolve) must refuse a value
// with a message or accept one inside the parameter's declared range, in
// a spelling that reads back as the same value. NaN, infinities and
// numbers past an int64 are in the seeds.
func FuzzDemoParameters(f *testing.F) {
	all := demos.All()
	for i, d := range all {
		for _, p := range d.Params {
			for _, v := range []string{p.Default, p.Min, p.Max, "NaN", "+Inf", "-1", "1e400", "9223372036854775808", "2562047h", "-5s", "0x10", "\x1b[2J", ""} {
				f.Add(uint8(i), p.Name+"="+v)
			}
		}
	}
	f.Add(uint8(0), "=")
	f.Add(uint8(0), "writers")
	f.Fuzz(func(t *testing.T, which uint8, set string) {
		d := all[int(which)%len(all)]
		sets, err := demos.ParseSets([]string{set})
		if err != nil {
			return
		}
		if _, err := d.Resolve(sets); err != nil {
			return
		}
		for name, raw := range sets {
			for _, p := range d.Params {
				if p.Name != name {
					continue
				}
				x, norm, err := p.Parse(raw)
				if err != nil {
					t.Fatalf("%s: Resolve accepted %q, Parse refuses it: %v", d.ID, set, err)
				}
				again, _, err := p.Parse(norm)
				if err != nil || again != x {
					t.Fatalf("%s %s: %q reads back as %v (%v), not %v", d.ID, name, norm, again, err, x)
				}
				for _, bound := range []struct {
					s    string
					less bool
				}{{p.Min, true}, {p.Max, false}} {
					if bound.s == "" {
						continue
					}
					b, _, err := p.Parse(bound.s)
					if err != nil {
						t.Fatalf("%s %s: its own bound %q does not parse: %v", d.ID, name, bound.s, err)
					}
					if outside(x, b, bound.less) {
						t.Fatalf("%s %s=%q: %v is outside the declared range %s..%s", d.ID, name, raw, x, p.Min, p.Max)
					}
				}
			}
		}
	})
}

// outside reports x below b (less) or above it, for the kinds a demo
// parameter takes; a NaN is outside every range.
func outside(x, b any, less bool) bool {
	cmp := func(a, b float64) bool {
		if math.IsNaN(a) {
			return true
		}
		if less {
			return a < b
		}
		return a > b
	}
	switch x := x.(type) {
	case int:
		return cmp(float64(x), float64(b.(int)))
	case float64:
		return cmp(x, b.(float64))
	case time.Duration:
		return cmp(float64(x), float64(b.(time.Duration)))
	}
	return false
}
