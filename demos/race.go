package demos

import (
	"fmt"
	"time"

	"github.com/kvdo/kvdo/edge"
)

func raceDemo() Demo {
	return Demo{
		ID:      "race",
		Title:   "Lost updates: read, add one, write back",
		Teaches: "An increment that awaits KV between its read and its write can be overtaken, even inside one Durable Object; the object's own storage, behind its input gate, loses none.",
		Params: []Param{
			intParam("writers", "3", "2", "8", "clients incrementing at the same time"),
			intParam("increments", "2", "1", "10", "increments each client sends, one after another"),
		},
		Variants: []Variant{
			{ID: "kv-in-do", Title: "KV inside one Durable Object", Help: "every increment goes to one object, which reads the count from KV, adds one and writes it back"},
			{ID: "do-storage", Title: "Durable Object storage", Help: "the same object keeps the count in its own storage instead: read, add one, write"},
			{ID: "kv-from-isolates", Title: "KV from many isolates", Help: "Workers at several PoPs each read the count from KV, add one and write it back"},
		},
		Source:     Source{File: "race_worker.go", Code: raceWorkerSource},
		Emits:      kinds(requestKinds, kvKinds, doKinds, doLifeKinds),
		Notes:      []string{"clients", "lost-update", "count-backwards", "increments-answered", "outcome"},
		Conditions: map[string]Condition{"another-increment-in-flight": anotherIncrementInFlight},
		run:        runRace,
	}
}

func runRace(s *scenario) error {
	w, err := s.world(edge.Production, false)
	if err != nil {
		return err
	}
	s.observe((&backwardsWatch{w: w, last: map[string]int{}}).see)
	writers, incs := s.p.Int("writers"), s.p.Int("increments")
	pops, err := pickPoPs(w, writers+1, "LHR", "NRT", "IAD", "SYD", "FRA", "SJC", "SIN", "GRU", "CDG")
	if err != nil {
		return err
	}
	t := &counterTally{w: w, afterCheck: w.Stop, noteLost: true}
	clients := w.Rand("clients")
	worker := &counterWorker{kv: w.KV("COUNTER").Binding(), random: w.Rand("worker")}
	increment, read := worker.incrementInKV, worker.readCount
	where := "each reads the count from KV, adds one and writes it back"
	switch s.variant {
	case "kv-in-do":
		random := w.Rand("object")
		class := edge.DOClass{Name: "KVCounter", New: func(*edge.DOContext) edge.DOInstance { return &kvCounterObject{random: random} }}
		worker.counter = w.DurableObjects("COUNTERS", class).GetByName("counter")
		increment = worker.forwardToCounter
		where = "their Workers forward every increment to one Durable Object, which keeps the count in KV"
	case "do-storage":
		class := edge.DOClass{Name: "StoredCounter", New: func(*edge.DOContext) edge.DOInstance { return storedCounterObject{} }}
		worker.counter = w.DurableObjects("COUNTERS", class).GetByName("counter")
		increment, read = worker.forwardToCounter, worker.forwardToCounter
		t.inObject = true
		where = "their Workers forward every increment to one Durable Object, which keeps the count in its storage"
	}
	w.Note("clients", "clients", fmt.Sprintf("%s at %s each increment the counter %s; %s", plural(writers, "client"), plural(writers, "PoP"), times(incs), where))
	// The first phase ends with the last answer, not when the queue runs
	// dry: an idle object's eviction timer would otherwise run first.
	active := writers
	for i := range writers {
		pop := pops[i]
		left := incs
		var next func()
		next = func() {
			if left == 0 {
				if active--; active == 0 {
					w.Stop()
				}
				return
			}
			left--
			// A user clicks again a moment after the previous answer.
			think := 100*time.Millisecond + time.Duration(clients.Int64N(int64(300*time.Millisecond)))
			t.send(w.Now()+think, pop, "/increment", increment, next)
		}
		w.At(time.Duration(clients.Int64N(int64(200*time.Millisecond))), next)
	}
	w.Run()
	if t.inObject {
		w.Note("clients", "increments-answered", "every increment answered; a minute later a fresh request asks the object for its count")
	} else {
		w.Note("clients", "increments-answered", "every increment answered; a minute later, with every cached copy expired, a fresh read shows what KV kept")
	}
	t.check(pops[writers], read)
	w.Run()
	t.report(s)
	return nil
}
