package demos

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/edge"
)

// run runs a demo variant with default parameters on the test topology.
func run(t testing.TB, id, variant string, seed uint64, set map[string]string) *Result {
	t.Helper()
	d, err := Get(id)
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Run(RunConfig{Variant: variant, Seed: seed, Set: set, Topology: testTopology()})
	if err != nil {
		t.Fatalf("%s/%s seed %d: %v", id, variant, seed, err)
	}
	return res
}

// eachVariant calls f for every demo and variant.
func eachVariant(t *testing.T, f func(t *testing.T, d Demo, variant string)) {
	for _, d := range All() {
		for _, v := range d.Variants {
			t.Run(d.ID+"/"+v.ID, func(t *testing.T) { f(t, d, v.ID) })
		}
	}
}

func metric(t testing.TB, r *Result, name string) float64 {
	t.Helper()
	v, ok := r.Metric(name)
	if !ok {
		t.Fatalf("%s/%s: no metric %q", r.Demo, r.Variant, name)
	}
	return v
}

func TestSameSeedAndParamsGiveByteIdenticalJSON(t *testing.T) {
	eachVariant(t, func(t *testing.T, d Demo, variant string) {
		a, err := run(t, d.ID, variant, 7, nil).JSON()
		if err != nil {
			t.Fatal(err)
		}
		b, err := run(t, d.ID, variant, 7, nil).JSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("two runs with seed 7 differ")
		}
		c, _ := run(t, d.ID, variant, 8, nil).JSON()
		if bytes.Equal(a, c) {
			t.Errorf("seeds 7 and 8 gave the same run; the seed must matter")
		}
	})
}

// siteCalls names the call a handler line must make for an event of each
// kind to point at it.
var siteCalls = map[edge.EventKind]string{
	edge.EvKVGet:       ".Get(",
	edge.EvKVPut:       ".Put(",
	edge.EvCacheMatch:  ".Match(",
	edge.EvCachePut:    ".Put(",
	edge.EvCacheDelete: ".Delete(",
	edge.EvRequestEnd:  ".Respond(",
	edge.EvDOFinish:    ".Respond(",
	edge.EvLog:         ".Log(",
}

func TestEveryTraceSiteIsALineOfTheDemosEmbeddedSource(t *testing.T) {
	eachVariant(t, func(t *testing.T, d Demo, variant string) {
		lines := strings.Split(d.Source.Code, "\n")
		res := run(t, d.ID, variant, 3, nil)
		sites := 0
		for _, ev := range res.Trace {
			if ev.Site == "" {
				continue
			}
			sites++
			file, num, ok := strings.Cut(ev.Site, ":")
			n, err := strconv.Atoi(num)
			if !ok || err != nil || file != d.Source.File {
				t.Fatalf("event %d (%s) has site %q; want %s:LINE", ev.Seq, ev.Kind, ev.Site, d.Source.File)
			}
			if n < 1 || n > len(lines) || strings.TrimSpace(lines[n-1]) == "" {
				t.Fatalf("event %d (%s) points at line %d of %s, which is not code", ev.Seq, ev.Kind, n, file)
			}
			// The line is the call that made the event, not merely code.
			if call, ok := siteCalls[ev.Kind]; ok && !strings.Contains(lines[n-1], call) {
				t.Errorf("event %d (%s) points at line %d, %q, which does not call %s", ev.Seq, ev.Kind, n, strings.TrimSpace(lines[n-1]), call)
			}
		}
		if sites == 0 {
			t.Fatalf("no event carries a site: the player could not highlight the code")
		}
	})
}

func TestEveryEmittedKindIsDeclaredInEmits(t *testing.T) {
	eachVariant(t, func(t *testing.T, d Demo, variant string) {
		for seed := uint64(1); seed <= 5; seed++ {
			for _, ev := range run(t, d.ID, variant, seed, nil).Trace {
				if !d.emits(ev.Kind) {
					t.Fatalf("seed %d: event %d has kind %s, which %s.Emits does not list", seed, ev.Seq, ev.Kind, d.ID)
				}
			}
		}
	})
}

func TestEveryDemoIsNarrated(t *testing.T) {
	n, err := DefaultNarration()
	if err != nil {
		t.Fatalf("embedded narration: %v", err)
	}
	eachVariant(t, func(t *testing.T, d Demo, variant string) {
		if len(n.Demos[d.ID]) == 0 {
			t.Fatalf("narration.yaml has no captions for %s", d.ID)
		}
		res := run(t, d.ID, variant, 1, nil)
		if len(res.Captions) < 3 {
			t.Errorf("only %d captions in a run of %d events", len(res.Captions), len(res.Trace))
		}
		for _, c := range res.Captions {
			if placeholderLeft(c.Text) || c.Seq < 0 || c.Seq >= len(res.Trace) || res.Trace[c.Seq].At != c.At {
				t.Errorf("caption %+v does not fit its event", c)
			}
		}
	})
}

func TestLiveMetricsCountTheirTraceEvents(t *testing.T) {
	eachVariant(t, func(t *testing.T, d Demo, variant string) {
		for seed := uint64(1); seed <= 5; seed++ {
			r := run(t, d.ID, variant, seed, nil)
			for _, mt := range r.Metrics {
				if mt.Live == nil {
					continue
				}
				if n := mt.Live.CountThrough(r.Trace, len(r.Trace)-1); float64(n) != mt.Value {
					t.Errorf("seed %d: metric %q = %v but its events count %d", seed, mt.Name, mt.Value, n)
				}
			}
		}
	})
}

func TestJSONIsSnakeCaseAndComplete(t *testing.T) {
	b, err := run(t, "race", "", 1, nil).JSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"demo", "variant", "seed", "params", "source", "trace", "captions", "metrics", "verdict", "outcome", "end_ns"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
}

func TestHeadlessTextMatchesGolden(t *testing.T) {
	for _, d := range All() {
		t.Run(d.ID, func(t *testing.T) {
			golden.RequireEqual(t, run(t, d.ID, "", 1, nil).Text())
		})
	}
}

// Every other variant has its golden too: a change to what a variant
// shows must be reviewed, not only the default's.
func TestHeadlessTextOfEveryVariantMatchesGolden(t *testing.T) {
	for _, d := range All() {
		for _, v := range d.Variants[1:] {
			t.Run(d.ID+"."+v.ID, func(t *testing.T) {
				golden.RequireEqual(t, run(t, d.ID, v.ID, 1, nil).Text())
			})
		}
	}
}

func BenchmarkDemo(b *testing.B) {
	narr, err := DefaultNarration()
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range All() {
		b.Run(d.ID, func(b *testing.B) {
			var res *Result
			for b.Loop() {
				var err error
				res, err = d.Run(RunConfig{Seed: 1, Topology: testTopology(), Narration: &narr})
				if err != nil {
					b.Fatal(err)
				}
			}
			js, err := res.JSON()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(res.Trace)), "events")
			b.ReportMetric(float64(len(js)), "json-bytes")
		})
	}
}

// placeholderLeft reports a {placeholder} that was not filled in.
func placeholderLeft(text string) bool {
	for _, p := range content.NarrationPlaceholders {
		if strings.Contains(text, "{"+p+"}") {
			return true
		}
	}
	return false
}
