package demos

import "github.com/kvdo/kvdo/edge"

// testTopology is a fixed ten-PoP network for the demos' tests, so golden
// files do not move when the content pack's topology is edited.
func testTopology() edge.Topology {
	return edge.Topology{
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
			"apac": "NRT", "oc": "NRT", "sam": "IAD", "afr": "LHR", "me": "FRA"},
		FibreKmPerMs: 200,
		RouteFactor:  1.5,
		Jitter:       0.05,
	}
}
