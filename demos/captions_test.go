package demos

import (
	"strings"
	"testing"

	"github.com/kvdo/kvdo/edge"
)

// A caption on a read must name the place that served it: a read answered
// by a central store or a regional tier is not served from the PoP's own
// cache, and a cached copy is not "a central store that has not yet
// received" a write.
func TestReadCaptionsNameTheTierThatServedTheRead(t *testing.T) {
	checked := map[string]int{}
	eachVariant(t, func(t *testing.T, d Demo, variant string) {
		for seed := uint64(1); seed <= 12; seed++ {
			r := run(t, d.ID, variant, seed, nil)
			for _, c := range r.Captions {
				ev := r.Trace[c.Seq]
				if ev.Kind != edge.EvKVGetDone {
					continue
				}
				text := strings.ToLower(c.Text)
				fromCache := false
				for _, p := range []string{"from a cache", "from its cache", "cached copy", "from its kv cache", "its regional tier's cache"} {
					fromCache = fromCache || strings.Contains(text, p)
				}
				if ev.Tier == "central" && fromCache {
					t.Errorf("seed %d: a read served by a central store is captioned as served from a cache: %q", seed, c.Text)
				}
				own := strings.Contains(text, "its cache") || strings.Contains(text, "its cached") || strings.Contains(text, "its kv cache")
				if own && ev.Tier != "hit" {
					t.Errorf("seed %d: a read served by %q is captioned as served from the PoP's own cache: %q", seed, ev.Tier, c.Text)
				}
				if strings.Contains(text, "central store that has not") && ev.Tier != "central" {
					t.Errorf("seed %d: a read served by %q is captioned as served by a central store: %q", seed, ev.Tier, c.Text)
				}
				if ev.Outcome == "stale" {
					checked[ev.Tier]++
				}
			}
		}
	})
	if checked["hit"] == 0 {
		t.Errorf("no captioned stale read from a cache in any run: the test checks nothing (%v)", checked)
	}
}
