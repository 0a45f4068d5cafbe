package conformance

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/kvdo/kvdo/demos"
)

// All lists the checks in the order `kvdo verify` runs them.
func All() []Check {
	return []Check{
		raceKVInDO(),
		raceDOStorage(),
		raceKVFromIsolates(),
		localVsProdLocal(),
		kvReadAfterWrite(),
		kvCreateAfterNotFound(),
		kvNoWriteLimit(),
		kvLimits(),
		kvOperationsPerInvocation(),
		coalescingStampede(),
		coalescingCoordinator(),
		configFanoutDOPlusKV(),
		configFanoutKVDirect(),
		doLatencyLocal(),
		cachePurge(),
		cacheVersionStamp(),
		doBlockConcurrencyWhile(),
		doAlarmRetry(),
		doReset(),
	}
}

// Concurrency of the race checks: the race demo's largest parameters,
// 8 writers sending 5 increments each, all at once.
const (
	raceWriters    = 8
	raceIncrements = 5
)

// burst is n clients each sending calls back to back, all starting at once.
func burst(n int, calls ...demos.Call) []demos.Client {
	out := make([]demos.Client, n)
	for i := range out {
		out[i] = demos.Client{Calls: calls}
	}
	return out
}

func repeat(c demos.Call, n int) []demos.Call {
	out := make([]demos.Call, n)
	for i := range out {
		out[i] = c
	}
	return out
}

func one(calls ...demos.Call) []demos.Client { return []demos.Client{{Calls: calls}} }

// counterMeasures are what a counter run shows, from its increments in
// step inc and the count read in the last step: every increment answered,
// the final count, the updates lost, the answers that repeat a count
// another increment already got (two increments that read the same value)
// and the updates lost beyond what overlapping increments explain.
//
// That last figure is local mode's invariant: local KV is one immediately
// consistent store, so an update is lost only when another increment read
// before it wrote and wrote after it, overlapping it in time. How many
// increments overlap depends on each runtime's speed, which the two do not
// share; a loss with no overlap to explain it would be a stale read, which
// local KV never serves (production KV does).
func counterMeasures(inc int, lost, repeats, final Rule) []Measure {
	return []Measure{
		{Name: "increments answered 200", Unit: "count", Rule: Equal, Read: okCount(inc)},
		{Name: "final count", Unit: "count", Rule: final, Read: finalCount},
		{Name: "updates lost", Unit: "count", Rule: lost, Read: lostUpdates(inc)},
		{Name: "answers repeating another's count", Unit: "count", Rule: repeats, Read: repeatedAnswers(inc)},
		{Name: "increments overlapping another", Unit: "count", Rule: Shown, Read: overlapping(inc)},
		{Name: "updates lost beyond the overlaps", Unit: "count", Rule: BothZero, Read: func(r *demos.WorkloadResult) (float64, error) {
			l, err := lostUpdates(inc)(r)
			o, _ := overlapping(inc)(r)
			return max(0, l-o), err
		}},
	}
}

func lostUpdates(inc int) func(*demos.WorkloadResult) (float64, error) {
	return func(r *demos.WorkloadResult) (float64, error) {
		n, _ := okCount(inc)(r)
		f, err := finalCount(r)
		return n - f, err
	}
}

// overlapping counts the answers of step s whose request was in flight
// while another one of the step was.
func overlapping(s int) func(*demos.WorkloadResult) (float64, error) {
	return func(r *demos.WorkloadResult) (float64, error) {
		as, n := stepAnswers(r, s), 0
		for i, a := range as {
			for j, b := range as {
				if i != j && a.StartMs < b.EndMs && b.StartMs < a.EndMs {
					n++
					break
				}
			}
		}
		return float64(n), nil
	}
}

// okCount counts the answers of step s with status 200.
func okCount(s int) func(*demos.WorkloadResult) (float64, error) {
	return func(r *demos.WorkloadResult) (float64, error) {
		n := 0
		for _, a := range stepAnswers(r, s) {
			if a.Status == 200 {
				n++
			}
		}
		return float64(n), nil
	}
}

// finalCount reads the count the last step's one read answered.
func finalCount(r *demos.WorkloadResult) (float64, error) {
	a, err := answer(r, lastStep(r), 0, 0)
	if err != nil {
		return 0, err
	}
	if a.Body == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(a.Body)
	if err != nil || a.Status != 200 {
		return 0, fmt.Errorf("the count read answered %d %q: expected 200 and a number", a.Status, a.Body)
	}
	return float64(n), nil
}

func lastStep(r *demos.WorkloadResult) int {
	s := 0
	for _, a := range r.Answers {
		s = max(s, a.Step)
	}
	return s
}

// repeatedAnswers counts answers of step s whose body another answer of
// the step already had.
func repeatedAnswers(s int) func(*demos.WorkloadResult) (float64, error) {
	return func(r *demos.WorkloadResult) (float64, error) {
		seen, n := map[string]bool{}, 0
		for _, a := range stepAnswers(r, s) {
			if seen[a.Body] {
				n++
			}
			seen[a.Body] = true
		}
		return float64(n), nil
	}
}

// says reads 1 when call k of client c in step s answered status and a
// body containing want, 0 otherwise.
func says(s, c, k, status int, want string) func(*demos.WorkloadResult) (float64, error) {
	return func(r *demos.WorkloadResult) (float64, error) {
		a, err := answer(r, s, c, k)
		if err != nil {
			return 0, err
		}
		if a.Status == status && strings.Contains(a.Body, want) {
			return 1, nil
		}
		return 0, nil
	}
}

func yes(name string, read func(*demos.WorkloadResult) (float64, error)) Measure {
	return Measure{Name: name, Unit: "yes/no", Rule: Equal, Read: read}
}

func raceKVInDO() Check {
	return Check{
		ID: "race/kv-in-do", Demo: "race",
		Title: "Concurrent increments through one Durable Object that keeps the count in KV lose updates: awaiting KV leaves the input gate open",
		Workload: demos.Workload{
			Twin: "race_worker.js", KV: []string{"COUNTER"},
			Objects: []demos.ObjectBinding{{Binding: "COUNTERS", Class: "KVCounter"}},
			Steps: []demos.Step{
				{Clients: burst(raceWriters, repeat(demos.Call{Handler: "forwardToCounter", Method: "POST", Path: "/increment"}, raceIncrements)...)},
				{Clients: one(demos.Call{Handler: "readCount", Path: "/count"})},
			},
		},
		Measures: counterMeasures(0, BothPositive, BothPositive, Shown),
	}
}

func raceDOStorage() Check {
	return Check{
		ID: "race/do-storage", Demo: "race",
		Title: "The same increments on the object's own storage lose none: the storage read closes the input gate, so no two increments read the same count",
		Workload: demos.Workload{
			Twin: "race_worker.js", KV: []string{"COUNTER"},
			Objects: []demos.ObjectBinding{{Binding: "COUNTERS", Class: "StoredCounter"}},
			Steps: []demos.Step{
				{Clients: burst(raceWriters, repeat(demos.Call{Handler: "forwardToCounter", Method: "POST", Path: "/increment"}, raceIncrements)...)},
				{Clients: one(demos.Call{Handler: "forwardToCounter", Path: "/count"})},
			},
		},
		Measures: counterMeasures(0, BothZero, BothZero, Equal),
	}
}

func raceKVFromIsolates() Check {
	return Check{
		ID: "race/kv-from-isolates", Demo: "race",
		Title: "Concurrent increments straight on KV lose updates locally too: no atomic increment, last write wins",
		Workload: demos.Workload{
			Twin: "race_worker.js", KV: []string{"COUNTER"},
			Steps: []demos.Step{
				{Clients: burst(raceWriters, repeat(demos.Call{Handler: "incrementInKV", Method: "POST", Path: "/increment"}, raceIncrements)...)},
				{Clients: one(demos.Call{Handler: "readCount", Path: "/count"})},
			},
		},
		Measures: counterMeasures(0, BothPositive, BothPositive, Shown),
	}
}

// LocalVsProdWorkload is the local-vs-prod demo's local variant as a
// workload: requests increments sent spacingMs apart from one location,
// without waiting for answers, then one read of the count. A first read,
// before the increments, warms workerd up (its first request starts the
// Worker and the local KV store, which takes a few hundred milliseconds);
// it changes nothing in kvdo's run.
func LocalVsProdWorkload(requests, spacingMs int) demos.Workload {
	var clients []demos.Client
	for i := range requests {
		clients = append(clients, demos.Client{StartMs: i * spacingMs, Calls: []demos.Call{{Handler: "incrementInKV", Method: "POST", Path: "/increment"}}})
	}
	read := demos.Call{Handler: "readCount", Path: "/count"}
	return demos.Workload{
		Twin: "race_worker.js", KV: []string{"COUNTER"},
		Steps: []demos.Step{{Clients: one(read)}, {Clients: clients}, {Clients: one(read)}},
	}
}

func localVsProdLocal() Check {
	return Check{
		ID: "local-vs-prod/local", Demo: "local-vs-prod",
		Title: "The racy counter's test suite passes locally: 10 increments 50 ms apart (the demo's defaults) are all counted, unless two overlap in time",
		// The demo reads the count back 65 s later, past every cached
		// copy's cacheTtl; local KV has no cached copies, so the harness
		// reads it at once. Whether two increments 50 ms apart overlap
		// depends on the machine's speed: kvdo's never do, and on an idle
		// machine workerd's take a few milliseconds.
		Workload: LocalVsProdWorkload(10, 50),
		Measures: counterMeasures(1, Shown, Shown, Shown),
	}
}

func bannerWorkload(key string, seeded bool, steps ...demos.Step) demos.Workload {
	wl := demos.Workload{
		Twin: "propagation_worker.js", KV: []string{"SITE"},
		// cacheTtl 300 s: in production every copy read before the write
		// would be served for five minutes more.
		Vars:  map[string]string{"BANNER_KEY": key, "CACHE_TTL": "300"},
		Steps: steps,
	}
	if seeded {
		wl.KVSeed = []demos.KVSeed{{Binding: "SITE", Key: key, Value: "v1"}}
	}
	return wl
}

var (
	readBanner    = demos.Call{Handler: "readBanner", Path: "/banner"}
	publishBanner = demos.Call{Handler: "publishBanner", Method: "PUT", Path: "/banner"}
)

func kvReadAfterWrite() Check {
	return Check{
		ID: "kv/read-after-write", Demo: "propagation",
		Title: "Local KV is one store with no cache: a read right after a write sees it, even one with cacheTtl 300 s after a read that cached the old value",
		Workload: bannerWorkload("banner", true,
			demos.Step{Clients: one(readBanner)},
			demos.Step{Clients: one(publishBanner)},
			demos.Step{Clients: one(readBanner)},
		),
		Measures: []Measure{
			yes("first read sees v1", says(0, 0, 0, 200, "v1")),
			yes("write accepted", says(1, 0, 0, 200, "published")),
			yes("read right after the write sees v2", says(2, 0, 0, 200, "v2")),
		},
	}
}

func kvCreateAfterNotFound() Check {
	return Check{
		ID: "kv/create-after-not-found", Demo: "propagation",
		Title: "Local KV caches no \"not found\": a key created right after a read missed it is visible at once",
		Workload: bannerWorkload("launch-banner", false,
			demos.Step{Clients: one(readBanner)},
			demos.Step{Clients: one(publishBanner)},
			demos.Step{Clients: one(readBanner)},
		),
		Measures: []Measure{
			yes("first read answers 404", says(0, 0, 0, 404, "no banner")),
			yes("write accepted", says(1, 0, 0, 200, "published")),
			yes("read right after the write sees v2", says(2, 0, 0, 200, "v2")),
		},
	}
}

func kvNoWriteLimit() Check {
	const writes = 10
	return Check{
		ID: "kv/no-write-limit", Demo: "propagation",
		Title:    "Local KV has no per-key write limit: 10 writes to one key 100 ms apart are all accepted (production allows 1 per second)",
		Workload: bannerWorkload("banner", true, demos.Step{Clients: one(repeat(demos.Call{Handler: "publishBanner", Method: "PUT", Path: "/banner", AfterMs: 100}, writes)...)}),
		Measures: []Measure{
			{Name: "writes accepted", Unit: "count", Rule: Equal, Read: okCount(0)},
			{Name: "writes refused", Unit: "count", Rule: BothZero, Read: func(r *demos.WorkloadResult) (float64, error) {
				n, _ := okCount(0)(r)
				return float64(len(stepAnswers(r, 0))) - n, nil
			}},
		},
	}
}

// kvLimitCases are the limits kvLimit tries, each with whether KV accepts it.
var kvLimitCases = []struct {
	what     string
	accepted bool
}{
	{"cache-ttl-29", false}, {"cache-ttl-30", true},
	{"expiration-ttl-59", false}, {"expiration-ttl-60", true},
	{"key-512", true}, {"key-513", false},
	{"metadata-1025", false},
	{"value-25mib-plus-1", false},
}

func kvLimits() Check {
	c := Check{
		ID:    "kv/limits",
		Title: "Local KV enforces KV's documented limits: cacheTtl at least 30 s, expirationTtl at least 60 s, keys up to 512 bytes, metadata up to 1,024 bytes, values up to 25 MiB",
		Workload: demos.Workload{
			Twin: probeTwin, KV: []string{"PROBE_KV"},
		},
		handlers: probeHandlers,
	}
	var calls []demos.Call
	for i, tc := range kvLimitCases {
		calls = append(calls, demos.Call{Handler: "kvLimit", Method: "POST", Path: "/limit?what=" + tc.what})
		status := 400
		if tc.accepted {
			status = 200
		}
		c.Measures = append(c.Measures, yes(tc.what+" "+map[bool]string{true: "accepted", false: "refused"}[tc.accepted], says(0, 0, i, status, "")))
	}
	c.Workload.Steps = []demos.Step{{Clients: one(calls...)}}
	return c
}

func kvOperationsPerInvocation() Check {
	return Check{
		ID:    "kv/operations-per-invocation",
		Title: "1,100 KV reads in one invocation: production allows 1,000 KV operations per invocation; does local mode?",
		Workload: demos.Workload{
			Twin: probeTwin, KV: []string{"PROBE_KV"},
			Steps: []demos.Step{{Clients: one(demos.Call{Handler: "kvManyReads", Path: "/many-reads"})}},
		},
		Measures: []Measure{
			{Name: "reads that succeeded", Unit: "count", Rule: Equal, Read: func(r *demos.WorkloadResult) (float64, error) {
				a, err := answer(r, 0, 0, 0)
				if err != nil {
					return 0, err
				}
				n, _, _ := strings.Cut(a.Body, " ")
				v, err := strconv.Atoi(n)
				return float64(v), err
			}},
		},
		handlers: probeHandlers,
	}
}

func scoresWorkload(coordinated bool) demos.Workload {
	const pops = 6 // the coalescing demo's default
	handler := "serveStampede"
	wl := demos.Workload{
		Twin: "coalescing_worker.js", KV: []string{"PAGES"},
		Vars: map[string]string{"CACHE_TTL": "30", "LIFETIME": "60"},
		// The demo's default origin_latency: 500 ms to render the page.
		Origin: &demos.OriginSetup{Paths: map[string]string{"/scores": "scores edition 1"}, ServeMs: 500},
	}
	if coordinated {
		handler = "serveCoordinated"
		wl.Objects = []demos.ObjectBinding{{Binding: "REFRESHER", Class: "Refresher"}}
	}
	visit := demos.Call{Handler: handler, Path: "/scores"}
	// A wave of visitors misses at once; a second wave, once the page is
	// back in KV, hits.
	wl.Steps = []demos.Step{{Clients: burst(pops, visit)}, {Clients: burst(pops, visit)}}
	return wl
}

func pageMeasures(fetches Rule) []Measure {
	return []Measure{
		{Name: "visits answered the page", Unit: "count", Rule: Equal, Read: func(r *demos.WorkloadResult) (float64, error) {
			n := 0
			for _, a := range r.Answers {
				if a.Status == 200 && a.Body == "scores edition 1" {
					n++
				}
			}
			return float64(n), nil
		}},
		{Name: "origin fetches", Unit: "count", Rule: fetches, Read: func(r *demos.WorkloadResult) (float64, error) {
			return float64(r.OriginFetches["/scores"]), nil
		}},
	}
}

func coalescingStampede() Check {
	return Check{
		ID: "coalescing/stampede", Demo: "coalescing",
		Title:    "Six simultaneous misses, each isolate refreshing: six origin fetches, and no 429 for the six write-backs locally",
		Workload: scoresWorkload(false),
		Measures: pageMeasures(Equal),
	}
}

func coalescingCoordinator() Check {
	return Check{
		ID: "coalescing/coordinator", Demo: "coalescing",
		Title:    "The same misses through the key's Durable Object: one origin fetch, the others join it",
		Workload: scoresWorkload(true),
		Measures: pageMeasures(Equal),
	}
}

// edits are three editors making two edits each, all at once.
func edits(handler string) []demos.Client {
	var out []demos.Client
	for e := range 3 {
		var calls []demos.Call
		for k := 1; k <= 2; k++ {
			id := fmt.Sprintf("%c%d", 'A'+e, k)
			calls = append(calls, demos.Call{Handler: handler, Method: "POST", Path: fmt.Sprintf("/edit?id=%s&flag=on&percent=%d", id, 10*(e+1)+k)})
		}
		out = append(out, demos.Client{Calls: calls})
	}
	return out
}

func configFanoutDOPlusKV() Check {
	return Check{
		ID: "config-fanout/do-plus-kv", Demo: "config-fanout",
		Title: "Six concurrent edits through the config's Durable Object get six versions; its alarm publishes the newest, which a read sees at once locally",
		Workload: demos.Workload{
			Twin: "configfanout_worker.js", KV: []string{"CONFIG"},
			Objects: []demos.ObjectBinding{{Binding: "CONFIG_DO", Class: "ConfigObject"}},
			Vars:    map[string]string{"CACHE_TTL": "60", "PUBLISH_EVERY_MS": "500"},
			KVSeed:  []demos.KVSeed{{Binding: "CONFIG", Key: "config", Value: `{"version":0,"edit":"initial","flag":"off","percent":0}`}},
			Steps: []demos.Step{
				{Clients: edits("editViaDO")},
				{WaitMs: 2000, Clients: one(demos.Call{Handler: "readConfig", Path: "/config"})},
			},
		},
		Measures: []Measure{
			{Name: "edits answered 200", Unit: "count", Rule: Equal, Read: okCount(0)},
			{Name: "edits given a version another edit got", Unit: "count", Rule: BothZero, Read: repeatedVersions},
			{Name: "version read from KV after the publish", Unit: "count", Rule: Equal, Read: func(r *demos.WorkloadResult) (float64, error) {
				a, err := answer(r, 1, 0, 0)
				if err != nil {
					return 0, err
				}
				var cfg struct{ Version int }
				if err := json.Unmarshal([]byte(a.Body), &cfg); err != nil {
					return 0, fmt.Errorf("config %q: %v", a.Body, err)
				}
				return float64(cfg.Version), nil
			}},
		},
	}
}

// repeatedVersions counts edits (step 0) answered with a version another
// edit already got: a config JSON's "version", or kv-direct's number.
func repeatedVersions(r *demos.WorkloadResult) (float64, error) {
	seen, n := map[int]bool{}, 0
	for _, a := range stepAnswers(r, 0) {
		v, err := strconv.Atoi(a.Body)
		if err != nil {
			var cfg struct{ Version int }
			if json.Unmarshal([]byte(a.Body), &cfg) != nil {
				return 0, fmt.Errorf("edit answered %d %q: expected a version", a.Status, a.Body)
			}
			v = cfg.Version
		}
		if seen[v] {
			n++
		}
		seen[v] = true
	}
	return float64(n), nil
}

func configFanoutKVDirect() Check {
	return Check{
		ID: "config-fanout/kv-direct", Demo: "config-fanout",
		Title: "The same edits written straight to KV: editors read the same version and write over each other, locally too",
		Workload: demos.Workload{
			Twin: "configfanout_worker.js", KV: []string{"CONFIG"},
			Vars: map[string]string{"CACHE_TTL": "60"},
			KVSeed: []demos.KVSeed{
				{Binding: "CONFIG", Key: "config:version", Value: "0@initial"},
				{Binding: "CONFIG", Key: "config:flag", Value: "off@initial"},
				{Binding: "CONFIG", Key: "config:percent", Value: "0@initial"},
			},
			Steps: []demos.Step{{Clients: edits("editDirect")}},
		},
		Measures: []Measure{
			{Name: "edits answered 200", Unit: "count", Rule: Equal, Read: okCount(0)},
			{Name: "edits given a version another edit got", Unit: "count", Rule: BothPositive, Read: repeatedVersions},
		},
	}
}

func doLatencyLocal() Check {
	return Check{
		ID: "do-latency/local", Demo: "do-latency",
		Title: "The profile object stores a publish and copies it to KV: a read from the object and one from KV right after both return it",
		Workload: demos.Workload{
			Twin: "dolatency_worker.js", KV: []string{"PROFILES_KV"},
			Objects: []demos.ObjectBinding{{Binding: "PROFILE", Class: "Profile"}},
			Vars:    map[string]string{"LOCATION_HINT": ""},
			Steps: []demos.Step{
				{Clients: one(demos.Call{Handler: "readFromObject", Path: "/profile/do"}, demos.Call{Handler: "readFromKV", Path: "/profile/kv"})},
				{Clients: one(demos.Call{Handler: "publish", Method: "PUT", Path: "/profile"})},
				{Clients: one(demos.Call{Handler: "readFromObject", Path: "/profile/do"}, demos.Call{Handler: "readFromKV", Path: "/profile/kv"})},
			},
		},
		Measures: []Measure{
			yes("object answers 404 before the publish", says(0, 0, 0, 404, "no profile")),
			yes("KV answers 404 before the publish", says(0, 0, 1, 404, "no profile")),
			yes("publish answered", says(1, 0, 0, 200, "published")),
			yes("object returns the profile", says(2, 0, 0, 200, "profile v1")),
			yes("KV returns the profile", says(2, 0, 1, 200, "profile v1")),
		},
	}
}

func pricingWorkload(steps ...demos.Step) demos.Workload {
	return demos.Workload{
		Twin: "cachepurge_worker.js", KV: []string{"SITE"},
		Vars:   map[string]string{"MAX_AGE": "300", "CACHE_TTL": "60"},
		KVSeed: []demos.KVSeed{{Binding: "SITE", Key: "page-version", Value: "1"}},
		Origin: &demos.OriginSetup{Paths: map[string]string{"/pricing": "pricing v1"}, ServeMs: 20},
		Steps:  steps,
	}
}

// The cache-purge checks pause 300 ms before each request, so the
// previous view's background cache.put has landed, even on a busy machine.
var (
	viewPricing    = demos.Call{Handler: "servePage", Path: "/pricing", AfterMs: 300}
	viewStamped    = demos.Call{Handler: "serveStamped", Path: "/pricing", AfterMs: 300}
	purgePricing   = demos.Call{Handler: "purgePage", Method: "POST", Path: "/purge/pricing", AfterMs: 300}
	publishStamp   = demos.Call{Handler: "bumpStamp", Method: "POST", Path: "/publish?v=2", AfterMs: 300}
	deployPricing2 = map[string]string{"/pricing": "pricing v2"}
)

func cachePurge() Check {
	return Check{
		ID: "cache-purge/purge", Demo: "cache-purge",
		Title: "Cache API match, put and delete: a miss fills the cache, the next view hits it even after a deploy, a purge deletes it and the next view fetches the new page",
		Workload: pricingWorkload(
			demos.Step{Clients: one(purgePricing, viewPricing, viewPricing)},
			demos.Step{Origin: deployPricing2, Clients: one(viewPricing, purgePricing, viewPricing, purgePricing)},
		),
		Measures: []Measure{
			yes("purge before any view: not cached", says(0, 0, 0, 200, "not cached here")),
			yes("first view: the origin's v1", says(0, 0, 1, 200, "pricing v1")),
			yes("second view: v1 from the cache", says(0, 0, 2, 200, "pricing v1")),
			yes("view after the deploy: still the cached v1", says(1, 0, 0, 200, "pricing v1")),
			yes("purge: deleted", says(1, 0, 1, 200, "purged")),
			yes("view after the purge: the origin's v2", says(1, 0, 2, 200, "pricing v2")),
			yes("second purge: nothing left", says(1, 0, 3, 200, "not cached here")),
			{Name: "origin fetches", Unit: "count", Rule: Equal, Read: func(r *demos.WorkloadResult) (float64, error) {
				return float64(r.OriginFetches["/pricing"]), nil
			}},
		},
	}
}

func cacheVersionStamp() Check {
	return Check{
		ID: "cache-purge/version-stamp", Demo: "cache-purge",
		Title: "A version stamp in KV: after the new stamp is written, the next view uses a new cache key and fetches the new page at once locally",
		Workload: pricingWorkload(
			demos.Step{Clients: one(viewStamped, viewStamped)},
			demos.Step{Origin: deployPricing2, Clients: one(publishStamp, viewStamped)},
		),
		Measures: []Measure{
			yes("first view: the origin's v1", says(0, 0, 0, 200, "pricing v1")),
			yes("second view: v1 from the cache", says(0, 0, 1, 200, "pricing v1")),
			yes("new stamp written", says(1, 0, 0, 200, "published")),
			yes("view after the new stamp: the origin's v2", says(1, 0, 1, 200, "pricing v2")),
			{Name: "origin fetches", Unit: "count", Rule: Equal, Read: func(r *demos.WorkloadResult) (float64, error) {
				return float64(r.OriginFetches["/pricing"]), nil
			}},
		},
	}
}

func probeWorkload(steps ...demos.Step) demos.Workload {
	return demos.Workload{
		Twin: probeTwin, KV: []string{"PROBE_KV"},
		Objects: []demos.ObjectBinding{{Binding: "PROBE", Class: "Probe"}},
		Steps:   steps,
	}
}

func toObject(path string, afterMs int) demos.Call {
	return demos.Call{Handler: "toObject", Method: "POST", Path: path, AfterMs: afterMs}
}

func doBlockConcurrencyWhile() Check {
	// One object blocks for 500 ms; a request sent 150 ms later waits. A
	// second object awaits the same timer without blocking: the request
	// sent meanwhile runs during the wait. A first step creates both
	// objects, so workerd's start-up does not delay the blocking request
	// past the one meant to arrive during it.
	return Check{
		ID:    "do/block-concurrency-while",
		Title: "blockConcurrencyWhile holds every other request until its callback is done; the same await without it lets them in",
		Workload: probeWorkload(
			demos.Step{Clients: one(toObject("/log?object=blocking", 0), toObject("/log?object=free", 0))},
			demos.Step{Clients: []demos.Client{
				{Calls: []demos.Call{toObject("/block?object=blocking", 0)}},
				{StartMs: 150, Calls: []demos.Call{toObject("/note?object=blocking", 0)}},
				{Calls: []demos.Call{toObject("/free?object=free", 0)}},
				{StartMs: 150, Calls: []demos.Call{toObject("/note?object=free", 0)}},
			}},
			demos.Step{Clients: one(toObject("/log?object=blocking", 0), toObject("/log?object=free", 0))},
		),
		Measures: []Measure{
			yes("the request sent during blockConcurrencyWhile ran after it", says(2, 0, 0, 200, "block:start,block:end,note")),
			yes("the request sent during a plain await ran during it", says(2, 0, 1, 200, "free:start,note,free:end")),
		},
		handlers: probeHandlers,
	}
}

// alarmGap reads the time between alarm runs i-1 and i.
func alarmGap(i int) func(*demos.WorkloadResult) (float64, error) {
	return func(r *demos.WorkloadResult) (float64, error) {
		runs, err := alarmRuns(r)
		if err != nil {
			return 0, err
		}
		if len(runs) <= i {
			return 0, fmt.Errorf("%d alarm runs: no run %d", len(runs), i+1)
		}
		return runs[i] - runs[i-1], nil
	}
}

func alarmRuns(r *demos.WorkloadResult) ([]float64, error) {
	a, err := answer(r, lastStep(r), 0, 0)
	if err != nil {
		return nil, err
	}
	var runs []float64
	if err := json.Unmarshal([]byte(a.Body), &runs); err != nil {
		return nil, fmt.Errorf("alarm runs %q: %v", a.Body, err)
	}
	return runs, nil
}

func doAlarmRetry() Check {
	return Check{
		ID:    "do/alarm-retry",
		Title: "An alarm whose handler throws is retried with exponential backoff from 2 s: it fails twice, then succeeds on its third run",
		Workload: probeWorkload(
			demos.Step{Clients: one(toObject("/arm", 0))},
			// 100 ms to the first run, then 2 s and 4 s of backoff.
			demos.Step{WaitMs: 7500, Clients: one(toObject("/runs", 0))},
		),
		Measures: []Measure{
			{Name: "alarm runs", Unit: "count", Rule: Equal, Read: func(r *demos.WorkloadResult) (float64, error) {
				runs, err := alarmRuns(r)
				return float64(len(runs)), err
			}},
			// workerd's alarm scheduler waits 2 s << n and adds a random
			// jitter of up to a quarter of that (RETRY_JITTER_FACTOR 0.25,
			// src/workerd/server/alarm-scheduler.h); 500 ms more allow for
			// a busy machine.
			{Name: "first retry after the first run", Unit: "ms", Rule: Between(2000, 3000, "ms"), Read: alarmGap(1)},
			{Name: "second retry after the first retry", Unit: "ms", Rule: Between(4000, 5500, "ms"), Read: alarmGap(2)},
		},
		handlers: probeHandlers,
	}
}

func doReset() Check {
	return Check{
		ID:    "do/reset",
		Title: "An object reset (blockConcurrencyWhile threw) loses its memory and keeps its storage",
		Workload: probeWorkload(
			demos.Step{Clients: one(toObject("/hit", 0), toObject("/hit", 0), toObject("/hit", 0))},
			demos.Step{Clients: one(toObject("/break", 0))},
			demos.Step{Clients: one(toObject("/hit", 0))},
		),
		Measures: []Measure{
			yes("before the reset: memory 3, storage 3", says(0, 0, 2, 200, "memory 3 storage 3")),
			yes("the request that broke it failed with 500", says(1, 0, 0, 500, "")),
			yes("after the reset: memory 1, storage 4", says(2, 0, 0, 200, "memory 1 storage 4")),
		},
		handlers: probeHandlers,
	}
}
