package demos

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/edge"
)

// Demo is one scenario: what it teaches, the knobs a viewer may turn, the
// Worker code it runs (shown to the viewer as is) and what it can emit.
type Demo struct {
	ID       string
	Title    string
	Teaches  string // one line
	Params   []Param
	Variants []Variant // the first is the default
	// Source is the Go file holding the demo's handlers, embedded so the
	// code a viewer reads is the code that runs.
	Source Source
	// Emits lists every event kind a run can produce; narration may only
	// caption these.
	Emits []edge.EventKind

	run func(*scenario) error
	// check, if set, rejects combinations of parameters that are each
	// valid alone (e.g. an index beyond a count), as bad input.
	check func(Values) error
}

// Variant is one way of running a demo (e.g. with KV or with a DO).
type Variant struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Help  string `json:"help"`
}

// Source is a handler file shown by the player; trace events carry Site
// "File:LINE" pointing into it.
type Source struct {
	File string `json:"file"`
	Code string `json:"code"`
}

// RunConfig is everything a run depends on besides the demo itself.
type RunConfig struct {
	Variant  string            // "" for the default
	Seed     uint64            // the same seed replays the same run
	Set      map[string]string // parameter overrides, validated by Run
	Topology edge.Topology
	// Narration supplies the captions; nil uses the embedded narration.
	Narration *content.Narration
}

// Caption is a narration line attached to one trace event.
type Caption struct {
	Seq  int           `json:"seq"`
	At   time.Duration `json:"at_ns"`
	Text string        `json:"text"`
}

// Metric is one figure a demo highlights, computed from the run.
type Metric struct {
	Name      string  `json:"name"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"` // count, ms, s, %
	Highlight bool    `json:"highlight,omitempty"`
	// Live, when set, says which trace events this count is made of, so a
	// player can show the metric growing as its cursor moves: the number
	// of matching events up to the cursor. At the end it equals Value.
	Live *EventFilter `json:"live,omitempty"`
}

// EventFilter selects trace events by kind and, optionally, outcome.
type EventFilter struct {
	Kind    edge.EventKind `json:"kind"`
	Outcome string         `json:"outcome,omitempty"`
}

// Match reports whether ev is selected.
func (f EventFilter) Match(ev edge.Event) bool {
	return ev.Kind == f.Kind && (f.Outcome == "" || ev.Outcome == f.Outcome)
}

// CountUntil counts the matching events at or before virtual time t.
func (f EventFilter) CountUntil(trace []edge.Event, t time.Duration) int {
	n := 0
	for _, ev := range trace {
		if ev.At > t {
			break
		}
		if f.Match(ev) {
			n++
		}
	}
	return n
}

// Table is a small grid of figures (e.g. latency per caller).
type Table struct {
	Title   string     `json:"title"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// ParamValue is one parameter as the run used it.
type ParamValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Result is a finished run: everything the TUI player renders at a
// virtual-time cursor and everything headless mode prints.
type Result struct {
	Demo     string        `json:"demo"`
	Title    string        `json:"title"`
	Teaches  string        `json:"teaches"`
	Variant  string        `json:"variant"`
	Mode     string        `json:"mode"`
	Seed     uint64        `json:"seed"`
	Params   []ParamValue  `json:"params"`
	Source   Source        `json:"source"`
	Trace    []edge.Event  `json:"trace"`
	Captions []Caption     `json:"captions"`
	Metrics  []Metric      `json:"metrics"`
	Tables   []Table       `json:"tables,omitempty"`
	Verdict  edge.Verdict  `json:"verdict"`
	Outcome  string        `json:"outcome"`
	End      time.Duration `json:"end_ns"`
}

// Metric returns the named metric's value and whether it exists.
func (r *Result) Metric(name string) (float64, bool) {
	for _, m := range r.Metrics {
		if m.Name == name {
			return m.Value, true
		}
	}
	return 0, false
}

// All lists the demos in the order the demo list shows them.
func All() []Demo {
	return []Demo{
		raceDemo(),
		propagationDemo(),
		coalescingDemo(),
		configFanoutDemo(),
		doLatencyDemo(),
		cachePurgeDemo(),
		localVsProdDemo(),
	}
}

// IDs lists the demo ids in order.
func IDs() []string {
	var ids []string
	for _, d := range All() {
		ids = append(ids, d.ID)
	}
	return ids
}

// Get returns the demo with the given id.
func Get(id string) (Demo, error) {
	for _, d := range All() {
		if d.ID == id {
			return d, nil
		}
	}
	return Demo{}, fmt.Errorf("unknown demo %q: expected one of %s", id, strings.Join(IDs(), ", "))
}

// VariantIDs lists the demo's variant ids, the default first.
func (d Demo) VariantIDs() []string {
	var ids []string
	for _, v := range d.Variants {
		ids = append(ids, v.ID)
	}
	return ids
}

// ResolveVariant maps "" to the default variant and rejects unknown ones.
func (d Demo) ResolveVariant(v string) (string, error) {
	if v == "" {
		return d.Variants[0].ID, nil
	}
	for _, x := range d.Variants {
		if x.ID == v {
			return v, nil
		}
	}
	return "", fmt.Errorf("unknown variant %q for demo %s: expected one of %s", v, d.ID, strings.Join(d.VariantIDs(), ", "))
}

// Run validates cfg, runs the scenario to completion in virtual time and
// narrates it. It is a pure function of the demo and cfg.
func (d Demo) Run(cfg RunConfig) (*Result, error) {
	variant, err := d.ResolveVariant(cfg.Variant)
	if err != nil {
		return nil, err
	}
	vals, err := d.Resolve(cfg.Set)
	if err != nil {
		return nil, err
	}
	narr := cfg.Narration
	if narr == nil {
		n, err := content.DefaultNarration()
		if err != nil {
			return nil, err
		}
		narr = &n
	}
	s := &scenario{demo: d, variant: variant, seed: cfg.Seed, topo: cfg.Topology, p: vals}
	if err := d.run(s); err != nil {
		return nil, fmt.Errorf("demo %s: %w", d.ID, err)
	}
	if s.w == nil {
		return nil, fmt.Errorf("demo %s: the scenario built no world", d.ID)
	}
	res := &Result{
		Demo: d.ID, Title: d.Title, Teaches: d.Teaches, Variant: variant, Mode: s.w.Mode().String(),
		Seed: cfg.Seed, Params: vals.list(), Source: d.Source, Trace: s.w.Trace(),
		Metrics: s.metrics, Tables: s.tables, Verdict: s.verdict, Outcome: s.outcome, End: s.w.Now(),
	}
	if res.Trace == nil {
		res.Trace = []edge.Event{}
	}
	res.Captions = narrate(variant, narr.Demos[d.ID], res.Trace)
	return res, nil
}

// scenario is the state a demo's driver fills in while it runs.
type scenario struct {
	demo    Demo
	variant string
	seed    uint64
	topo    edge.Topology
	p       Values

	w       *edge.World
	metrics []Metric
	tables  []Table
	verdict edge.Verdict
	outcome string
}

// world builds the run's World with tracing on.
func (s *scenario) world(mode edge.Mode, history bool) (*edge.World, error) {
	w, err := edge.New(edge.Config{Seed: s.seed, Mode: mode, Topology: s.topo, Trace: true, History: history})
	if err != nil {
		return nil, err
	}
	s.w = w
	return w, nil
}

func (s *scenario) metric(name string, v float64, unit string, highlight bool) {
	s.metrics = append(s.metrics, Metric{Name: name, Value: v, Unit: unit, Highlight: highlight})
}

// liveCount adds a count metric made of trace events, so it can be shown
// live; its value is the count over the whole trace.
func (s *scenario) liveCount(name string, kind edge.EventKind, outcome string, highlight bool) {
	f := &EventFilter{Kind: kind, Outcome: outcome}
	n := f.CountUntil(s.w.Trace(), s.w.Now())
	s.metrics = append(s.metrics, Metric{Name: name, Value: float64(n), Unit: "count", Highlight: highlight, Live: f})
}

// TopologyError says a run's parameters need more PoPs than the topology
// (a customised content pack's topology.yaml) has: bad input, not a
// failure of the simulation.
type TopologyError struct {
	Need, Have int
}

func (e *TopologyError) Error() string {
	return fmt.Sprintf("needs %d PoPs, the topology has %d: expected a topology.yaml with at least %d PoPs, or lower the demo's counts with --set",
		e.Need, e.Have, e.Need)
}

// pickPoPs chooses n PoPs, preferring the given codes in order (those the
// topology lacks are skipped) and then the topology's own order, so the
// demos run on a customised topology too.
func pickPoPs(w *edge.World, n int, prefer ...string) ([]edge.PoPID, error) {
	pops := w.PoPs()
	if n > len(pops) {
		return nil, &TopologyError{Need: n, Have: len(pops)}
	}
	seen := map[edge.PoPID]bool{}
	var out []edge.PoPID
	for _, c := range prefer {
		if len(out) == n {
			break
		}
		if id, err := w.PoP(c); err == nil && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for i := range pops {
		if len(out) == n {
			break
		}
		if id := edge.PoPID(i); !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// sortedKeys returns m's keys in order, for output that must not depend on
// map iteration.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func secs(d time.Duration) float64 { return float64(d) / float64(time.Second) }

// fmtSecs prints a duration in seconds, the unit the captions use: "300s".
func fmtSecs(d time.Duration) string {
	return strconv.FormatFloat(secs(d), 'f', -1, 64) + "s"
}

// plural spells a count with its noun: "1 request", "3 requests".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
