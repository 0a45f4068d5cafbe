package demos

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// A Workload is a run that kvdo's local mode and workerd can both execute:
// a demo's handlers (the Go ones on the simulator, their JavaScript twins
// on workerd), the bindings they get, and steps of requests with their
// timing. It is plain data, so the conformance harness receives exactly
// what the simulator ran. Everything happens at one location, as on a
// developer's machine: local mode has no geography worth comparing.
type Workload struct {
	Twin    string            `json:"twin"` // the twin file, e.g. "race_worker.js"
	KV      []string          `json:"kv,omitempty"`
	Objects []ObjectBinding   `json:"objects,omitempty"`
	Vars    map[string]string `json:"vars,omitempty"` // plain-text variables (durations in seconds)
	KVSeed  []KVSeed          `json:"kv_seed,omitempty"`
	Origin  *OriginSetup      `json:"origin,omitempty"`
	Steps   []Step            `json:"steps"`
}

// ObjectBinding binds a Durable Object namespace to a class of the twin.
type ObjectBinding struct {
	Binding string `json:"binding"`
	Class   string `json:"class"`
}

// KVSeed is a KV value written before the first request.
type KVSeed struct {
	Binding string `json:"binding"`
	Key     string `json:"key"`
	Value   string `json:"value"`
}

// OriginSetup is the origin's content before the first request and its
// time to serve one (every fetch() the handlers make goes to it).
type OriginSetup struct {
	Paths   map[string]string `json:"paths"`
	ServeMs int               `json:"serve_ms"`
}

// Step is one phase of a workload: the origin content published at its
// start, a pause, then clients sending requests; it ends when every client
// has its last answer.
type Step struct {
	Origin  map[string]string `json:"origin,omitempty"`
	WaitMs  int               `json:"wait_ms,omitempty"`
	Clients []Client          `json:"clients,omitempty"`
}

// Client sends its calls one after another, each once the previous one is
// answered, starting StartMs after the step begins.
type Client struct {
	StartMs int    `json:"start_ms,omitempty"`
	Calls   []Call `json:"calls"`
}

// Call is one request: the handler that answers it (a function name both
// files share), and how long to wait before sending it.
type Call struct {
	Handler string `json:"handler"`
	Method  string `json:"method,omitempty"`
	Path    string `json:"path"`
	AfterMs int    `json:"after_ms,omitempty"`
}

// WorkloadResult is what every request was answered: by kvdo's local mode
// ("kvdo-local") or by workerd.
type WorkloadResult struct {
	Runtime       string            `json:"runtime"`
	Versions      map[string]string `json:"versions,omitempty"`
	Answers       []Answer          `json:"answers"`
	OriginFetches map[string]int    `json:"origin_fetches"`
}

// Answer is one request's response. Times are from the first step's start:
// virtual on kvdo, wall clock on workerd.
type Answer struct {
	Step    int     `json:"step"`
	Client  int     `json:"client"`
	Call    int     `json:"call"`
	Handler string  `json:"handler"`
	Path    string  `json:"path"`
	Status  int     `json:"status"`
	Body    string  `json:"body"`
	StartMs float64 `json:"start_ms"`
	EndMs   float64 `json:"end_ms"`
}

// Handlers builds the handlers a workload names, in world w.
type Handlers func(w *edge.World, wl Workload) (map[string]edge.Handler, error)

// RunLocal runs the workload on kvdo's local mode (Miniflare's KV: one
// store, immediately consistent, no write limit) at one location of topo.
// hs builds the handlers; nil takes the demo twin's Go handlers.
func (wl Workload) RunLocal(topo edge.Topology, hs Handlers) (*WorkloadResult, error) {
	if hs == nil {
		var ok bool
		if hs, ok = twinHandlers[wl.Twin]; !ok {
			return nil, fmt.Errorf("workload: no demo handler file has the twin %q", wl.Twin)
		}
	}
	at, err := localPoP(topo)
	if err != nil {
		return nil, err
	}
	cfg := edge.Config{Seed: 1, Mode: edge.Local, Topology: topo, Trace: true}
	if wl.Origin != nil {
		// A serve time of 0 would take the simulator's default.
		serve := max(time.Duration(wl.Origin.ServeMs)*time.Millisecond, time.Microsecond)
		cfg.Origin = edge.OriginConfig{PoP: topo.PoPs[at].Code, ServeMin: serve, ServeMax: serve}
	}
	w, err := edge.New(cfg)
	if err != nil {
		return nil, err
	}
	for _, s := range wl.KVSeed {
		w.KV(s.Binding).Seed(s.Key, s.Value)
	}
	if wl.Origin != nil {
		publish(w.Origin(), wl.Origin.Paths)
	}
	handlers, err := hs(w, wl)
	if err != nil {
		return nil, err
	}
	res := &WorkloadResult{Runtime: "kvdo-local", Answers: []Answer{}, OriginFetches: map[string]int{}}
	for si, step := range wl.Steps {
		if step.Origin != nil {
			publish(w.Origin(), step.Origin)
		}
		if step.WaitMs > 0 {
			w.RunUntil(w.Now() + time.Duration(step.WaitMs)*time.Millisecond)
		}
		if err := runStep(w, at, si, step, handlers, res); err != nil {
			return nil, err
		}
	}
	for _, ev := range w.Trace() {
		if ev.Kind == edge.EvOriginFetch {
			res.OriginFetches[ev.Key]++
		}
	}
	sort.SliceStable(res.Answers, func(i, j int) bool {
		a, b := res.Answers[i], res.Answers[j]
		if a.Step != b.Step {
			return a.Step < b.Step
		}
		if a.Client != b.Client {
			return a.Client < b.Client
		}
		return a.Call < b.Call
	})
	return res, nil
}

// runStep sends a step's requests and runs the world until the last of
// them is answered.
func runStep(w *edge.World, at edge.PoPID, si int, step Step, handlers map[string]edge.Handler, res *WorkloadResult) error {
	for _, c := range step.Clients {
		for _, call := range c.Calls {
			if handlers[call.Handler] == nil {
				return fmt.Errorf("workload step %d: no handler %q", si, call.Handler)
			}
		}
	}
	start, active := w.Now(), 0
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	for ci, c := range step.Clients {
		if len(c.Calls) == 0 {
			continue
		}
		active++
		var send func(k int, from time.Duration)
		send = func(k int, from time.Duration) {
			call := c.Calls[k]
			sent := from + time.Duration(call.AfterMs)*time.Millisecond
			w.Request(sent, at, call.Path, handlers[call.Handler], func(status int, body string) {
				res.Answers = append(res.Answers, Answer{Step: si, Client: ci, Call: k, Handler: call.Handler, Path: call.Path,
					Status: status, Body: body, StartMs: ms(sent), EndMs: ms(w.Now())})
				if k+1 < len(c.Calls) {
					send(k+1, w.Now())
					return
				}
				if active--; active == 0 {
					w.Stop()
				}
			})
		}
		send(0, start+time.Duration(c.StartMs)*time.Millisecond)
	}
	if active == 0 {
		return nil
	}
	w.Run()
	if active > 0 {
		return fmt.Errorf("workload step %d: %d clients were never answered", si, active)
	}
	return nil
}

// localPoP is where a workload runs: the topology's first PoP that can
// host Durable Objects, so objects live where their callers are.
func localPoP(topo edge.Topology) (edge.PoPID, error) {
	for i, p := range topo.PoPs {
		if p.DOHost {
			return edge.PoPID(i), nil
		}
	}
	return 0, fmt.Errorf("workload: the topology has no PoP that hosts Durable Objects")
}

func publish(o *edge.Origin, paths map[string]string) {
	for _, p := range sortedKeys(paths) {
		o.SetContent(p, paths[p])
	}
}

// The Go handlers of each twin, bound as a workload says: the same
// bindings and variables the JavaScript twin reads from env.
var twinHandlers = map[string]Handlers{
	"race_worker.js":         raceHandlers,
	"propagation_worker.js":  propagationHandlers,
	"coalescing_worker.js":   coalescingHandlers,
	"cachepurge_worker.js":   cachePurgeHandlers,
	"dolatency_worker.js":    doLatencyHandlers,
	"configfanout_worker.js": configFanoutHandlers,
}

// object returns the class bound to binding, if any.
func (wl Workload) object(binding string) (string, bool) {
	for _, o := range wl.Objects {
		if o.Binding == binding {
			return o.Class, true
		}
	}
	return "", false
}

// seconds reads a variable holding a number of seconds.
func (wl Workload) seconds(name string) (time.Duration, error) {
	v, ok := wl.Vars[name]
	if !ok {
		return 0, fmt.Errorf("workload: variable %s is not set", name)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("workload: variable %s=%q: expected a number of seconds", name, v)
	}
	return time.Duration(f * float64(time.Second)), nil
}

func unknownClass(binding, class string) error {
	return fmt.Errorf("workload: %s is bound to %q, which the handler file does not define", binding, class)
}

func raceHandlers(w *edge.World, wl Workload) (map[string]edge.Handler, error) {
	worker := &counterWorker{kv: w.KV("COUNTER").Binding(), random: w.Rand("worker")}
	if class, ok := wl.object("COUNTERS"); ok {
		var c edge.DOClass
		switch class {
		case "KVCounter":
			random := w.Rand("object")
			c = edge.DOClass{Name: class, New: func(*edge.DOContext) edge.DOInstance { return &kvCounterObject{random: random} }}
		case "StoredCounter":
			c = edge.DOClass{Name: class, New: func(*edge.DOContext) edge.DOInstance { return storedCounterObject{} }}
		default:
			return nil, unknownClass("COUNTERS", class)
		}
		worker.counter = w.DurableObjects("COUNTERS", c).GetByName("counter")
	}
	return map[string]edge.Handler{
		"incrementInKV":    worker.incrementInKV,
		"readCount":        worker.readCount,
		"forwardToCounter": worker.forwardToCounter,
	}, nil
}

func propagationHandlers(w *edge.World, wl Workload) (map[string]edge.Handler, error) {
	ttl, err := wl.seconds("CACHE_TTL")
	if err != nil {
		return nil, err
	}
	b := &bannerWorker{kv: w.KV("SITE").Binding(), key: wl.Vars["BANNER_KEY"], cacheTTL: ttl}
	return map[string]edge.Handler{"readBanner": b.readBanner, "publishBanner": b.publishBanner}, nil
}

func coalescingHandlers(w *edge.World, wl Workload) (map[string]edge.Handler, error) {
	ttl, err := wl.seconds("CACHE_TTL")
	if err != nil {
		return nil, err
	}
	life, err := wl.seconds("LIFETIME")
	if err != nil {
		return nil, err
	}
	c := &pageCache{kv: w.KV("PAGES").Binding(), origin: w.Origin().Binding(), cacheTTL: ttl, lifetime: life}
	if class, ok := wl.object("REFRESHER"); ok {
		if class != "Refresher" {
			return nil, unknownClass("REFRESHER", class)
		}
		c.refresh = w.DurableObjects("REFRESHER", c.refresher()).Binding()
	}
	return map[string]edge.Handler{"serveStampede": c.serveStampede, "serveCoordinated": c.serveCoordinated}, nil
}

func cachePurgeHandlers(w *edge.World, wl Workload) (map[string]edge.Handler, error) {
	ttl, err := wl.seconds("CACHE_TTL")
	if err != nil {
		return nil, err
	}
	maxAge, err := wl.seconds("MAX_AGE")
	if err != nil {
		return nil, err
	}
	p := &pageWorker{cache: w.Cache().Binding(), origin: w.Origin().Binding(), kv: w.KV("SITE").Binding(), maxAge: maxAge, cacheTTL: ttl}
	return map[string]edge.Handler{
		"servePage": p.servePage, "serveStamped": p.serveStamped,
		"purgePage": p.purgePage, "bumpStamp": p.bumpStamp, "purgeEverywhere": p.purgeEverywhere,
	}, nil
}

func doLatencyHandlers(w *edge.World, wl Workload) (map[string]edge.Handler, error) {
	if class, ok := wl.object("PROFILE"); !ok || class != "Profile" {
		return nil, unknownClass("PROFILE", class)
	}
	ns := w.DurableObjects("PROFILE", edge.DOClass{Name: "Profile", New: func(*edge.DOContext) edge.DOInstance { return profileObject{} }})
	stub, err := ns.Get(ns.IDFromName("profile"), edge.DOGetOptions{LocationHint: wl.Vars["LOCATION_HINT"]})
	if err != nil {
		return nil, err
	}
	p := &profileWorker{kv: w.KV("PROFILES_KV").Binding(), object: stub}
	return map[string]edge.Handler{"publish": p.publish, "readFromObject": p.readFromObject, "readFromKV": p.readFromKV}, nil
}

func configFanoutHandlers(w *edge.World, wl Workload) (map[string]edge.Handler, error) {
	ttl, err := wl.seconds("CACHE_TTL")
	if err != nil {
		return nil, err
	}
	f := &fanoutWorker{kv: w.KV("CONFIG").Binding(), cacheTTL: ttl, random: w.Rand("worker")}
	if class, ok := wl.object("CONFIG_DO"); ok {
		if class != "ConfigObject" {
			return nil, unknownClass("CONFIG_DO", class)
		}
		ms, err := strconv.Atoi(wl.Vars["PUBLISH_EVERY_MS"])
		if err != nil {
			return nil, fmt.Errorf("workload: variable PUBLISH_EVERY_MS=%q: expected milliseconds", wl.Vars["PUBLISH_EVERY_MS"])
		}
		every := time.Duration(ms) * time.Millisecond
		ns := w.DurableObjects("CONFIG_DO", edge.DOClass{Name: class,
			New: func(*edge.DOContext) edge.DOInstance { return &configObject{every: every} }})
		if f.config, err = ns.Get(ns.IDFromName("config"), edge.DOGetOptions{LocationHint: "enam"}); err != nil {
			return nil, err
		}
	}
	return map[string]edge.Handler{
		"editViaDO": f.editViaDO, "readConfig": f.readConfig,
		"editDirect": f.editDirect, "readDirect": f.readDirect,
	}, nil
}
