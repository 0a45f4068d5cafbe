package content

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestEmbeddedTopologyHasAtLeastTwentyRealPoPsWithSources(t *testing.T) {
	p, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	topo := p.Topology
	if len(topo.PoPs) < 20 {
		t.Fatalf("%d PoPs, want at least 20", len(topo.PoPs))
	}
	for _, pop := range topo.PoPs {
		if len(pop.Code) != 3 || strings.ToUpper(pop.Code) != pop.Code {
			t.Errorf("PoP %q is not an IATA code", pop.Code)
		}
	}
	if topo.AsOf == "" || topo.PoPsSource == "" || topo.Network.Source == "" || topo.Network.AsOf == "" {
		t.Error("topology figures lack a source or an as-of date")
	}
	if topo.FibreKmPerMs != 200 {
		t.Errorf("fibre speed %v km/ms, FACTS.md and the file say ~200", topo.FibreKmPerMs)
	}
}

func TestTopologyErrorsNameFileLineColumnAndTheExpectedForm(t *testing.T) {
	good, err := embedded.ReadFile(TopologyFile)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, from, to, want string
	}{
		{"an unknown field", "  jitter: 0.05", "  jitter: 0.05\n  bogus: 1", `topology.yaml:16:3: unknown field "bogus": expected one of`},
		{"a wrong type", "route_factor: 1.5", "route_factor: fast", `"fast": expected a number`},
		{"a dangling tier hub", "tier: JNB, do_host: false}\n  - {code: BOM", "tier: XXX, do_host: false}\n  - {code: BOM", `tier "XXX": expected the code of a PoP`},
		{"a duplicate PoP", "code: LOS", "code: IAD", "PoP IAD is listed twice"},
		{"an unknown region", "region: oc, lat: -33.95", "region: moon, lat: -33.95", `region "moon": expected one of wnam`},
		{"malformed YAML", "pops:\n", "pops: [\n", "malformed YAML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := loadEditedTopology(t, string(good), c.from, c.to)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), "topology.yaml:") {
				t.Errorf("error %q does not start with file:line:col", err)
			}
		})
	}
}

func TestAPackWithoutATopologyUsesTheEmbeddedOne(t *testing.T) {
	p, err := Load(fstest.MapFS{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Topology.PoPs) < 20 {
		t.Fatalf("fallback topology has %d PoPs", len(p.Topology.PoPs))
	}
}

func TestTopologyFigureErrorsPointAtTheFigure(t *testing.T) {
	good, err := embedded.ReadFile(TopologyFile)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, from, to, want string }{
		{"jitter out of range", "  jitter: 0.05", "  jitter: 2", "topology.yaml:15:11: jitter 2: expected 0 <= jitter < 1"},
		{"route factor below one", "route_factor: 1.5", "route_factor: 0.5", "topology.yaml:13:17: route_factor 0.5"},
		{"an unknown central store", "central_stores: [IAD, LHR]", "central_stores: [IAD, XXX]", `topology.yaml:20:23: central_stores: "XXX"`},
		{"an unknown hint", "  me: FRA", "  me: FRA\n  moon: FRA\n  mars: FRA", `topology.yaml:36:3: location_hints: unknown hint "moon"`},
		{"a hint naming no PoP", "  oc: SYD", "  oc: XXX", `topology.yaml:33:7: location_hints: oc: "XXX"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := loadEditedTopology(t, string(good), c.from, c.to)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error %v, want one starting %q", err, c.want)
			}
		})
	}
}

// loadEditedTopology loads the embedded topology with one edit applied and
// returns the load error; an edit that matches nothing fails the test, so
// a stale case cannot pass by testing the untouched file.
func loadEditedTopology(t *testing.T, good, from, to string) error {
	t.Helper()
	src := strings.Replace(good, from, to, 1)
	if src == good {
		t.Fatalf("test edit %q did not apply", from)
	}
	_, err := Load(fstest.MapFS{TopologyFile: {Data: []byte(src)}})
	return err
}
