package player

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/edge"
)

// copyState is what one PoP holds of the run's main key at a cursor.
type copyState struct {
	has      bool  // a copy is cached there
	notFound bool  // the copy is a cached "not found"
	version  int64 // the copy's version (0 with notFound)
	stale    bool  // older than the newest accepted write (or the origin's content)
	expired  bool  // held but past its life: the next read skips it
}

// objectState is a Durable Object as a frame shows it.
type objectState struct {
	actor    string
	pop      string
	phase    edge.DOPhase
	queue    int
	gate     string // "open", or what closed the input gate
	held     int    // responses held at the output gate
	incarn   int
	storage  int // durable keys
	alarmSet bool
}

// stage is the state a frame draws, in the few fields a frame needs, per
// map point.
type stage struct {
	copies  []copyState
	placed  []bool
	objects []objectState
	err     error // the simulator's state could not be had
}

func (s *stage) stale(i int) bool {
	return s.copies[i].has && s.copies[i].stale && !s.copies[i].expired
}

// stateTrack gives the stage at any cursor from the simulator's own
// snapshots (demos.Result.StateAt, read off the run's state log: a
// keyframe and the changes recorded since, tens of microseconds at any
// position of the largest run): the player applies no KV, Cache or Durable
// Object rule of its own. Stages are memoised per position.
type stateTrack struct {
	res    *demos.Result
	key    string // the key the map labels show: the one the run touches most
	kv     bool   // the main key lives in KV (else in the Cache API)
	points []point
	memo   map[int]stage

	// ahead fills the memo ahead of a playing cursor off the update loop
	// (in a tea.Cmd); it is its own Replayer, so it never shares state
	// with the one StateAt uses, and one prefetch runs at a time.
	ahead       *demos.Replayer
	prefetching bool
}

// prefetchSpan is how many positions a prefetch fills.
const prefetchSpan = 128

// prefetched carries stages computed off the update loop.
type prefetched struct {
	track  *stateTrack
	stages map[int]stage
}

// prefetch returns a command filling the memo from position n on, or nil
// when those stages are known or a prefetch is already running. Called
// from Update only.
func (s *stateTrack) prefetch(n int) tea.Cmd {
	total := len(s.res.Trace)
	if s.prefetching || n >= total {
		return nil
	}
	lo, hi := n+1, min(n+prefetchSpan, total-1)
	if _, ok := s.memo[min(n+prefetchSpan/4, hi)]; ok || lo > hi {
		return nil
	}
	if s.ahead == nil {
		s.ahead = demos.NewReplayer(s.res)
	}
	s.prefetching = true
	rp := s.ahead
	return func() tea.Msg {
		out := prefetched{track: s, stages: map[int]stage{}}
		for i := lo; i <= hi; i++ {
			snap, err := rp.At(i - 1)
			if err != nil {
				break
			}
			out.stages[i] = s.fromSnapshot(snap)
		}
		return out
	}
}

// take stores a prefetch's stages (in Update).
func (s *stateTrack) take(p prefetched) {
	s.prefetching = false
	if len(s.memo)+len(p.stages) >= stageMemo {
		clear(s.memo)
	}
	for n, st := range p.stages {
		s.memo[n] = st
	}
}

// stageMemo bounds the stages kept per run.
const stageMemo = 4096

func newStateTrack(res *demos.Result, pts []point, _ map[string]int) *stateTrack {
	s := &stateTrack{res: res, points: pts, memo: map[int]stage{}}
	s.key, s.kv = mainKey(res.Trace)
	return s
}

// mainKey is the key the run's KV or Cache API events touch most, and
// whether it is a KV key.
func mainKey(tr []edge.Event) (string, bool) {
	count := map[string]int{}
	isKV := map[string]bool{}
	best, bestN := "", 0
	for _, ev := range tr {
		switch ev.Kind {
		case edge.EvKVFill, edge.EvKVCommit, edge.EvKVGetDone:
			isKV[ev.Key] = true
		case edge.EvCachePut, edge.EvCacheMatch, edge.EvCacheDelete:
		default:
			continue
		}
		if ev.Key == "" {
			continue
		}
		count[ev.Key]++
		if count[ev.Key] > bestN {
			best, bestN = ev.Key, count[ev.Key]
		}
	}
	return best, isKV[best]
}

// at returns the stage with the first n trace events applied.
func (s *stateTrack) at(n int) stage {
	n = min(max(n, 0), len(s.res.Trace))
	if st, ok := s.memo[n]; ok {
		return st
	}
	if len(s.memo) >= stageMemo {
		clear(s.memo)
	}
	var st stage
	switch {
	case n == 0: // before the first event nothing exists yet
		st = s.fromSnapshot(edge.Snapshot{})
	case n == len(s.res.Trace):
		st = s.fromSnapshot(s.res.Final)
	default:
		snap, err := s.res.StateAt(n - 1)
		st = s.fromSnapshot(snap)
		st.err = err
	}
	s.memo[n] = st
	return st
}

// fromSnapshot reads what the map shows off a snapshot.
func (s *stateTrack) fromSnapshot(snap edge.Snapshot) stage {
	st := stage{copies: make([]copyState, len(s.points)), placed: make([]bool, len(s.points))}
	idx := make(map[string]int, len(s.points))
	for i, p := range s.points {
		idx[p.code] = i
	}
	if s.key != "" && s.kv {
		for _, ns := range snap.KV {
			for _, c := range ns.Caches {
				i, ok := idx[c.Actor]
				if !ok || c.Level != "pop" {
					continue
				}
				for _, e := range c.Entries {
					if e.Key == s.key && e.Cached {
						st.copies[i] = copyState{has: true, notFound: !e.Found, version: e.Version, stale: e.Stale,
							expired: e.State == edge.KVExpired || e.State == edge.KVFilling}
					}
				}
			}
		}
	}
	if s.key != "" && !s.kv {
		var newest int64
		for _, d := range snap.Origin {
			if d.Path == s.key {
				newest = d.Version
			}
		}
		for _, c := range snap.Cache {
			i, ok := idx[c.Actor]
			if !ok {
				continue
			}
			for _, e := range c.Entries {
				if e.URL == s.key {
					st.copies[i] = copyState{has: true, version: e.Version, stale: e.Version < newest, expired: e.Expired}
				}
			}
		}
	}
	for _, o := range snap.Objects {
		if !o.Placed {
			continue
		}
		if i, ok := idx[o.PoP]; ok {
			st.placed[i] = true
		}
		gate := o.InputGate
		if o.InputClosedBy != "" {
			gate = "closed by " + o.InputClosedBy
		}
		st.objects = append(st.objects, objectState{actor: o.Actor, pop: o.PoP, phase: o.Phase, queue: o.Queue,
			gate: gate, held: len(o.HeldOutputs), incarn: o.Incarnation, storage: len(o.Storage), alarmSet: o.AlarmSet})
	}
	return st
}
