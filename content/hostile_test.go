package content

import (
	"errors"
	"math"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kvdo/kvdo/internal/hostile"
)

// Issue 14 found invalid packs that `kvdo content validate` accepted and
// that then gave wrong results (a NaN latitude made Ashburn the nearest
// host to Tokyo, a negative month made every cost $0.00) or crashed
// advise. Every case of testdata/hostile/packs.yaml must be refused with
// its message at file:line:col.
func TestHostilePacksAreRefused(t *testing.T) {
	packs, err := hostile.Packs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range packs {
		t.Run(p.Name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range p.Files {
				fsys[name] = &fstest.MapFile{Data: data}
			}
			var err error
			if _, ok := p.Files[NarrationFile]; ok {
				_, err = LoadNarration(fsys)
			} else {
				_, err = Load(fsys)
			}
			if err == nil {
				t.Fatal("the pack was accepted")
			}
			if !strings.Contains(err.Error(), p.Want) {
				t.Errorf("error:\n%v\nwant one containing %q", err, p.Want)
			}
			var pe *PosError
			if !errors.As(err, &pe) || pe.Pos.Line < 1 || pe.Pos.Col < 1 {
				t.Errorf("error %v has no position", err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !posPrefix.MatchString(line) {
					t.Errorf("line %q does not start with file:line:col", line)
				}
			}
		})
	}
}

// Every problem of a pack is reported in one run, across files, sorted
// by file then position: a pack author fixes them all at once.
func TestEveryProblemOfAPackIsReportedInOneRun(t *testing.T) {
	edit := func(file, from, to string) []byte {
		t.Helper()
		good, err := embedded.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out := strings.Replace(string(good), from, to, 1)
		if out == string(good) {
			t.Fatalf("edit %q did not apply to %s", from, file)
		}
		return []byte(out)
	}
	topo := edit(TopologyFile, "lat: 38.94", "lat: !!float NaN")
	topo = []byte(strings.Replace(string(topo), "route_factor: 1.5", "route_factor: 9", 1))
	facts := edit(FactsFile, "value: 2592000", "value: -1")
	rules := edit(RulesFile, "{option: durable-object, score: 5, prefer: true,", "{option: durable-objects, score: 5, prefer: true,")
	rules = []byte(strings.Replace(string(rules), "  - id: q2-concurrent-writers", "  - id: q2-concurrent-writers\n    colour: red", 1))
	_, err := Load(fstest.MapFS{
		TopologyFile: {Data: topo}, FactsFile: {Data: facts}, RulesFile: {Data: rules},
	})
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v: want Problems", err)
	}
	want := []string{
		"topology.yaml:13:17: route_factor 9: expected 1..5",
		`topology.yaml:40:64: lat: "NaN": expected a number between -1000000000000000 and 1000000000000000`,
		"facts.yaml:300:12: fact month-seconds: value -1: expected a value >= 2419200 and <= 2678400 (kvdo computes with it)",
		`rules.yaml:59:9: rule q1-read-your-writes: unknown option "durable-objects": expected one of kv, durable-object, do-plus-kv, cache-api, r2-plus-kv`,
		`rules.yaml:68:5: unknown field "colour": expected one of because, effects, facts, id, rationale, title, when`,
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A hostile file cannot bury the first problems under thousands: the
// list stops at MaxProblems and says more follow.
func TestAFileFullOfProblemsStopsAtTheLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nterms:\n")
	for range 200 {
		b.WriteString("  - {term: x, definition: d, colour: red}\n")
	}
	_, err := Load(fstest.MapFS{GlossaryFile: {Data: []byte(b.String())}})
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v: want Problems", err)
	}
	if len(ps) != MaxProblems+1 || !strings.Contains(ps[len(ps)-1].Msg, "more than 50 problems") {
		t.Errorf("%d problems, last %q: want %d and a closing line", len(ps), ps[len(ps)-1].Msg, MaxProblems+1)
	}
}

// Pack.Validate checks a pack decoded some other way than from its YAML
// as Load does: a NaN, a control character or a dangling reference put
// straight into the structs is refused too.
func TestValidateChecksAPackBuiltWithoutYAML(t *testing.T) {
	p := mustLoad(t)
	if err := p.Validate(); err != nil {
		t.Fatalf("the embedded pack: %v", err)
	}
	nan := math.NaN()
	p.Topology.PoPs[0].Lat = nan
	p.Facts[0].Value = &nan
	p.Options[0].Title = "Workers KV\x1b[2J"
	p.Rules[0].Effects[0].Option = "durable-objects"
	err := p.Validate()
	for _, want := range []string{
		"topology.yaml:40:5: lat: NaN: expected a number",
		"title: U+001B (ESC) at character 11",
		`unknown option "durable-objects"`,
		"fact kv-propagation-s: value NaN",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v\nwant a problem containing %q", err, want)
		}
	}
}
