package demos

import (
	"errors"
	"fmt"

	"github.com/kvdo/kvdo/edge"
)

// The state at any position of a run's trace comes from the run's state
// log (edge.StateLog), kept as the run went: a keyframe every
// stateKeyframes events and what each event changed, so a position is
// its keyframe plus at most that many events' changes, whatever the
// run's length. A Replayer can also get a position the old way, by
// running the scenario again and watching it (the same configuration
// gives the same trace event for event): the tests hold the log to that.

// stateKeyframes is how many events apart a run's state log keeps a
// keyframe: a position costs a keyframe's copy and at most this many
// events' changes.
const stateKeyframes = 256

// replayWindow is how many positions on each side of the one asked for a
// re-run keeps: a re-run costs a run, so stepping one event at a time
// re-runs once per window.
const replayWindow = 64

// replayMemo bounds the snapshots kept, a few windows' worth.
const replayMemo = 8 * replayWindow

// Replayer gives the simulator's state at any position of a run's trace:
// from the run's state log, or, for a run that kept none, by re-running
// it. It is not safe for concurrent use; the state log is.
type Replayer struct {
	demo   Demo
	cfg    RunConfig
	trace  []edge.Event
	states *edge.StateLog
	memo   map[int]edge.Snapshot
	runs   int
}

// NewReplayer prepares to replay the run that produced res.
func NewReplayer(res *Result) *Replayer {
	return &Replayer{demo: res.demo, cfg: res.cfg, trace: res.Trace, states: res.states, memo: map[int]edge.Snapshot{}}
}

// StateAt is the simulator's state as of trace event seq (0 <= seq <
// len(Trace)): everything that event changed, nothing that came after.
// From the run's state log it is safe for concurrent use.
func (r *Result) StateAt(seq int) (edge.Snapshot, error) {
	if r.states != nil {
		return r.states.At(seq)
	}
	if r.replay == nil {
		r.replay = NewReplayer(r)
	}
	return r.replay.At(seq)
}

// Runs is how many times the Replayer has re-run the scenario.
func (p *Replayer) Runs() int { return p.runs }

// replayHalt is the panic that ends a re-run once it has gone far enough.
type replayHalt struct{}

// ErrReplayDiverged says a re-run recorded a different event than the
// original run at the same position: a determinism bug.
var ErrReplayDiverged = errors.New("demos: replay diverged from the run")

// At is the state as of trace event seq.
func (p *Replayer) At(seq int) (edge.Snapshot, error) {
	if seq < 0 || seq >= len(p.trace) {
		return edge.Snapshot{}, fmt.Errorf("demos: trace position %d: expected 0 to %d", seq, len(p.trace)-1)
	}
	if p.states != nil {
		return p.states.At(seq)
	}
	return p.rerunAt(seq)
}

// rerunAt is the state as of trace event seq, got by re-running the
// scenario to a little past it.
func (p *Replayer) rerunAt(seq int) (edge.Snapshot, error) {
	if s, ok := p.memo[seq]; ok {
		return s, nil
	}
	if len(p.memo) > replayMemo {
		clear(p.memo)
	}
	lo, hi := max(seq-replayWindow, 0), min(seq+replayWindow, len(p.trace)-1)
	if err := p.rerun(lo, hi); err != nil {
		return edge.Snapshot{}, err
	}
	s, ok := p.memo[seq]
	if !ok {
		return edge.Snapshot{}, fmt.Errorf("%w: it ended before event %d", ErrReplayDiverged, seq)
	}
	return s, nil
}

// rerun runs the scenario again, snapshots every position from lo to hi
// as it is recorded, and stops at hi.
func (p *Replayer) rerun(lo, hi int) (err error) {
	p.runs++
	vals, err := p.demo.Resolve(p.cfg.Set)
	if err != nil {
		return err
	}
	var diverged error
	s := &scenario{demo: p.demo, variant: p.cfg.Variant, seed: p.cfg.Seed, topo: p.cfg.Topology, p: vals, traceCap: hi + 1}
	s.watch = func(w *edge.World, e *edge.Event) {
		if want := &p.trace[e.Seq]; e.Kind != want.Kind || e.At != want.At || e.Actor != want.Actor {
			diverged = fmt.Errorf("%w at event %d: %s %s at %v, the run had %s %s at %v",
				ErrReplayDiverged, e.Seq, e.Actor, e.Kind, e.At, want.Actor, want.Kind, want.At)
			panic(replayHalt{})
		}
		if e.Seq >= lo {
			p.memo[e.Seq] = w.Snapshot()
		}
		if e.Seq >= hi {
			panic(replayHalt{})
		}
	}
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(replayHalt); !ok {
				panic(v)
			}
			err = diverged
		}
	}()
	return p.demo.run(s)
}
