// Package demos holds kvdo's demo scenarios: Worker-style handlers running
// on the edge simulator, with parameters, variants and narration.
package demos

import (
	"time"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/edge"
)

// EdgeTopology converts the content pack's topology into the simulator's.
// edge imports nothing of ours, so the conversion lives here.
func EdgeTopology(t content.Topology) edge.Topology {
	out := edge.Topology{
		CentralStores: append([]string(nil), t.CentralStores...),
		LocationHints: map[string]string{},
		FibreKmPerMs:  t.FibreKmPerMs,
		RouteFactor:   t.RouteFactor,
		Jitter:        t.Jitter,
	}
	for k, v := range t.LocationHints {
		out.LocationHints[k] = v
	}
	if m := t.RTT; m != nil {
		for _, s := range m.Pairs {
			a, b := m.City(s.A), m.City(s.B)
			out.RTTSamples = append(out.RTTSamples, edge.RTTSample{
				A:   edge.Place{Name: a.Name, Region: a.Region, Lat: a.Lat, Lon: a.Lon},
				B:   edge.Place{Name: b.Name, Region: b.Region, Lat: b.Lat, Lon: b.Lon},
				RTT: time.Duration(s.Ms * float64(time.Millisecond)),
			})
		}
	}
	for _, p := range t.PoPs {
		out.PoPs = append(out.PoPs, edge.PoP{
			Code: p.Code, City: p.City, Country: p.Country, Region: p.Region,
			Lat: p.Lat, Lon: p.Lon, Tier: p.Tier, DOHost: p.DOHost,
		})
	}
	return out
}
