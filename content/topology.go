package content

import (
	"fmt"
	"math"
	"slices"
	"strings"
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

// ParseTopology decodes and validates a topology file: unknown fields,
// wrong types, duplicate or dangling PoP codes and out-of-range figures are
// errors at file:line:col.
func ParseTopology(file string, data []byte) (Topology, error) {
	root, err := ParseYAML(file, data)
	if err != nil {
		return Topology{}, err
	}
	var t Topology
	if err := Decode(file, root, &t); err != nil {
		return Topology{}, err
	}
	at := func(p Pos, format string, a ...any) error {
		return &PosError{File: file, Pos: p, Msg: fmt.Sprintf(format, a...)}
	}
	top := Pos{root.Line, root.Column}
	// where points at the value the message is about, or at fallback when
	// the path does not exist (a missing field).
	where := func(fallback Pos, path ...any) Pos {
		if n := NodeAt(root, path...); n != nil {
			return Pos{n.Line, n.Column}
		}
		return fallback
	}
	if t.Version != 1 {
		return Topology{}, at(where(top, "version"), "version %d: expected 1", t.Version)
	}
	n := t.Network
	switch {
	case !(n.FibreKmPerMs > 0):
		return Topology{}, at(where(n.Pos, "network", "fibre_km_per_ms"), "fibre_km_per_ms: expected a speed > 0 (about 200)")
	case n.RouteFactor < 1 || n.RouteFactor > 5:
		return Topology{}, at(where(n.Pos, "network", "route_factor"), "route_factor %v: expected 1..5", n.RouteFactor)
	case n.Jitter < 0 || n.Jitter >= 1:
		return Topology{}, at(where(n.Pos, "network", "jitter"), "jitter %v: expected 0 <= jitter < 1", n.Jitter)
	}
	if len(t.PoPs) == 0 {
		return Topology{}, at(where(top, "pops"), "pops: expected at least one PoP")
	}
	codes := map[string]bool{}
	for _, p := range t.PoPs {
		if codes[p.Code] {
			return Topology{}, at(p.Pos, "PoP %s is listed twice", p.Code)
		}
		codes[p.Code] = true
		if !slices.Contains(Regions, p.Region) {
			return Topology{}, at(p.Pos, "PoP %s: region %q: expected one of %s", p.Code, p.Region, strings.Join(Regions, ", "))
		}
		if math.Abs(p.Lat) > 90 || math.Abs(p.Lon) > 180 {
			return Topology{}, at(p.Pos, "PoP %s: lat/lon %v,%v: expected -90..90 and -180..180", p.Code, p.Lat, p.Lon)
		}
	}
	for _, p := range t.PoPs {
		if !codes[p.Tier] {
			return Topology{}, at(p.Pos, "PoP %s: tier %q: expected the code of a PoP in this file", p.Code, p.Tier)
		}
	}
	if len(t.CentralStores) == 0 {
		return Topology{}, at(where(top, "central_stores"), "central_stores: expected at least one PoP code")
	}
	for i, c := range t.CentralStores {
		if !codes[c] {
			return Topology{}, at(where(top, "central_stores", i), "central_stores: %q: expected the code of a PoP in this file", c)
		}
	}
	for _, h := range Regions {
		if _, ok := t.LocationHints[h]; !ok {
			return Topology{}, at(where(top, "location_hints"), "location_hints: missing %s: expected a PoP for every hint (%s)", h, strings.Join(Regions, ", "))
		}
	}
	for _, h := range LocationHints {
		c, ok := t.LocationHints[h]
		if !ok {
			continue // apac-ne and apac-se may be left out: they fall back to apac
		}
		if !codes[c] {
			return Topology{}, at(where(top, "location_hints", h), "location_hints: %s: %q: expected the code of a PoP in this file", h, c)
		}
	}
	// In file order, so the same file always names the same bad hint.
	if hints := NodeAt(root, "location_hints"); hints != nil {
		for i := 0; i+1 < len(hints.Content); i += 2 {
			if k := hints.Content[i]; !slices.Contains(LocationHints, k.Value) {
				return Topology{}, at(Pos{k.Line, k.Column}, "location_hints: unknown hint %q: expected one of %s", k.Value, strings.Join(LocationHints, ", "))
			}
		}
	}
	if m := t.RTT; m != nil {
		if err := checkRTT(file, m); err != nil {
			return Topology{}, err
		}
	}
	t.FibreKmPerMs, t.RouteFactor, t.Jitter = n.FibreKmPerMs, n.RouteFactor, n.Jitter
	return t, nil
}

// checkRTT validates the measurements: known cities and regions, real
// coordinates, positive round trips, each pair once.
func checkRTT(file string, m *RTTMeasurements) error {
	at := func(p Pos, format string, a ...any) error {
		return &PosError{File: file, Pos: p, Msg: fmt.Sprintf(format, a...)}
	}
	if !datePattern.MatchString(m.AsOf) {
		return at(m.Pos, "rtt_measurements: as_of %q: expected a date YYYY-MM-DD", m.AsOf)
	}
	seen := map[string]bool{}
	for _, c := range m.Cities {
		if seen[c.Name] {
			return at(c.Pos, "rtt_measurements: city %q is listed twice", c.Name)
		}
		seen[c.Name] = true
		if !slices.Contains(Regions, c.Region) {
			return at(c.Pos, "rtt_measurements: city %s: region %q: expected one of %s", c.Name, c.Region, strings.Join(Regions, ", "))
		}
		if math.Abs(c.Lat) > 90 || math.Abs(c.Lon) > 180 {
			return at(c.Pos, "rtt_measurements: city %s: lat/lon %v,%v: expected -90..90 and -180..180", c.Name, c.Lat, c.Lon)
		}
	}
	pairs := map[[2]string]bool{}
	for _, p := range m.Pairs {
		for _, c := range []string{p.A, p.B} {
			if !seen[c] {
				return at(p.Pos, "rtt_measurements: %q: expected the name of a city listed under cities", c)
			}
		}
		k := [2]string{min(p.A, p.B), max(p.A, p.B)}
		if p.A == p.B || pairs[k] {
			return at(p.Pos, "rtt_measurements: %s to %s: expected two different cities, each pair once", p.A, p.B)
		}
		pairs[k] = true
		if !(p.Ms > 0) || p.Ms > 2000 {
			return at(p.Pos, "rtt_measurements: %s to %s: %v ms: expected a round trip between 0 and 2000 ms", p.A, p.B, p.Ms)
		}
	}
	return nil
}
