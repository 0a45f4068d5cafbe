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

//go:embed dolatency_worker.go
var doLatencyWorkerSource string

// doHintChoices are the values of the hint parameter: "none" lets the
// first caller decide, the others are Cloudflare's location hints.
var doHintChoices = []string{"none", "wnam", "enam", "weur", "eeur", "apac", "apac-ne", "apac-se", "oc", "sam", "afr", "me"}

func doLatencyDemo() Demo {
	return Demo{
		ID:      "do-latency",
		Title:   "One object, callers everywhere: the hop each one pays",
		Teaches: "A Durable Object lives in one place, so every request to it pays the round trip from the caller's PoP, growing with distance; a warm KV read never leaves the caller's PoP.",
		Params: []Param{
			intParam("callers", "5", "2", "8", "caller PoPs, spread over continents; the first one publishes, so it creates the object"),
			{Name: "hint", Kind: KindChoice, Default: "none", Choices: doHintChoices,
				Help: "location hint on the object's first get; none: the object is created near its first caller"},
			intParam("reads", "5", "3", "40", "reads each caller makes from the object, and as many from KV"),
		},
		Variants: []Variant{{ID: "do-vs-kv", Title: "The object vs KV", Help: "every caller reads the same profile from the one object and from KV"}},
		Source:   Source{File: "dolatency_worker.go", Code: doLatencyWorkerSource},
		Emits:    kinds(requestKinds, kvKinds, doKinds, doLifeKinds),
		Notes:    []string{"publish", "callers", "caller", "outcome"},
		run:      runDOLatency,
	}
}

// callerReads is what one caller PoP measured.
type callerReads struct {
	pop     edge.PoPID
	rtt     time.Duration   // jitter-free round trip to the object's PoP
	object  []time.Duration // reads through the object
	kv      []time.Duration // warm KV reads
	kvFirst time.Duration   // the read that warmed the PoP's KV cache
	failed  int
}

func runDOLatency(s *scenario) error {
	w, err := s.world(edge.Production, true)
	if err != nil {
		return err
	}
	n, reads, hint := s.p.Int("callers"), s.p.Int("reads"), s.p.Choice("hint")
	pops, err := pickPoPs(w, n, "LHR", "IAD", "NRT", "SYD", "GRU", "SIN", "SJC", "JNB")
	if err != nil {
		return err
	}
	ns := w.DurableObjects("PROFILE", edge.DOClass{Name: "Profile", New: func(*edge.DOContext) edge.DOInstance { return profileObject{} }})
	id := ns.IDFromName("profile")
	opt := edge.DOGetOptions{}
	if hint != "none" {
		opt.LocationHint = hint
	}
	stub, err := ns.Get(id, opt)
	if err != nil {
		return err
	}
	worker := &profileWorker{kv: w.KV("PROFILES_KV").Binding(), object: stub}
	stats := make([]callerReads, n)
	for i := range stats {
		stats[i].pop = pops[i]
	}

	// The run ends with the last answer: an idle object's eviction timer
	// would otherwise keep the clock going for another minute or two.
	pending := 0
	send := func(at time.Duration, i int, path string, h edge.Handler, record func(*callerReads, time.Duration)) {
		pending++
		// Created when it starts, so request ids follow the timeline.
		w.At(at, func() {
			w.Request(at, pops[i], path, h, func(status int, _ string) {
				if status == 200 {
					record(&stats[i], w.Now()-at)
				} else {
					stats[i].failed++
				}
				if pending--; pending == 0 {
					w.Stop()
				}
			})
		})
	}
	first := w.Code(pops[0])
	if hint == "none" {
		w.Note(first, "publish", fmt.Sprintf("a Worker at %s publishes the profile: the first request for the object, so the object is created near %s", first, first))
	} else {
		w.Note(first, "publish", fmt.Sprintf("a Worker at %s publishes the profile: the first request for the object, whose first get carries location hint %s", first, hint))
	}
	clients := w.Rand("callers")
	// The callers start once every central store has the profile: KV's
	// replication delay has a long tail, and this demo measures distance,
	// not staleness (propagation shows that).
	var begin func()
	published := w.Now()
	begin = func() {
		if !w.KV("PROFILES_KV").Replicated("profile") || w.KV("PROFILES_KV").Latest("profile") == 0 {
			w.After(100*time.Millisecond, begin)
			return
		}
		start := w.Now() + 500*time.Millisecond
		w.Note("callers", "callers", fmt.Sprintf("%s after publishing, every central store holds the profile. %s each read it once from KV to warm their cache, then %s from the object and %s from KV",
			fmtDur(w.Now()-published), plural(n, "PoP"), times(reads), times(reads)))
		for i := range n {
			send(start+time.Duration(i)*20*time.Millisecond, i, "/profile/kv", worker.readFromKV,
				func(c *callerReads, d time.Duration) { c.kvFirst = d })
			for j := range reads {
				// Rounds 300 ms apart, each caller at its own moment in the
				// round, so reads rarely meet at the object.
				at := start + 500*time.Millisecond + time.Duration(j)*300*time.Millisecond
				send(at+time.Duration(clients.Int64N(int64(100*time.Millisecond))), i, "/profile/do", worker.readFromObject,
					func(c *callerReads, d time.Duration) { c.object = append(c.object, d) })
				send(at+150*time.Millisecond+time.Duration(clients.Int64N(int64(100*time.Millisecond))), i, "/profile/kv", worker.readFromKV,
					func(c *callerReads, d time.Duration) { c.kv = append(c.kv, d) })
			}
		}
	}
	w.Request(0, pops[0], "/profile", worker.publish, func(int, string) {
		published = w.Now()
		begin()
	})
	w.Run()

	home, placed := ns.Placement(id)
	if !placed {
		return fmt.Errorf("the object was never created")
	}
	for i := range stats {
		stats[i].rtt = w.BaseRTT(stats[i].pop, home)
	}
	s.verdict = edge.CheckRegister(w.History().Ops())
	s.doLatencyReport(w, home, placeDetail(w.Trace()), stats)
	return nil
}

// placeDetail is why the object went where it did, from its place event.
func placeDetail(trace []edge.Event) string {
	for _, ev := range trace {
		if ev.Kind == edge.EvDOPlace {
			if ev.Outcome == "hint" {
				return "location hint " + ev.Value
			}
			return "nearest host to the first caller at " + ev.From
		}
	}
	return ""
}

// median is the lower median of ds (0 for none), without reordering ds.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

func (s *scenario) doLatencyReport(w *edge.World, home edge.PoPID, why string, stats []callerReads) {
	// Rows go nearest first, so the table reads as latency against distance.
	order := make([]int, len(stats))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(stats[a].rtt - stats[b].rtt) })

	t := Table{Title: "per caller, nearest to the object first",
		Columns: []string{"PoP", "RTT to object", "object p50", "object max", "KV first read", "KV warm p50", "object / KV"}}
	var kvWorst, kvWorstAt time.Duration
	var kvWorstPoP string
	failed := 0
	for _, i := range order {
		c := stats[i]
		code := w.Code(c.pop)
		label := code
		if c.pop == home {
			label += " (object)"
		}
		doP50, kvP50 := median(c.object), median(c.kv)
		ratio := "-"
		if kvP50 > 0 {
			ratio = strconv.FormatFloat(float64(doP50)/float64(kvP50), 'f', 0, 64) + "x"
		}
		t.Rows = append(t.Rows, []string{label, fmtDur(c.rtt), fmtDur(doP50), fmtDur(slices.Max(append([]time.Duration{0}, c.object...))),
			fmtDur(c.kvFirst), fmtDur(kvP50), ratio})
		if kvP50 > kvWorst {
			kvWorst, kvWorstPoP = kvP50, code
		}
		kvWorstAt = max(kvWorstAt, kvP50)
		failed += c.failed
		w.Annotate(edge.Event{Note: "caller", Actor: code, Latency: doP50},
			fmt.Sprintf("%s, round trip to the object %s: reads through the object took %s (p50), warm KV reads %s", code, fmtDur(c.rtt), fmtDur(doP50), fmtDur(kvP50)))
	}
	s.tables = append(s.tables, t)

	near, far := stats[order[0]], stats[order[len(order)-1]]
	nearP50, farP50, farKV := median(near.object), median(far.object), median(far.kv)
	s.metric("object read p50, nearest caller", ms(nearP50), "ms", false)
	s.metric("object read p50, farthest caller", ms(farP50), "ms", true)
	s.metric("KV warm read p50, slowest caller", ms(kvWorst), "ms", true)
	ratio := 0.0
	if farKV > 0 {
		ratio = float64(farP50) / float64(farKV)
	}
	s.metric("farthest caller: object / KV", ratio, "x", true)
	s.liveCount("requests the object answered", EventFilter{Kind: edge.EvDOFinish, Outcome: "ok"}, false)
	s.liveCount("KV reads from the PoP's own cache", EventFilter{Kind: edge.EvKVGet, Outcome: "hit"}, false)
	if failed > 0 {
		s.metric("reads failed", float64(failed), "count", false)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "the object lives at %s (%s); reading it takes %s (p50) from %s and %s from %s, %.0f times a warm KV read there",
		w.Code(home), why, fmtDur(nearP50), w.Code(near.pop), fmtDur(farP50), w.Code(far.pop), ratio)
	fmt.Fprintf(&b, ", while warm KV reads stay at or under %s (p50) at every caller (slowest %s)", fmtDur(kvWorstAt), kvWorstPoP)
	if failed > 0 {
		fmt.Fprintf(&b, "; %s failed", plural(failed, "read"))
	}
	s.outcome = b.String()
	w.Note("check", "outcome", s.outcome)
}
