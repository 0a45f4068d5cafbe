package demos

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/edge"
)

//go:embed coalescing_worker.go
var coalescingWorkerSource string

// scoresPath is the page every PoP serves, and its KV key.
const scoresPath = "/scores"

// waveSpread is how far apart, at most, the PoPs' requests of one wave
// arrive: visitors everywhere reload a live page on the same beat, which
// is what makes their misses coincide.
const waveSpread = 250 * time.Millisecond

func coalescingDemo() Demo {
	return Demo{
		ID:      "coalescing",
		Title:   "A cache stampede, and one Durable Object that absorbs it",
		Teaches: "When a cached page expires, every PoP that misses fetches the origin and writes KV, and KV refuses all but one write per second; sending the misses through one Durable Object per key makes one origin fetch and one KV write per refresh.",
		Params: []Param{
			intParam("pops", "6", "2", "10", "PoPs whose visitors miss the page at the same moment"),
			durParam("origin_latency", "500ms", "50ms", "5s", "the origin's time to render the page (each render varies by 20%)"),
			durParam("value_ttl", "60s", "60s", "10m0s", "expirationTtl of the cached page: when it runs out the page must be refreshed (KV's minimum is 60s)"),
			durParam("cache_ttl", "30s", "30s", "300s", "cacheTtl of every read, which also keeps a \"not found\" cached that long"),
			durParam("read_every", "15s", "1s", "30s", "every PoP serves a wave of visits this often"),
			intParam("intervals", "3", "1", "5", "how many value lifetimes (value_ttl) the visits last"),
			durParam("update_every", "1s", "100ms", "1h0m0s", "the origin publishes a new edition of the page this often"),
		},
		Variants: []Variant{
			{ID: "stampede", Title: "Every isolate refreshes", Help: "on a miss each Worker fetches the origin and writes the page back to KV"},
			{ID: "coordinator", Title: "Refresh through a Durable Object", Help: "on a miss each Worker asks the key's Durable Object, which fetches and writes once per lifetime"},
		},
		Source: Source{File: "coalescing_worker.go", Code: coalescingWorkerSource},
		Emits:  kinds(requestKinds, kvKinds, originKinds, doKinds, doLifeKinds),
		Notes:  []string{"visitors", "repeat-miss", "value-expired", "porcupine", "outcome"},
		Conditions: map[string]Condition{
			"only-write-of-interval":  onlyWriteOfInterval,
			"writer-caches-not-found": writerCachesNotFound,
		},
		run:   runCoalescing,
		check: checkCoalescing,
	}
}

// maxVisits bounds a run: past it the trace is too long to watch or to
// read, and the story is the same.
const maxVisits = 2000

// checkCoalescing rejects parameters that together make too long a run.
func checkCoalescing(v Values) error {
	span := time.Duration(v.Int("intervals")) * v.Duration("value_ttl")
	every := v.Duration("read_every")
	waves := int((span + every - 1) / every)
	if n := waves * v.Int("pops"); n > maxVisits {
		return fmt.Errorf("parameter read_every=%s: with pops=%d, value_ttl=%s and intervals=%d the run would serve %d visits; at most %d are allowed, so visit less often or cover fewer intervals",
			every, v.Int("pops"), v.Duration("value_ttl"), v.Int("intervals"), n, maxVisits)
	}
	return nil
}

// edition is the page body the origin holds at version v.
func edition(v int64) string { return "scores, edition " + strconv.FormatInt(v, 10) }

// editionOf is the version a page body carries (0: not a page).
func editionOf(body string) int64 {
	n, err := strconv.ParseInt(strings.TrimPrefix(body, "scores, edition "), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// stampedeWatch follows the trace while the run goes on, to note what a
// viewer cannot see from single events: the moment the newest write's
// expirationTtl runs out (KV then holds nothing, and a new refresh
// interval begins), and the first visit in each interval that misses
// only because its PoP still caches the "not found" it read before the
// page was written.
type stampedeWatch struct {
	w         *edge.World
	life      time.Duration
	ttl       time.Duration // cacheTtl
	intervals int           // the run ends after this many lapses
	visits    map[int]*visit
	cursor    int
	putAt     map[int]time.Duration // request -> when its put was issued
	expires   time.Duration         // expiry of the newest committed write
	lapses    []time.Duration
	noted     int // intervals whose repeat miss has been noted
}

func (l *stampedeWatch) scan() {
	tr := l.w.Trace()
	for ; l.cursor < len(tr); l.cursor++ {
		e := tr[l.cursor]
		if e.Key != scoresPath {
			continue
		}
		switch e.Kind {
		case edge.EvKVPut:
			l.putAt[e.Req] = e.At
		case edge.EvKVCommit:
			// expirationTtl counts from when the put was issued.
			exp := l.putAt[e.Req] + l.life
			l.expires = exp
			l.w.At(exp, func() { l.lapse(exp) })
		case edge.EvKVGetDone:
			// A "not found" served from the PoP's cache while KV has the
			// page: the read is stale, and the visit misses once more.
			if v := l.visits[e.Req]; v != nil && e.Version == 0 && e.Outcome == "stale" && l.noted <= len(l.lapses) {
				l.noted = len(l.lapses) + 1
				l.w.Annotate(edge.Event{Note: "repeat-miss", Actor: e.Actor, Req: e.Req, Key: e.Key},
					fmt.Sprintf("%s misses again: it keeps the \"not found\" it cached before the page was written, for up to cacheTtl (%s)", e.Actor, fmtDur(l.ttl)))
			}
		}
	}
}

func (l *stampedeWatch) lapse(at time.Duration) {
	l.scan()
	if l.expires != at {
		return // a newer write replaced it before it expired
	}
	l.lapses = append(l.lapses, at)
	if len(l.lapses) >= l.intervals {
		return // the last interval is over: no visits follow, nothing to say
	}
	l.w.Annotate(edge.Event{Note: "value-expired", Actor: "kv", Key: scoresPath},
		fmt.Sprintf("the page's expirationTtl (%s) has run out: KV holds nothing under %s now", fmtDur(l.life), scoresPath))
}

// visit is one visitor request as the run saw it.
type visit struct {
	pop      int
	start    time.Duration
	end      time.Duration
	done     bool
	missed   bool
	version  int64
	interval int
}

// popTally and intervalTally are the rows of the demo's two tables.
type popTally struct {
	misses, fetches, putsOK, puts429, doCalls int
	slowest                                   time.Duration
}

type intervalTally struct {
	began                            time.Duration
	pops                             map[int]bool
	misses, fetches, putsOK, puts429 int
}

func runCoalescing(s *scenario) error {
	lat := s.p.Duration("origin_latency")
	w, err := s.worldWith(edge.Config{Mode: edge.Production,
		Origin: edge.OriginConfig{ServeMin: lat * 4 / 5, ServeMax: lat * 6 / 5}})
	if err != nil {
		return err
	}
	n := s.p.Int("pops")
	pops, err := pickPoPs(w, n, "LHR", "NRT", "SYD", "FRA", "GRU", "SIN", "SJC", "IAD", "CDG", "JNB")
	if err != nil {
		return err
	}
	life, every := s.p.Duration("value_ttl"), s.p.Duration("read_every")
	intervals := s.p.Int("intervals")
	coord := s.variant == "coordinator"

	origin := w.Origin()
	origin.SetContent(scoresPath, edition(1))
	update := s.p.Duration("update_every")
	stopped := false // the visits are over: the origin stops publishing too
	var publish func()
	publish = func() {
		if stopped {
			return
		}
		v := origin.Version(scoresPath) + 1
		origin.SetContent(scoresPath, edition(v))
		w.After(update, publish)
	}
	w.At(update, publish)

	c := &pageCache{kv: w.KV("PAGES").Binding(), origin: origin.Binding(), cacheTTL: s.p.Duration("cache_ttl"), lifetime: life}
	serve := c.serveStampede
	if coord {
		c.refresh = w.DurableObjects("REFRESHER", c.refresher()).Binding()
		serve = c.serveCoordinated
	}
	visits := map[int]*visit{}
	watch := &stampedeWatch{w: w, life: life, ttl: c.cacheTTL, intervals: intervals, visits: visits, putAt: map[int]time.Duration{}, expires: -1}
	var order []int
	arrive := w.Rand("visitors")
	w.Note("visitors", "visitors", fmt.Sprintf("every %s a wave of visitors reaches %s within %s; the page is not in KV yet and the origin takes about %s to render it",
		fmtDur(every), plural(n, "PoP"), fmtDur(waveSpread), fmtDur(lat)))
	// Waves go on until the page has lapsed intervals times, so both
	// variants run the same number of refresh intervals and their figures
	// compare like with like, however long a variant takes to refresh.
	maxWaves := 2 * ((time.Duration(intervals)*life + every - 1) / every)
	var wave func(k time.Duration)
	wave = func(k time.Duration) {
		watch.scan()
		if len(watch.lapses) >= intervals || k >= maxWaves {
			stopped = true
			return
		}
		at := w.Now()
		for i := range n {
			start := at + time.Duration(arrive.Int64N(int64(waveSpread)))
			v := &visit{pop: i, start: start}
			r := w.Request(start, pops[i], scoresPath, serve, func(status int, body string) {
				v.end, v.done, v.version = w.Now(), true, editionOf(body)
				watch.scan()
			})
			r.OnStart(func() {
				visits[r.ID] = v
				order = append(order, r.ID)
			})
		}
		w.After(every, func() { wave(k + 1) })
	}
	w.At(0, func() { wave(0) })
	w.Run()
	watch.scan()
	s.coalescingReport(w, pops, visits, order, watch.lapses, coord)
	return nil
}

// intervalOf is the refresh interval a moment falls in: lapses end them.
func intervalOf(lapses []time.Duration, at time.Duration) int {
	i := 0
	for i < len(lapses) && lapses[i] <= at {
		i++
	}
	return i
}

func (s *scenario) coalescingReport(w *edge.World, pops []edge.PoPID, visits map[int]*visit, order []int, lapses []time.Duration, coord bool) {
	per := make([]popTally, len(pops))
	ivs := make([]intervalTally, len(lapses)+1)
	for i := range ivs {
		ivs[i].pops = map[int]bool{}
		ivs[i].began = -1
	}
	var ops []edge.Op
	// In the coordinator variant the object fetches and writes, on behalf
	// of whichever request started the refresh: it gets its own row.
	var obj popTally
	objAt := ""
	for _, e := range w.Trace() {
		if e.Kind == edge.EvDOPlace {
			objAt = e.To
		}
		v := visits[e.Req]
		if v == nil {
			continue
		}
		v.interval = intervalOf(lapses, v.start)
		p, iv := &per[v.pop], &ivs[v.interval]
		if coord && e.Kind != edge.EvDOFinish {
			p = &obj
		}
		switch e.Kind {
		case edge.EvKVGetDone:
			if e.Version == 0 {
				v.missed = true
			}
		case edge.EvOriginFetch:
			p.fetches++
			iv.fetches++
			// Each origin fetch writes its edition into the edge's copy of
			// the page; each visit reads one.
			ops = append(ops, edge.Op{Client: -e.Seq, Kind: edge.OpPut, Key: scoresPath, Value: e.Version, Found: true,
				Call: e.At, Return: e.At, Label: "origin render for " + e.From})
		case edge.EvKVPutDone:
			switch e.Outcome {
			case "accepted":
				p.putsOK++
				iv.putsOK++
			case "429":
				p.puts429++
				iv.puts429++
			}
		case edge.EvDOFinish:
			p.doCalls++
		}
	}
	var missLat, hitLat []time.Duration
	for _, id := range order {
		v := visits[id]
		p, iv := &per[v.pop], &ivs[v.interval]
		if !v.done {
			continue
		}
		lat := v.end - v.start
		if v.missed {
			p.misses++
			iv.misses++
			iv.pops[v.pop] = true
			if iv.began < 0 || v.start < iv.began {
				iv.began = v.start
			}
			p.slowest = max(p.slowest, lat)
			missLat = append(missLat, lat)
		} else {
			hitLat = append(hitLat, lat)
		}
		ops = append(ops, edge.Op{Client: id, Kind: edge.OpGet, Key: scoresPath, Value: v.version, Found: v.version != 0,
			Call: v.start, Return: v.end, Label: "visit at " + w.Code(pops[v.pop])})
	}
	s.verdict = edge.CheckRegister(ops)

	// Tables.
	it := Table{Title: "per refresh interval", Columns: []string{"interval", "first miss", "PoPs missing", "misses", "origin fetches", "KV writes ok", "KV 429s"}}
	var used []intervalTally
	for _, iv := range ivs {
		if iv.misses == 0 {
			continue // no visit fell in it: nothing was refreshed
		}
		used = append(used, iv)
		it.Rows = append(it.Rows, []string{strconv.Itoa(len(used)), fmtAt(iv.began), strconv.Itoa(len(iv.pops)), strconv.Itoa(iv.misses),
			strconv.Itoa(iv.fetches), strconv.Itoa(iv.putsOK), strconv.Itoa(iv.puts429)})
	}
	cols := []string{"PoP", "misses", "origin fetches", "KV writes ok", "KV 429s"}
	if coord {
		cols = append(cols, "DO requests")
	}
	pt := Table{Title: "per PoP", Columns: append(cols, "slowest miss")}
	for i, p := range per {
		row := []string{w.Code(pops[i]), strconv.Itoa(p.misses), strconv.Itoa(p.fetches), strconv.Itoa(p.putsOK), strconv.Itoa(p.puts429)}
		if coord {
			row = append(row, strconv.Itoa(p.doCalls))
		}
		slow := "-"
		if p.misses > 0 {
			slow = fmtDur(p.slowest)
		}
		pt.Rows = append(pt.Rows, append(row, slow))
	}
	if coord {
		pt.Rows = append(pt.Rows, []string{"object at " + objAt, "-", strconv.Itoa(obj.fetches), strconv.Itoa(obj.putsOK), strconv.Itoa(obj.puts429), "-", "-"})
	}
	s.tables = append(s.tables, it, pt)

	// Metrics.
	var misses, fetches, ok, refused int
	for _, iv := range used {
		misses += iv.misses
		fetches += iv.fetches
		ok += iv.putsOK
		refused += iv.puts429
	}
	s.liveCount("misses", EventFilter{Kind: edge.EvKVGetDone, NotFound: true}, true)
	s.liveCount("origin fetches", EventFilter{Kind: edge.EvOriginFetch}, true)
	s.liveCount("KV writes accepted", EventFilter{Kind: edge.EvKVPutDone, Outcome: "accepted"}, true)
	s.liveCount("KV writes refused with 429", EventFilter{Kind: edge.EvKVPutDone, Outcome: "429"}, true)
	if coord {
		s.liveCount("Durable Object requests", EventFilter{Kind: edge.EvDOFinish}, false)
	}
	s.metric("refresh intervals", float64(len(used)), "count", false)
	s.metric("missing read latency, p50", ms(percentile(missLat, 50)), "ms", false)
	s.metric("missing read latency, max", ms(percentile(missLat, 100)), "ms", false)
	s.metric("hit latency, p50", ms(percentile(hitLat, 50)), "ms", false)

	// Outcome.
	repeats := misses
	for _, iv := range used {
		repeats -= len(iv.pops)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s over %s: %s", plural(len(visits), "visit"), plural(len(used), "refresh interval"), count(misses, "miss", "misses"))
	if repeats > 0 {
		fmt.Fprintf(&b, " (%d of them at PoPs that had missed already and still cached \"not found\")", repeats)
	}
	if coord {
		fmt.Fprintf(&b, ", %s and %s, ", count(fetches, "origin fetch", "origin fetches"), plural(ok, "accepted KV write"))
		if fetches == len(used) && ok == len(used) {
			b.WriteString("exactly one of each per interval")
		} else {
			b.WriteString("not one of each per interval")
		}
		if refused == 0 {
			b.WriteString(", and no 429")
		} else {
			fmt.Fprintf(&b, ", and %d refused with 429", refused)
		}
		switch {
		case fetches == len(used) && misses > fetches:
			b.WriteString(": the Durable Object answered every other miss from its fetch in flight or from the page it keeps in storage")
		case misses > fetches:
			fmt.Fprintf(&b, ": the Durable Object shared %s among %s", count(fetches, "origin fetch", "origin fetches"), count(misses, "miss", "misses"))
		}
	} else {
		fmt.Fprintf(&b, ", %s, %s accepted and %d refused with 429", count(fetches, "origin fetch", "origin fetches"), plural(ok, "KV write"), refused)
		if fetches == misses {
			b.WriteString(": one origin fetch per miss")
		}
	}
	if s.verdict.Linearizable {
		b.WriteString("; no visitor got an older edition than one the edge had already rendered")
	} else {
		b.WriteString("; visitors saw the page go back to an older edition")
	}
	s.outcome = b.String()
	w.Note("porcupine", "porcupine", fmt.Sprintf("the run as one register: each of the %s is a write of its edition, each of the %s a read of the edition it was served",
		count(fetches, "origin render", "origin renders"), plural(len(visits), "visit")))
	w.Note("check", "outcome", s.outcome)
}

// percentile returns the p-th percentile of ds (nearest rank; 0 when empty).
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(i-1, 0)]
}
