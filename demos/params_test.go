package demos

import (
	"strings"
	"testing"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// Issue 14, item 1: every number a user can give a demo (--set, or the
// player's parameter form) is bounded, so no value can make a run that
// does not end.
func TestEveryNumericParameterHasBothBounds(t *testing.T) {
	for _, d := range All() {
		for _, p := range d.Params {
			switch p.Kind {
			case KindInt, KindFloat, KindDuration:
				if p.Min == "" || p.Max == "" {
					t.Errorf("%s: parameter %s (%s) has bounds %q..%q; want both", d.ID, p.Name, p.Kind, p.Min, p.Max)
				}
			}
		}
	}
}

// Values past the bounds are refused whatever their spelling: a huge
// duration or integer, a negative one, NaN and infinities.
func TestParametersRefuseOutOfRangeValues(t *testing.T) {
	dur := durParam("d", "1s", "1s", "1h0m0s", "")
	num := intParam("n", "2", "1", "8", "")
	flt := Param{Name: "f", Kind: KindFloat, Default: "0.5", Min: "0", Max: "1"}
	for _, c := range []struct {
		p   Param
		raw string
	}{
		{dur, "2562047h"}, {dur, "2562048h"}, {dur, "-1s"}, {dur, "0s"},
		{num, "99999999999999999999"}, {num, "-1"}, {num, "9"},
		{flt, "NaN"}, {flt, "+Inf"}, {flt, "-Inf"}, {flt, "1.5"}, {flt, "-0.1"}, {flt, "1e-400x"},
	} {
		if _, _, err := c.p.Parse(c.raw); err == nil {
			t.Errorf("%s %s=%s accepted", c.p.Kind, c.p.Name, c.raw)
		}
	}
	if v, _, err := flt.Parse("1"); err != nil || v.(float64) != 1 {
		t.Errorf("f=1 (its maximum): %v, %v", v, err)
	}
	if v, _, err := dur.Parse("1h"); err != nil || v.(time.Duration) != time.Hour {
		t.Errorf("d=1h (its maximum): %v, %v", v, err)
	}
}

// Every demo ends at the largest values its parameters allow (each
// numeric one at its maximum) well inside the traced event budget, so
// the budget only ever stops a scenario that would not end.
func TestEveryDemoEndsAtItsLargestParameters(t *testing.T) {
	for _, d := range All() {
		set := map[string]string{}
		for _, p := range d.Params {
			switch p.Kind {
			case KindInt, KindFloat, KindDuration:
				set[p.Name] = p.Max
			}
		}
		if _, err := d.Resolve(set); err != nil {
			// A check across parameters may refuse some maximums together
			// (an index beyond a count): those keep their defaults.
			for name := range set {
				if strings.Contains(err.Error(), name) {
					delete(set, name)
				}
			}
		}
		r, err := d.Run(RunConfig{Seed: 1, Set: set, Topology: testTopology()})
		if err != nil {
			t.Fatalf("%s at %v: %v", d.ID, set, err)
		}
		if n := len(r.Trace); n > edge.DefaultTracedEventBudget/10 {
			t.Errorf("%s at its largest records %d events: within a tenth of the traced budget (%d) no longer",
				d.ID, n, edge.DefaultTracedEventBudget)
		}
	}
}
