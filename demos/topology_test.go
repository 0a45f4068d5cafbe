package demos

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/edge"
)

// measuredRTT are the embedded pack's measured round trips, which
// calibrate the latency model of the test topology too.
var measuredRTT = sync.OnceValue(func() []edge.RTTSample {
	pack, err := content.LoadDefault()
	if err != nil {
		panic(err)
	}
	return EdgeTopology(pack.Topology).RTTSamples
})

// testTopology is a fixed ten-PoP network for the demos' tests, so golden
// files do not move when the content pack's PoPs are edited; its latency
// model is calibrated by the pack's measured round trips.
func testTopology() edge.Topology {
	return edge.Topology{
		RTTSamples: measuredRTT(),
		PoPs: []edge.PoP{
			{Code: "IAD", City: "Ashburn", Region: "enam", Lat: 38.94, Lon: -77.46, Tier: "IAD", DOHost: true},
			{Code: "SJC", City: "San Jose", Region: "wnam", Lat: 37.36, Lon: -121.93, Tier: "IAD", DOHost: true},
			{Code: "LHR", City: "London", Region: "weur", Lat: 51.47, Lon: -0.45, Tier: "LHR", DOHost: true},
			{Code: "FRA", City: "Frankfurt", Region: "weur", Lat: 50.03, Lon: 8.57, Tier: "LHR", DOHost: true},
			{Code: "CDG", City: "Paris", Region: "weur", Lat: 49.01, Lon: 2.55, Tier: "LHR", DOHost: true},
			{Code: "NRT", City: "Tokyo", Region: "apac", Lat: 35.76, Lon: 140.39, Tier: "NRT", DOHost: true},
			{Code: "SIN", City: "Singapore", Region: "apac", Lat: 1.36, Lon: 103.99, Tier: "NRT", DOHost: true},
			{Code: "SYD", City: "Sydney", Region: "oc", Lat: -33.95, Lon: 151.18, Tier: "NRT", DOHost: false},
			{Code: "GRU", City: "São Paulo", Region: "sam", Lat: -23.43, Lon: -46.47, Tier: "IAD", DOHost: false},
			{Code: "JNB", City: "Johannesburg", Region: "afr", Lat: -26.13, Lon: 28.24, Tier: "LHR", DOHost: false},
		},
		CentralStores: []string{"IAD", "LHR"},
		LocationHints: map[string]string{"enam": "IAD", "wnam": "SJC", "weur": "LHR", "eeur": "FRA",
			"apac": "NRT", "apac-ne": "NRT", "apac-se": "SIN", "oc": "NRT", "sam": "IAD", "afr": "LHR", "me": "FRA"},
		FibreKmPerMs: 200,
		RouteFactor:  1.5,
		Jitter:       0.05,
	}
}

// Fact net-rtt-measured (IBM Cloud's published inter-region round trips,
// measured 10 Jan to 8 Feb 2026): the latency model, calibrated on them,
// is held to them pair by pair. The golden file shows every pair's error.
func TestLatencyModelErrorPerMeasuredPair(t *testing.T) {
	pack, err := content.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	topo := EdgeTopology(pack.Topology)
	if len(topo.RTTSamples) < 30 {
		t.Fatalf("%d measured pairs; the embedded topology should carry the whole matrix", len(topo.RTTSamples))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "model error per measured pair (%s, %s)\n", pack.Topology.RTT.Source, pack.Topology.RTT.AsOf)
	fmt.Fprintf(&b, "%-14s %-14s %9s %9s %8s\n", "from", "to", "measured", "model", "error")
	var errs []float64
	for _, s := range topo.RTTSamples {
		model := topo.ModelRTT(s.A, s.B)
		e := (float64(model) - float64(s.RTT)) / float64(s.RTT)
		errs = append(errs, math.Abs(e))
		fmt.Fprintf(&b, "%-14s %-14s %9s %9s %+7.1f%%\n", s.A.Name, s.B.Name, FormatDuration(s.RTT), FormatDuration(model), 100*e)
		euJapan := (s.A.Region == "weur") != (s.B.Region == "weur") && (s.A.Name == "Tokyo" || s.B.Name == "Tokyo" || s.A.Name == "Osaka" || s.B.Name == "Osaka")
		if euJapan && math.Abs(e) > 0.10 {
			t.Errorf("%s to %s: model %v, measured %v: Europe to Japan must be within 10%%", s.A.Name, s.B.Name, model, s.RTT)
		}
		if long := s.RTT > 60*time.Millisecond; long && math.Abs(e) > 0.20 {
			t.Errorf("%s to %s: model %v, measured %v: a long route must be within 20%%", s.A.Name, s.B.Name, model, s.RTT)
		}
	}
	slices.Sort(errs)
	median, p90 := errs[len(errs)/2], errs[len(errs)*9/10]
	fmt.Fprintf(&b, "median |error| %.1f%%, 90th percentile %.1f%%, worst %.1f%%\n", 100*median, 100*p90, 100*errs[len(errs)-1])
	if median > 0.05 || p90 > 0.15 {
		t.Errorf("median |error| %.1f%%, p90 %.1f%%; want at most 5%% and 15%%", 100*median, 100*p90)
	}
	golden.RequireEqual(t, b.String())
}
