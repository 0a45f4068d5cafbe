package player

import "github.com/kvdo/kvdo/edge"

// copyState is what one PoP holds of the run's main key at a cursor.
type copyState struct {
	has      bool  // a copy is cached there
	notFound bool  // the copy is a cached "not found"
	version  int64 // the copy's version (0 with notFound)
}

// stage is the state a frame draws: per map point, the copy it holds, and
// the newest version anywhere.
type stage struct {
	copies []copyState
	newest int64
}

// stale says whether a point's copy is older than the newest version.
func (s *stage) stale(i int) bool {
	c := s.copies[i]
	if !c.has {
		return false
	}
	return (c.notFound && s.newest > 0) || c.version < s.newest
}

// stateTrack gives the stage at any cursor.
//
// It reads the copies off the trace's typed events (a fill of a PoP cache,
// a Cache API put or delete, a commit at a central store, an origin
// fetch): it applies no KV or Durable Object rule of its own. What the
// trace does not say (a copy expiring in silence) it cannot show; the
// simulator's World.Snapshot, being added in edge/, will replace this
// type with the exact state at any cursor.
type stateTrack struct {
	trace []edge.Event
	key   string
	// kvTruth is set when the run commits the key to KV: then KV's
	// commits say what is newest; otherwise (Cache API runs) the
	// origin's fetches do.
	kvTruth bool
	points  map[string]int
	frames  []stage // keyframes every keyEvery events
	last    struct {
		n  int
		st stage
		ok bool
	}
}

const keyEvery = 128

func newStateTrack(tr []edge.Event, pts []point, idx map[string]int) *stateTrack {
	s := &stateTrack{trace: tr, key: mainKey(tr), points: idx}
	for _, ev := range tr {
		if ev.Kind == edge.EvKVCommit && ev.Key == s.key {
			s.kvTruth = true
			break
		}
	}
	cur := stage{copies: make([]copyState, len(pts))}
	for i := range tr {
		if i%keyEvery == 0 {
			s.frames = append(s.frames, cur.clone())
		}
		s.apply(&cur, tr[i])
	}
	if len(tr)%keyEvery == 0 {
		s.frames = append(s.frames, cur.clone())
	}
	return s
}

func (st stage) clone() stage {
	return stage{copies: append([]copyState(nil), st.copies...), newest: st.newest}
}

// mainKey is the key the run's KV and cache events touch most: the one
// the map labels show.
func mainKey(tr []edge.Event) string {
	count := map[string]int{}
	best, bestN := "", 0
	for _, ev := range tr {
		switch ev.Kind {
		case edge.EvKVFill, edge.EvKVCommit, edge.EvCachePut, edge.EvCacheDelete, edge.EvOriginFetch:
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
	return best
}

func (s *stateTrack) apply(st *stage, ev edge.Event) {
	if ev.Key != s.key || s.key == "" {
		return
	}
	switch {
	case ev.Kind == edge.EvKVCommit && s.kvTruth, ev.Kind == edge.EvOriginFetch && !s.kvTruth:
		st.newest = max(st.newest, ev.Version)
		return
	}
	i, ok := s.points[ev.Actor]
	if !ok {
		return
	}
	switch {
	case ev.Kind == edge.EvKVFill && ev.Tier == "pop":
		st.copies[i] = copyState{has: true, notFound: ev.Outcome == "not-found", version: ev.Version}
	case ev.Kind == edge.EvCachePut && ev.Outcome == "stored":
		st.copies[i] = copyState{has: true, version: ev.Version}
	case ev.Kind == edge.EvCacheDelete && ev.Outcome == "deleted":
		st.copies[i] = copyState{}
	}
}

// at returns the stage after the first n events. The result is shared:
// callers must not change it.
func (s *stateTrack) at(n int) stage {
	n = min(max(n, 0), len(s.trace))
	if s.last.ok && s.last.n == n {
		return s.last.st
	}
	k := n / keyEvery
	st := s.frames[k].clone()
	for i := k * keyEvery; i < n; i++ {
		s.apply(&st, s.trace[i])
	}
	s.last.n, s.last.st, s.last.ok = n, st, true
	return st
}
