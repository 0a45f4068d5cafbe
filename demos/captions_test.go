package demos

import (
	"strings"
	"testing"

	"github.com/kvdo/kvdo/content"
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

// A caption asking for an outcome or a tier its kind never carries could
// never fire: the narration check rejects it with its position.
func TestNarrationRejectsAnOutcomeOrTierNoEventCarries(t *testing.T) {
	cases := []struct {
		name string
		cap  content.NarrationCaption
		want string
	}{
		{"a misspelt outcome", content.NarrationCaption{On: "kv.get.done", Outcome: "stail"}, `outcome "stail" never occurs on kv.get.done`},
		{"an outcome of another kind", content.NarrationCaption{On: "kv.put.done", Outcome: "hit"}, "expected one of accepted, 429, error"},
		{"a tier on a kind without tiers", content.NarrationCaption{On: "kv.put.done", Tier: "hit"}, "carry no tier"},
		{"an unknown tier", content.NarrationCaption{On: "kv.get.done", Tier: "edge"}, `tier "edge" never occurs`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cap.Text = "x"
			c.cap.OnPos = content.NarrationPos{Line: 7, Col: 9}
			n := content.Narration{File: "narration.yaml", Demos: map[string][]content.NarrationCaption{"race": {c.cap}}}
			err := CheckNarration(n)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "narration.yaml:7:9") {
				t.Errorf("error %q lacks %q or the caption's position", err, c.want)
			}
		})
	}
}

// The tables the check uses must hold every outcome and tier the demos
// really emit, or a valid caption would be rejected.
func TestNarrationTablesHoldEveryEmittedOutcomeAndTier(t *testing.T) {
	eachVariant(t, func(t *testing.T, d Demo, variant string) {
		for seed := uint64(1); seed <= 5; seed++ {
			for _, ev := range run(t, d.ID, variant, seed, nil).Trace {
				c := content.NarrationCaption{On: string(ev.Kind), Outcome: ev.Outcome, Tier: ev.Tier}
				if err := checkMatchers(c); err != nil {
					t.Fatalf("seed %d: event %d: %v", seed, ev.Seq, err)
				}
			}
		}
	})
}

// covers reports whether caption a matches every event caption b matches,
// in every variant b applies to: then b, listed after a, never fires
// while a can (captions are tried in order and the first match wins).
func covers(a, b content.NarrationCaption) bool {
	same := func(x, y string) bool { return x == "" || x == y }
	return a.On == b.On && same(a.Variant, b.Variant) && same(a.Actor, b.Actor) && same(a.Outcome, b.Outcome) &&
		same(a.Note, b.Note) && same(a.Op, b.Op) && same(a.Path, b.Path) && same(a.Count, b.Count) &&
		same(a.Key, b.Key) && same(a.Tier, b.Tier) && a.When == ""
}

// A caption listed after one that matches all its events is dead text,
// or worse: the earlier one speaks for a variant it does not describe
// ("it runs in that one object" for editors who write KV directly).
// A "once" caption shadows only after its first match, which the later
// one then gets: that pairing is how a first-time caption is written.
func TestNoCaptionIsShadowedByAnEarlierOne(t *testing.T) {
	narr, err := DefaultNarration()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range All() {
		caps := narr.Demos[d.ID]
		for j, b := range caps {
			for _, a := range caps[:j] {
				if !a.Once && covers(a, b) {
					t.Errorf("%s: caption at line %d (%q) never shows: the caption at line %d (%q) matches every event it would",
						d.ID, b.Pos.Line, b.Text, a.Pos.Line, a.Text)
					break
				}
			}
		}
	}
}
