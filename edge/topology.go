package edge

import (
	"fmt"
	"sort"
	"time"
)

// PoP is one Cloudflare point of presence in the simulated network.
type PoP struct {
	Code    string  // IATA code, e.g. "LHR"
	City    string  // for captions
	Region  string  // Durable Object location-hint region: wnam, enam, sam, weur, eeur, apac, oc, afr, me
	Lat     float64 // degrees
	Lon     float64 // degrees
	Tier    string  // code of this PoP's KV regional-tier hub (may be itself)
	DOHost  bool    // can host Durable Objects
	Country string
}

// Topology is the simulated network: its PoPs, where KV's central stores
// sit, and how distance turns into round-trip time.
type Topology struct {
	PoPs          []PoP
	CentralStores []string          // PoP codes hosting KV central stores
	LocationHints map[string]string // DO location hint -> PoP code that serves it
	FibreKmPerMs  float64           // signal speed in fibre, ~200 km/ms
	RouteFactor   float64           // real routes are longer than great circles; used when no RTTSamples calibrate the model
	// RTTSamples are measured round trips between cities: when present,
	// the route factor is fitted per pair of continents from them.
	RTTSamples []RTTSample
	Jitter     float64 // relative jitter per message, e.g. 0.05 = ±5%
}

// PoPID indexes Topology.PoPs inside a World.
type PoPID int

// minOneWay is the floor of any network hop: switching, TLS and queueing
// that distance does not explain.
const minOneWay = 500 * time.Microsecond

// validate checks the references a World relies on.
func (t *Topology) validate() error {
	if len(t.PoPs) == 0 {
		return fmt.Errorf("edge: topology has no PoPs")
	}
	idx := make(map[string]int, len(t.PoPs))
	for i, p := range t.PoPs {
		if p.Code == "" {
			return fmt.Errorf("edge: topology PoP %d has no code", i)
		}
		if _, dup := idx[p.Code]; dup {
			return fmt.Errorf("edge: topology PoP %s listed twice", p.Code)
		}
		idx[p.Code] = i
	}
	for _, p := range t.PoPs {
		if p.Tier != "" {
			if _, ok := idx[p.Tier]; !ok {
				return fmt.Errorf("edge: PoP %s names unknown tier hub %s", p.Code, p.Tier)
			}
		}
	}
	for _, c := range t.CentralStores {
		if _, ok := idx[c]; !ok {
			return fmt.Errorf("edge: unknown central store PoP %s", c)
		}
	}
	hints := make([]string, 0, len(t.LocationHints))
	for h := range t.LocationHints {
		hints = append(hints, h)
	}
	sort.Strings(hints) // the first bad hint is the same one every time
	for _, h := range hints {
		if _, ok := idx[t.LocationHints[h]]; !ok {
			return fmt.Errorf("edge: location hint %s names unknown PoP %s", h, t.LocationHints[h])
		}
	}
	if t.FibreKmPerMs <= 0 {
		return fmt.Errorf("edge: fibre speed must be > 0 km/ms")
	}
	return nil
}

// oneWayMatrix precomputes base one-way delays so the hot path never does
// trigonometry.
func (t *Topology) oneWayMatrix() [][]time.Duration {
	model := t.fitRoutes()
	n := len(t.PoPs)
	m := make([][]time.Duration, n)
	for i := range n {
		m[i] = make([]time.Duration, n)
		for j := range n {
			if i == j {
				m[i][j] = minOneWay / 2
				continue
			}
			m[i][j] = model.oneWay(t.PoPs[i].place(), t.PoPs[j].place())
		}
	}
	return m
}
