// Package demos holds kvdo's demo scenarios: Worker-style handlers running
// on the edge simulator, with parameters, variants and narration.
package demos

import (
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
	for _, p := range t.PoPs {
		out.PoPs = append(out.PoPs, edge.PoP{
			Code: p.Code, City: p.City, Country: p.Country, Region: p.Region,
			Lat: p.Lat, Lon: p.Lon, Tier: p.Tier, DOHost: p.DOHost,
		})
	}
	return out
}
