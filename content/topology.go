package content

import (
	"slices"
)

// TopologyFile is the topology's file name inside a content pack.
const TopologyFile = "topology.yaml"

// Regions are the Durable Object location hints a PoP's region may name.
var Regions = []string{"wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"}

// LocationHints are every location hint a first get may carry: the
// regions, and the two narrower Asia-Pacific ones.
var LocationHints = append(slices.Clone(Regions), "apac-ne", "apac-se")

// Topology is the simulated network as the content pack describes it.
type Topology struct {
	Version             int               `yaml:"version" required:"true"`
	Network             Network           `yaml:"network" required:"true"`
	CentralStores       []string          `yaml:"central_stores" required:"true"`
	CentralStoresSource string            `yaml:"central_stores_source" required:"true"`
	LocationHints       map[string]string `yaml:"location_hints" required:"true"`
	LocationHintsSource string            `yaml:"location_hints_source" required:"true"`
	PoPsSource          string            `yaml:"pops_source" required:"true"`
	AsOf                string            `yaml:"as_of" required:"true"`
	PoPs                []PoP             `yaml:"pops" required:"true"`
	// RTT are measured round trips that calibrate the latency model
	// (optional: without them the single route factor applies).
	RTT *RTTMeasurements `yaml:"rtt_measurements"`

	// Flattened from Network for the simulator.
	FibreKmPerMs float64 `yaml:"-"`
	RouteFactor  float64 `yaml:"-"`
	Jitter       float64 `yaml:"-"`
}

// Network is how distance becomes delay.
type Network struct {
	FibreKmPerMs float64 `yaml:"fibre_km_per_ms" required:"true"`
	RouteFactor  float64 `yaml:"route_factor" required:"true"`
	Jitter       float64 `yaml:"jitter" required:"true"`
	Source       string  `yaml:"source" required:"true"`
	AsOf         string  `yaml:"as_of" required:"true"`
	Pos          Pos
}

// RTTMeasurements are measured round trips between cities, with their
// source and date.
type RTTMeasurements struct {
	Source string      `yaml:"source" required:"true" expect:"source: who measured the round trips, and where it is published"`
	AsOf   string      `yaml:"as_of" required:"true" expect:"as_of: the date of the measurements, YYYY-MM-DD"`
	Cities []RTTCity   `yaml:"cities" required:"true"`
	Pairs  []RTTSample `yaml:"rtt_ms" required:"true"`
	Pos    Pos
}

// RTTCity is one measured city.
type RTTCity struct {
	Name   string  `yaml:"name" required:"true"`
	Region string  `yaml:"region" required:"true"`
	Lat    float64 `yaml:"lat" required:"true"`
	Lon    float64 `yaml:"lon" required:"true"`
	Pos    Pos
}

// RTTSample is one measured round trip, in milliseconds.
type RTTSample struct {
	A   string  `yaml:"a" required:"true"`
	B   string  `yaml:"b" required:"true"`
	Ms  float64 `yaml:"ms" required:"true"`
	Pos Pos
}

// City returns the measured city called name, or nil.
func (m *RTTMeasurements) City(name string) *RTTCity {
	for i := range m.Cities {
		if m.Cities[i].Name == name {
			return &m.Cities[i]
		}
	}
	return nil
}

// PoP is one point of presence.
type PoP struct {
	Code    string  `yaml:"code" required:"true"`
	City    string  `yaml:"city" required:"true"`
	Country string  `yaml:"country" required:"true"`
	Region  string  `yaml:"region" required:"true"`
	Lat     float64 `yaml:"lat" required:"true"`
	Lon     float64 `yaml:"lon" required:"true"`
	Tier    string  `yaml:"tier" required:"true"`
	DOHost  bool    `yaml:"do_host" required:"true"`
	Pos     Pos
}
