package edge

import (
	"errors"
	"math"
	"testing"
	"time"
)

// Issue 14, item 1: a flag far out of range once made the next event's
// time overflow, wrap into the past, and freeze the clock while the queue
// grew for ever. The kernel now refuses an event at or past the end of
// time instead of wrapping it.
func TestAnEventAtOrPastTheEndOfTimeIsRefusedNeverWrapped(t *testing.T) {
	w := newKVWorld(t, Production, 1, false)
	var ran []time.Duration
	note := func() { ran = append(ran, w.Now()) }
	w.At(2000000*time.Hour, func() {
		note()
		w.After(2000000*time.Hour, note) // now + d overflows: refused
		w.After(EndOfTime, note)         // refused
		w.At(EndOfTime, note)            // refused
		w.After(EndOfTime-w.Now()-1, note)
	})
	w.Run()
	if len(ran) != 2 || ran[0] != 2000000*time.Hour || ran[1] != EndOfTime-1 {
		t.Fatalf("events ran at %v; want 2000000h and the last instant before the end of time", ran)
	}
	if w.Refused() != 3 {
		t.Errorf("%d events refused, want 3", w.Refused())
	}
	if w.Pending() != 0 {
		t.Errorf("%d events still queued", w.Pending())
	}
}

// A run that would never finish (here an event that reschedules itself
// without moving the clock) stops at its event budget and says so.
func TestARunThatWouldNotFinishStopsAtItsEventBudget(t *testing.T) {
	w, err := New(Config{Seed: 1, Topology: kvTopology(), MaxEvents: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var loop func()
	loop = func() { w.After(0, loop) }
	w.At(time.Second, loop)
	w.Run()
	var be *BudgetError
	if !errors.As(w.Err(), &be) || be.Events != 1000 || w.EventsRun() != 1000 {
		t.Fatalf("Err() = %v after %d events; want a BudgetError at 1000", w.Err(), w.EventsRun())
	}
	w.Run() // a stopped run stays stopped
	if w.EventsRun() != 1000 {
		t.Errorf("a run past its budget went on to %d events", w.EventsRun())
	}
	traced, _ := New(Config{Seed: 1, Topology: kvTopology(), Trace: true})
	plain, _ := New(Config{Seed: 1, Topology: kvTopology()})
	if traced.budget != DefaultTracedEventBudget || plain.budget != DefaultEventBudget {
		t.Errorf("default budgets %d (traced) and %d; want %d and %d", traced.budget, plain.budget,
			int64(DefaultTracedEventBudget), int64(DefaultEventBudget))
	}
}

// The rates (1e-300, 1e-20, 5e-324 reads/s) make the mean gap
// between reads overflow a duration, or infinite: the workload schedules
// no read at all rather than one in the past.
func TestAReadRateWhoseGapOverflowsSchedulesNoRead(t *testing.T) {
	for _, rate := range []float64{1e-300, 1e-20, 5e-324} {
		w := newKVWorld(t, Production, 1, false)
		s := &readStream{w: w, rr: w.wySource("readers"), mean: float64(time.Second) / rate, end: 600 * time.Second}
		for range 1000 {
			if at, ok := s.next(); ok {
				t.Fatalf("rate %v: a read at %v", rate, at)
			}
		}
	}
	w := newKVWorld(t, Production, 1, false)
	s := &readStream{w: w, rr: w.wySource("readers"), mean: math.Inf(1), end: EndOfTime}
	if at, ok := s.next(); ok {
		t.Fatalf("an infinite mean gap gave a read at %v", at)
	}
}

// Validation bounds every rate and duration of the workload, NaN
// included, before anything runs.
func TestPropagationConfigBoundsEveryRateAndDuration(t *testing.T) {
	ok := PropagationConfig{Topology: kvTopology(), PoPs: 2, ReadRate: 10, Duration: time.Minute, WriteEvery: time.Second}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a valid config: %v", err)
	}
	for name, c := range map[string]func(*PropagationConfig){
		"read rate 1e-300":         func(c *PropagationConfig) { c.ReadRate = 1e-300 },
		"read rate 1e-20":          func(c *PropagationConfig) { c.ReadRate = 1e-20 },
		"read rate 5e-324":         func(c *PropagationConfig) { c.ReadRate = 5e-324 },
		"read rate NaN":            func(c *PropagationConfig) { c.ReadRate = math.NaN() },
		"read rate +Inf":           func(c *PropagationConfig) { c.ReadRate = math.Inf(1) },
		"duration 2562047h":        func(c *PropagationConfig) { c.Duration, c.WriteEvery = 2562047*time.Hour, 2000000*time.Hour },
		"duration 0":               func(c *PropagationConfig) { c.Duration = 0 },
		"write every -1s":          func(c *PropagationConfig) { c.WriteEvery = -time.Second },
		"write every 2000000h":     func(c *PropagationConfig) { c.WriteEvery = 2000000 * time.Hour },
		"cache ttl 2000000h":       func(c *PropagationConfig) { c.CacheTTL = 2000000 * time.Hour },
		"a billion reads and more": func(c *PropagationConfig) { c.ReadRate, c.Duration = 1e9, 2*time.Second },
	} {
		bad := ok
		c(&bad)
		if err := bad.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
