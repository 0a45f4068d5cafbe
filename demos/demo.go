package demos

import (
	"fmt"
	"sort"
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
	// Notes lists the ids of the notes a run can make; narration may only
	// match these.
	Notes []string
	// Conditions are the claims a caption may make about a run, each
	// evaluated on the trace at the event the caption would attach to
	// (narration's when:).
	Conditions map[string]Condition

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
	// SkipStates keeps no state log: for a run whose states nobody will
	// ask for (a printed one), which then costs a little less. StateAt
	// still works, by re-running the scenario.
	SkipStates bool
}

// Condition reports whether a claim holds at trace event i.
type Condition func(trace []edge.Event, i int) bool

// Caption is a narration line attached to one trace event. Claim names
// the condition the caption's claim rests on, if it makes one.
type Caption struct {
	Seq   int           `json:"seq"`
	At    time.Duration `json:"at_ns"`
	Text  string        `json:"text"`
	Claim string        `json:"claim,omitempty"`
}

// Metric is one figure a demo highlights, computed from the run. Every
// metric is either live or final: a live one is a count of trace events,
// so a player can show it growing as its cursor moves; a final one (a
// maximum, a median, a judgement on the whole run) only exists once the
// run is over.
type Metric struct {
	Name      string  `json:"name"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"` // count, ms, s, %, x
	Highlight bool    `json:"highlight,omitempty"`
	// Live, when set, says which trace events this count is made of: at a
	// cursor its value is the number of matching events up to it, and at
	// the end it equals Value.
	Live *EventFilter `json:"live,omitempty"`
	// Final marks a metric that has a value only at the end of the run.
	Final bool `json:"final,omitempty"`
}

// EventFilter selects trace events by kind and, optionally, outcome,
// operation, tier or path prefix; NotFound selects reads that found
// nothing (Version 0), whether fresh or stale.
type EventFilter struct {
	Kind     edge.EventKind `json:"kind"`
	Outcome  string         `json:"outcome,omitempty"`
	Op       string         `json:"op,omitempty"`
	Tier     string         `json:"tier,omitempty"`
	Path     string         `json:"path,omitempty"` // a prefix of the event's Path
	NotFound bool           `json:"not_found,omitempty"`
}

// Match reports whether ev is selected.
func (f EventFilter) Match(ev edge.Event) bool {
	return ev.Kind == f.Kind && (f.Outcome == "" || ev.Outcome == f.Outcome) &&
		(f.Op == "" || ev.Op == f.Op) && (f.Tier == "" || ev.Tier == f.Tier) &&
		(f.Path == "" || strings.HasPrefix(ev.Path, f.Path)) && (!f.NotFound || ev.Version == 0)
}

// CountThrough counts the matching events of trace[0..seq].
func (f EventFilter) CountThrough(trace []edge.Event, seq int) int {
	n := 0
	for i := 0; i <= seq && i < len(trace); i++ {
		if f.Match(trace[i]) {
			n++
		}
	}
	return n
}

// MetricAt is the metric's value with the cursor on trace event seq: a
// live metric's count so far, a final metric's value once seq is the
// last event. ok is false for a final metric before the end.
func (r *Result) MetricAt(m Metric, seq int) (value float64, ok bool) {
	if m.Live != nil {
		return float64(m.Live.CountThrough(r.Trace, seq)), true
	}
	if seq >= len(r.Trace)-1 {
		return m.Value, true
	}
	return 0, false
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
// virtual-time cursor and everything headless mode prints. StateAt gives
// the simulator's state at any trace position.
type Result struct {
	// Format names the document: Kind "kvdo.demo.result", Version 1.
	Kind    string       `json:"kind"`
	Version int          `json:"version"`
	Demo    string       `json:"demo"`
	Title   string       `json:"title"`
	Teaches string       `json:"teaches"`
	Variant string       `json:"variant"`
	Mode    string       `json:"mode"`
	Seed    uint64       `json:"seed"`
	Params  []ParamValue `json:"params"`
	Source  Source       `json:"source"`
	// Actors are everyone the trace names, with where they sit.
	Actors   []edge.Actor  `json:"actors"`
	Trace    []edge.Event  `json:"trace"`
	Captions []Caption     `json:"captions"`
	Metrics  []Metric      `json:"metrics"`
	Tables   []Table       `json:"tables,omitempty"`
	Verdict  edge.Verdict  `json:"verdict"`
	Outcome  string        `json:"outcome"`
	End      time.Duration `json:"end_ns"`
	// Final is the simulator's state when the run ended: what StateAt
	// returns for the last trace event.
	Final edge.Snapshot `json:"final"`

	states *edge.StateLog // the run's states, for StateAt
	replay *Replayer      // re-runs the scenario for StateAt when there is no state log
	demo   Demo
	cfg    RunConfig
}

// Result document identity.
const (
	ResultKind    = "kvdo.demo.result"
	ResultVersion = 1
)

// Metric returns the named metric's value and whether it exists.
func (r *Result) Metric(name string) (float64, bool) {
	for _, m := range r.Metrics {
		if m.Name == name {
			return m.Value, true
		}
	}
	return 0, false
}

// Groups of event kinds, to declare what a demo emits.
var (
	requestKinds = []edge.EventKind{edge.EvNote, edge.EvRequestStart, edge.EvRequestEnd, edge.EvLog, edge.EvSend, edge.EvArrive}
	kvKinds      = []edge.EventKind{edge.EvKVGet, edge.EvKVGetDone, edge.EvKVRefresh, edge.EvKVFill, edge.EvKVFillKept,
		edge.EvKVShorten, edge.EvKVExpired, edge.EvKVVisible, edge.EvKVPut, edge.EvKVPutDone, edge.EvKVCommit, edge.EvKVReplicate}
	doKinds = []edge.EventKind{edge.EvDOPlace, edge.EvDOQueue, edge.EvDOConstruct, edge.EvDOStart, edge.EvDOResume,
		edge.EvDOYield, edge.EvDOFinish, edge.EvDOGate, edge.EvDOStorage, edge.EvDOCommit}
	doAlarmKinds = []edge.EventKind{edge.EvDOAlarm}
	doLifeKinds  = []edge.EventKind{edge.EvDOHibernate, edge.EvDOEvict}
	cacheKinds   = []edge.EventKind{edge.EvCacheMatch, edge.EvCachePut, edge.EvCacheDelete, edge.EvCacheExpire, edge.EvCachePurge}
	originKinds  = []edge.EventKind{edge.EvOriginFetch, edge.EvOriginPublish}
)

// kinds joins groups of event kinds.
func kinds(groups ...[]edge.EventKind) []edge.EventKind {
	var out []edge.EventKind
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
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
	s := &scenario{demo: d, variant: variant, seed: cfg.Seed, topo: cfg.Topology, p: vals, states: !cfg.SkipStates}
	if err := d.run(s); err != nil {
		return nil, fmt.Errorf("demo %s: %w", d.ID, err)
	}
	if s.w == nil {
		return nil, fmt.Errorf("demo %s: the scenario built no world", d.ID)
	}
	if err := s.w.Err(); err != nil {
		// Every parameter is bounded, so this is a scenario that does not
		// end: a bug, stopped before it ate the machine.
		return nil, fmt.Errorf("demo %s: %w", d.ID, err)
	}
	res := &Result{
		Kind: ResultKind, Version: ResultVersion,
		Demo: d.ID, Title: d.Title, Teaches: d.Teaches, Variant: variant, Mode: s.w.Mode().String(),
		Seed: cfg.Seed, Params: vals.list(), Source: d.Source, Actors: s.w.Actors(), Trace: s.w.Trace(),
		Metrics: s.metrics, Tables: s.tables, Verdict: s.verdict, Outcome: s.outcome, End: s.w.Now(),
		Final: s.w.Snapshot(), states: s.w.States(), demo: d, cfg: cfg,
	}
	res.cfg.Variant = variant
	if res.Trace == nil {
		res.Trace = []edge.Event{}
	}
	res.Captions = narrate(d, variant, narr.Demos[d.ID], res.Trace)
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
	// watch, when set (by a replay), sees every trace event as it is
	// recorded; traceCap is the length of the trace it expects.
	watch    func(w *edge.World, e *edge.Event)
	traceCap int
	// states keeps the run's state log (see replay.go).
	states bool
	// observers are the scenario's own watchers: they see each event as
	// it is recorded and may add notes about it.
	observers []func(e *edge.Event)
}

// observe has fn see every trace event of the run as it is recorded, after
// a replay has taken its snapshot: a note it makes follows the event.
func (s *scenario) observe(fn func(e *edge.Event)) {
	s.observers = append(s.observers, fn)
}

// world builds the run's World with tracing on.
func (s *scenario) world(mode edge.Mode, history bool) (*edge.World, error) {
	return s.worldWith(edge.Config{Mode: mode, History: history})
}

// worldWith builds the run's World from cfg, with the run's seed and
// topology and tracing on.
func (s *scenario) worldWith(cfg edge.Config) (*edge.World, error) {
	cfg.Seed, cfg.Topology, cfg.Trace, cfg.TraceCap = s.seed, s.topo, true, s.traceCap
	if s.states {
		cfg.StateKeyframes = stateKeyframes
	}
	w, err := edge.New(cfg)
	if err != nil {
		return nil, err
	}
	w.Watch(func(e *edge.Event) {
		if s.watch != nil {
			s.watch(w, e)
		}
		if len(s.observers) == 0 {
			return
		}
		ev := *e // a note made below may move the trace in memory
		for _, fn := range s.observers {
			fn(&ev)
		}
	})
	s.w = w
	return w, nil
}

// metric adds a final metric: a figure that only exists once the run is
// over.
func (s *scenario) metric(name string, v float64, unit string, highlight bool) {
	s.metrics = append(s.metrics, Metric{Name: name, Value: v, Unit: unit, Highlight: highlight, Final: true})
}

// liveCount adds a count metric made of trace events, so it can be shown
// live; its value is the count over the whole trace.
func (s *scenario) liveCount(name string, f EventFilter, highlight bool) {
	n := f.CountThrough(s.w.Trace(), len(s.w.Trace())-1)
	s.metrics = append(s.metrics, Metric{Name: name, Value: float64(n), Unit: "count", Highlight: highlight, Live: &f})
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
