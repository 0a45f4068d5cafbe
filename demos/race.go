package demos

import (
	"fmt"
	"time"

	"github.com/kvdo/kvdo/edge"
)

func raceDemo() Demo {
	return Demo{
		ID:      "race",
		Title:   "Lost updates: a counter in KV",
		Teaches: "KV has no atomic read-modify-write: concurrent increments overwrite each other; a Durable Object's storage, behind its input gate, loses none.",
		Params: []Param{
			intParam("writers", "3", "2", "8", "clients incrementing at the same time"),
			intParam("increments", "2", "1", "10", "increments each client sends, one after another"),
		},
		Variants: []Variant{
			{ID: "kv-from-isolates", Title: "KV from many isolates", Help: "Workers at several PoPs each read the count from KV, add one and write it back"},
		},
		Source: Source{File: "race_worker.go", Code: raceWorkerSource},
		Emits:  counterEmits,
		run:    runRace,
	}
}

func runRace(s *scenario) error {
	w, err := s.world(edge.Production, false)
	if err != nil {
		return err
	}
	writers, incs := s.p.Int("writers"), s.p.Int("increments")
	pops, err := pickPoPs(w, writers+1, "LHR", "NRT", "IAD", "SYD", "FRA", "SJC", "SIN", "GRU", "CDG")
	if err != nil {
		return err
	}
	t := &counterTally{w: w}
	clients := w.Rand("clients")
	worker := &counterWorker{kv: w.KV("COUNTER"), random: w.Rand("worker")}
	w.Note("clients", fmt.Sprintf("%d clients at %d PoPs each increment the counter %d times", writers, writers, incs))
	for i := range writers {
		pop := pops[i]
		left := incs
		var next func()
		next = func() {
			if left == 0 {
				return
			}
			left--
			// A user clicks again a moment after the previous answer.
			think := 100*time.Millisecond + time.Duration(clients.Int64N(int64(300*time.Millisecond)))
			t.send(w.Now()+think, pop, "/increment", worker.incrementInKV, next)
		}
		w.At(time.Duration(clients.Int64N(int64(200*time.Millisecond))), next)
	}
	w.Run()
	w.Note("clients", "every increment answered; a minute later, with every cached copy expired, a fresh read shows what KV kept")
	t.check(pops[writers], worker.readCount)
	w.Run()
	t.report(s)
	return nil
}
