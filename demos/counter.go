package demos

import (
	_ "embed"
	"fmt"
	"strconv"
	"time"

	"github.com/kvdo/kvdo/edge"
)

//go:embed race_worker.go
var raceWorkerSource string

// settleWait is how long the check read waits after the last write: past
// every cached copy's 60 s cacheTtl, so what it reads is what KV holds.
const settleWait = 65 * time.Second

// counterTally collects what clients of a counter saw, for the outcome and
// the linearizability check.
type counterTally struct {
	w        *edge.World
	ops      []edge.Op
	acked    int
	failed   int
	lastDone time.Duration
	final    int
	finalErr bool
	// inObject says the count lives in Durable Object storage, which
	// changes the figures worth showing.
	inObject bool
	// afterCheck, if set, runs once the check read is answered.
	afterCheck func()
	// noteLost, when set, notes each answer that repeats an earlier one:
	// the moment a lost update becomes visible to the clients.
	noteLost bool
	answered map[int]int // count answered -> the request that got it first
}

// send issues one increment at PoP pop and virtual time at, and records it
// as a counter operation once acknowledged; then runs next, if any.
func (t *counterTally) send(at time.Duration, pop edge.PoPID, path string, h edge.Handler, next func()) {
	var r *edge.Request
	r = t.w.Request(at, pop, path, h, func(status int, body string) {
		client := r.ID
		if n, err := strconv.Atoi(body); status == 200 && err == nil {
			// An increment answers the count it produced: the counter
			// model expects each to be one more than the last.
			t.acked++
			if t.noteLost {
				t.noteRepeat(pop, client, n)
			}
			t.ops = append(t.ops, edge.Op{Client: client, Kind: edge.OpIncr, Key: "count", Value: int64(n),
				Call: at, Return: t.w.Now(), Label: fmt.Sprintf("req %d at %s", client, t.w.Code(pop))})
		} else {
			t.failed++
		}
		t.lastDone = max(t.lastDone, t.w.Now())
		if next != nil {
			next()
		}
	})
}

// noteRepeat notes an increment answered with a count an earlier one
// already got: both started from the same read.
func (t *counterTally) noteRepeat(pop edge.PoPID, client, n int) {
	if first, dup := t.answered[n]; dup {
		t.w.Annotate(edge.Event{Note: "lost-update", Actor: t.w.Code(pop), Req: client, Value: strconv.Itoa(n), Version: int64(first)},
			fmt.Sprintf("req %d is told count %d, as req %d was: two increments, one step up", client, n, first))
		return
	}
	if t.answered == nil {
		t.answered = map[int]int{}
	}
	t.answered[n] = client
}

// check reads the counter at pop once the writes have settled, and records
// the read in the history.
func (t *counterTally) check(pop edge.PoPID, h edge.Handler) {
	at := t.lastDone + settleWait
	var r *edge.Request
	r = t.w.Request(at, pop, "/count", h, func(status int, body string) {
		client := r.ID
		n, err := strconv.Atoi(body)
		if body == "" {
			n, err = 0, nil
		}
		t.final, t.finalErr = n, status != 200 || err != nil
		t.ops = append(t.ops, edge.Op{Client: client, Kind: edge.OpGet, Key: "count", Value: int64(n), Found: body != "",
			Call: at, Return: t.w.Now(), Label: fmt.Sprintf("check req %d at %s", client, t.w.Code(pop))})
		if t.afterCheck != nil {
			t.afterCheck()
		}
	})
}

// report turns the tally into metrics, the porcupine verdict and the
// outcome sentence.
func (t *counterTally) report(s *scenario) {
	lost := t.acked - t.final
	s.liveCount("increments acknowledged", EventFilter{Kind: edge.EvRequestEnd, Outcome: "ok", Path: "/increment"}, false)
	s.metric("final count", float64(t.final), "count", true)
	s.metric("updates lost", float64(lost), "count", true)
	if t.inObject {
		s.liveCount("requests queued at the object", EventFilter{Kind: edge.EvDOQueue}, false)
		s.liveCount("storage writes made durable", EventFilter{Kind: edge.EvDOCommit}, false)
	} else {
		s.liveCount("stale reads", EventFilter{Kind: edge.EvKVGetDone, Outcome: "stale"}, false)
		s.liveCount("puts rejected with 429", EventFilter{Kind: edge.EvKVPutDone, Outcome: "429"}, false)
	}
	if t.failed > 0 {
		s.liveCount("requests failed", EventFilter{Kind: edge.EvRequestEnd, Outcome: "error", Path: "/increment"}, false)
	}
	s.verdict = edge.CheckCounter(t.ops)
	switch {
	case lost > 0:
		s.outcome = fmt.Sprintf("expected %d increments, the counter holds %d: %d updates lost", t.acked, t.final, lost)
	case lost == 0:
		s.outcome = fmt.Sprintf("expected %d increments, the counter holds %d: none lost", t.acked, t.final)
	default:
		s.outcome = fmt.Sprintf("expected %d increments, the counter holds %d: %d more than acknowledged", t.acked, t.final, -lost)
	}
	if t.failed > 0 {
		s.outcome += fmt.Sprintf(" (and %s gave up after %d attempts)", plural(t.failed, "request"), maxPutAttempts)
	}
	s.w.Note("check", "outcome", s.outcome)
}

func localVsProdDemo() Demo {
	return Demo{
		ID:      "local-vs-prod",
		Title:   "Green in wrangler dev, red in production",
		Teaches: "Local KV is one immediately consistent store with no write limit, so a racy counter passes its tests and then loses updates in production.",
		Params: []Param{
			intParam("requests", "10", "2", "40", "increments the test sends, one after another without waiting"),
			durParam("spacing", "50ms", "10ms", "2s", "time between two requests, as a test suite fires them"),
		},
		Variants: []Variant{
			{ID: "production", Title: "Production", Help: "Cloudflare's KV: cached copies, eventual consistency, 1 write/s per key"},
			{ID: "local", Title: "Local (Miniflare)", Help: "wrangler dev's KV: one store, immediately consistent, no write limit"},
		},
		Source: Source{File: "race_worker.go", Code: raceWorkerSource},
		Emits:  kinds(requestKinds, kvKinds),
		Notes:  []string{"test-suite", "count-backwards", "requests-answered", "outcome"},
		run:    runLocalVsProd,
	}
}

func runLocalVsProd(s *scenario) error {
	mode := edge.Production
	if s.variant == "local" {
		mode = edge.Local
	}
	w, err := s.world(mode, false)
	if err != nil {
		return err
	}
	s.observe((&backwardsWatch{w: w, last: map[string]int{}}).see)
	pops, err := pickPoPs(w, 1, "FRA", "LHR")
	if err != nil {
		return err
	}
	worker := &counterWorker{kv: w.KV("COUNTER").Binding(), random: w.Rand("worker")}
	t := &counterTally{w: w}
	n, gap := s.p.Int("requests"), s.p.Duration("spacing")
	w.Note(w.Code(pops[0]), "test-suite", fmt.Sprintf("A test suite sends %d increments, %s apart", n, fmtDur(gap)))
	for i := range n {
		t.send(time.Duration(i)*gap, pops[0], "/increment", worker.incrementInKV, nil)
	}
	w.Run()
	w.Note(w.Code(pops[0]), "requests-answered", "every request answered; the test reads the count back once caches have expired")
	t.check(pops[0], worker.readCount)
	w.Run()
	t.report(s)
	return nil
}
