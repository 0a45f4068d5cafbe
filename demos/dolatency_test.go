package demos

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// latencyRow is one caller's row of the do-latency table, parsed back.
type latencyRow struct {
	pop                   string
	home                  bool // the object lives at this PoP
	rtt, p50, max, kvWarm time.Duration
}

// parseLatency reads a cell written by fmtLatency: "0.8 ms", "143 ms", "1.2 s".
func parseLatency(t *testing.T, cell string) time.Duration {
	t.Helper()
	num, unit, _ := strings.Cut(cell, " ")
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		t.Fatalf("latency cell %q: %v", cell, err)
	}
	if unit == "s" {
		return time.Duration(f * float64(time.Second))
	}
	return time.Duration(f * float64(time.Millisecond))
}

func latencyRows(t *testing.T, r *Result) []latencyRow {
	t.Helper()
	var rows []latencyRow
	for _, c := range r.Tables[0].Rows {
		pop, home := strings.CutSuffix(c[0], " (object)")
		rows = append(rows, latencyRow{pop: pop, home: home, rtt: parseLatency(t, c[1]), p50: parseLatency(t, c[2]),
			max: parseLatency(t, c[3]), kvWarm: parseLatency(t, c[5])})
	}
	return rows
}

// placedAt is where the run's place event put the object.
func placedAt(t *testing.T, r *Result) string {
	t.Helper()
	for _, ev := range r.Trace {
		if ev.Kind == edge.EvDOPlace {
			return ev.To
		}
	}
	t.Fatalf("seed %d: no object was placed", r.Seed)
	return ""
}

// checkLatencyGrowsWithDistance asserts the demo's lesson on one run: the
// caller at the object's PoP is fastest, each caller pays at least its
// round trip, latency follows distance, and warm KV reads stay local.
func checkLatencyGrowsWithDistance(t *testing.T, r *Result, what string) {
	t.Helper()
	rows := latencyRows(t, r)
	home := placedAt(t, r)
	for i, row := range rows {
		if row.home != (row.pop == home) {
			t.Errorf("%s: row %s marked as the object's PoP = %v; the object is at %s", what, row.pop, row.home, home)
		}
		if row.home && i != 0 {
			t.Errorf("%s: the object's PoP %s is not the nearest row", what, row.pop)
		}
		if row.p50 < row.rtt*9/10 || row.p50 > row.rtt+20*time.Millisecond {
			t.Errorf("%s: %s reads the object in %v (p50) with a %v round trip; want the round trip plus a few ms", what, row.pop, row.p50, row.rtt)
		}
		// Fact kv-hot-read-ms: a read from the PoP's cache typically takes
		// 500 µs to 10 ms; the median of five is well inside.
		if row.kvWarm > 10*time.Millisecond || row.kvWarm <= 0 {
			t.Errorf("%s: %s's warm KV reads take %v (p50); want a local read, under 10 ms", what, row.pop, row.kvWarm)
		}
		if i > 0 {
			prev := rows[i-1]
			// Jitter is ±5% per message: only clearly farther callers
			// must be clearly slower.
			if row.rtt > prev.rtt*12/10+5*time.Millisecond && row.p50 <= prev.p50 {
				t.Errorf("%s: %s (RTT %v) reads in %v, no slower than %s (RTT %v) in %v", what, row.pop, row.rtt, row.p50, prev.pop, prev.rtt, prev.p50)
			}
		}
		if row.p50 < rows[0].p50 {
			t.Errorf("%s: %s (%v) beats the nearest caller %s (%v)", what, row.pop, row.p50, rows[0].pop, rows[0].p50)
		}
	}
	last := rows[len(rows)-1]
	if last.rtt > 100*time.Millisecond && last.p50 < 20*last.kvWarm {
		t.Errorf("%s: the farthest caller %s pays %v for the object and %v for KV; want the object far slower", what, last.pop, last.p50, last.kvWarm)
	}
	if !r.Verdict.Linearizable {
		t.Errorf("%s: the read history is not linearizable: %s", what, r.Verdict.Explanation)
	}
}

func TestDOLatencyGrowsWithDistanceAndKVStaysLocal(t *testing.T) {
	for seed := uint64(1); seed <= seeds; seed++ {
		r := run(t, "do-latency", "", seed, nil)
		checkLatencyGrowsWithDistance(t, r, "seed "+strconv.FormatUint(seed, 10))
		if home := placedAt(t, r); home != "LHR" {
			t.Errorf("seed %d: without a hint the object went to %s, not to the first caller's PoP LHR", seed, home)
		}
	}
	for _, set := range []map[string]string{{"callers": "8"}, {"callers": "2", "reads": "3"}} {
		for seed := uint64(1); seed <= 10; seed++ {
			checkLatencyGrowsWithDistance(t, run(t, "do-latency", "", seed, set), "callers="+set["callers"]+" seed "+strconv.FormatUint(seed, 10))
		}
	}
}

func TestDOLatencyLocationHintMovesTheObject(t *testing.T) {
	topo := testTopology()
	for _, hint := range doHintChoices[1:] {
		for seed := uint64(1); seed <= 5; seed++ {
			r := run(t, "do-latency", "", seed, map[string]string{"hint": hint})
			want := topo.LocationHints[hint]
			if got := placedAt(t, r); got != want {
				t.Errorf("hint %s seed %d: object at %s, want %s", hint, seed, got, want)
			}
			checkLatencyGrowsWithDistance(t, r, "hint "+hint)
		}
	}
	// apac moves the object from London to Tokyo: Tokyo's caller becomes
	// the fastest and London's pays the trip.
	for seed := uint64(1); seed <= seeds; seed++ {
		none, apac := latencyRows(t, run(t, "do-latency", "", seed, nil)), latencyRows(t, run(t, "do-latency", "", seed, map[string]string{"hint": "apac"}))
		if none[0].pop != "LHR" || apac[0].pop != "NRT" {
			t.Errorf("seed %d: fastest caller %s without a hint and %s with apac; want LHR and NRT", seed, none[0].pop, apac[0].pop)
		}
		p50 := func(rows []latencyRow, pop string) time.Duration {
			for _, r := range rows {
				if r.pop == pop {
					return r.p50
				}
			}
			t.Fatalf("no row for %s", pop)
			return 0
		}
		if p50(apac, "NRT") >= p50(none, "NRT")/10 || p50(apac, "LHR") <= 10*p50(none, "LHR") {
			t.Errorf("seed %d: NRT %v -> %v, LHR %v -> %v; the hint should swap who pays the trip", seed,
				p50(none, "NRT"), p50(apac, "NRT"), p50(none, "LHR"), p50(apac, "LHR"))
		}
	}
}

func TestDOLatencyOutcomeNamesThePlacementAndTheFigures(t *testing.T) {
	r := run(t, "do-latency", "", 1, map[string]string{"hint": "oc"})
	for _, want := range []string{"the object lives at NRT", "location hint oc", "from NRT", "from GRU"} {
		if !strings.Contains(r.Outcome, want) {
			t.Errorf("outcome %q lacks %q", r.Outcome, want)
		}
	}
	if far := metric(t, r, "object read p50, farthest caller"); far < 100 {
		t.Errorf("farthest caller reads in %v ms; from Tokyo to São Paulo and back should take far longer", far)
	}
}

// The object's request count is every request it answered: each caller's
// reads plus the publish that created it. A label saying "reads" would
// count the publish as a read.
func TestDOLatencyCountsEveryRequestTheObjectAnswered(t *testing.T) {
	r := run(t, "do-latency", "", 1, map[string]string{"callers": "3", "reads": "4"})
	if _, ok := r.Metric("reads the object served"); ok {
		t.Error("the metric counting every answered request is labelled as reads")
	}
	if got, want := metric(t, r, "requests the object answered"), float64(3*4+1); got != want {
		t.Errorf("requests the object answered = %v, want %v (3 callers x 4 reads + the publish)", got, want)
	}
}
