package edge

import (
	"fmt"
	"time"
)

// A StateLog gives the World's Snapshot as of any trace event of a
// finished run, at a cost that does not grow with the run: the snapshot
// a watcher would have taken as that event was recorded, exactly.
//
// A run cannot be rewound (its state lives in closures its scenario
// holds), and running it again to a far position costs the whole run up
// to there. So while the run is traced, the World keeps, for every event,
// what that event changed: the new state of each thing it is about (a KV
// cache entry at its actor, a key at a central store, an object, a Cache
// API copy, an origin document), read from the simulator itself, and
// every few hundred events a keyframe of the whole state. The state at an
// event is then its keyframe with the changes of the events since applied
// in order, rendered at that event's time by the code World.Snapshot
// uses. No rule of the simulator is repeated here: a change is a copy of
// the state the simulator produced.
//
// That every change is recorded by the event that makes it is the trace
// contract (demos check it over every demo and many seeds); the property
// that the log's state equals a re-run's snapshot at every position is
// checked the same way.

// stateKind says what a change is about.
type stateKind uint8

const (
	changeKVKey   stateKind = iota // a key's newest write (idx: truths)
	changeKVStore                  // a key at a central store (idx: stored)
	changeKVLocal                  // a key in local mode's store (idx: stored)
	changeKVCache                  // a cached copy or a fill (idx: entries)
	changeKVSpace                  // a new namespace (idx: spaces)
	changeObject                   // an object (idx: objects)
	changeCache                    // a Cache API copy (idx: caches)
	changeOrigin                   // an origin document (idx: docs)
)

// stateChange is one thing an event changed: its new value (in the
// payload slice of its kind, at idx), or gone.
type stateChange struct {
	kind  stateKind
	gone  bool
	tier  bool
	ns    int32 // the KV namespace, or the object's namespace
	store int32 // a central store, or the object's place in its namespace
	pop   PoPID
	key   string
	idx   int32
}

// StateLog is a traced run's states, kept as the run goes (Config's
// StateKeyframes). It is safe for concurrent use once the run is over.
type StateLog struct {
	every  int
	pops   []PoP
	times  []time.Duration // each event's time
	first  []int32         // event i's changes are changes[first[i]:first[i+1]]
	frames []*rawState     // frames[f]: the state as of event f*every

	changes []stateChange
	truths  []rawTruth
	stored  []KVStoredEntry
	entries []rawEntry
	spaces  []*rawKV
	objects []ObjectSnapshot
	caches  []CacheEntry
	docs    []OriginDoc
	known   int // KV namespaces recorded so far
}

// States is the run's state log, or nil when the World keeps none.
func (w *World) States() *StateLog { return w.states }

// Len is the number of trace events the log covers.
func (l *StateLog) Len() int { return len(l.times) }

// At is the World's Snapshot as of trace event seq: as a watcher would
// have taken it when the event was recorded.
func (l *StateLog) At(seq int) (Snapshot, error) {
	if seq < 0 || seq >= len(l.times) {
		return Snapshot{}, fmt.Errorf("edge: trace position %d: expected 0 to %d", seq, len(l.times)-1)
	}
	f := seq / l.every
	r := l.frames[f].clone()
	// The changes of the events after the keyframe's, up to seq's.
	lo, hi := len(l.changes), len(l.changes)
	if next := f*l.every + 1; next < len(l.first) {
		lo = int(l.first[next])
	}
	if seq+1 < len(l.first) {
		hi = int(l.first[seq+1])
	}
	for _, c := range l.changes[lo:hi] {
		l.apply(r, c)
	}
	return r.render(l.times[seq], seq+1, l.pops), nil
}

// apply sets what c changed in r.
func (l *StateLog) apply(r *rawState, c stateChange) {
	switch c.kind {
	case changeKVSpace:
		r.kv = append(r.kv, l.spaces[c.idx].clone())
	case changeKVKey:
		setOrDelete(r.kv[c.ns].keys, c.key, l.truths, c)
	case changeKVStore:
		setOrDelete(r.kv[c.ns].central[c.store].entries, c.key, l.stored, c)
	case changeKVLocal:
		setOrDelete(r.kv[c.ns].store, c.key, l.stored, c)
	case changeKVCache:
		setOrDelete(r.kv[c.ns].caches, kvCacheKey{c.pop, c.tier, c.key}, l.entries, c)
	case changeObject:
		setOrDelete(r.objects, objKey{int(c.ns), int(c.store)}, l.objects, c)
	case changeCache:
		setOrDelete(r.cache, cacheKey{c.pop, c.key}, l.caches, c)
	case changeOrigin:
		setOrDelete(r.origin, c.key, l.docs, c)
	}
}

func setOrDelete[K comparable, V any](m map[K]V, k K, vals []V, c stateChange) {
	if c.gone {
		delete(m, k)
		return
	}
	m[k] = vals[c.idx]
}

// put records a change of event being recorded, its value appended to
// vals (nothing when it is gone).
func put[V any](l *StateLog, vals *[]V, c stateChange, v V, ok bool) {
	c.gone = !ok
	if ok {
		c.idx = int32(len(*vals))
		*vals = append(*vals, v)
	}
	l.changes = append(l.changes, c)
}

// logState records what event e (just appended to the trace) changed;
// o is the object it is about, if any.
func (w *World) logState(e *Event, o *doObject) {
	l := w.states
	l.times = append(l.times, e.At)
	l.first = append(l.first, int32(len(l.changes)))
	for ; l.known < len(w.kvNames); l.known++ {
		l.spaces = append(l.spaces, w.kv[w.kvNames[l.known]].rawShell())
		l.changes = append(l.changes, stateChange{kind: changeKVSpace, idx: int32(len(l.spaces) - 1)})
	}
	if o != nil {
		k := o.key()
		put(l, &l.objects, stateChange{kind: changeObject, ns: int32(k.ns), store: int32(k.i)}, o.snapshot(), o.placed)
	}
	switch e.Kind {
	case EvKVGet, EvKVRefresh, EvKVExpired, EvKVFill, EvKVFillKept, EvKVShorten:
		p, ok := w.popIdx[e.Actor]
		if !ok {
			break
		}
		tier := e.Tier == "tier"
		for i, name := range w.kvNames {
			v, ok := w.kv[name].rawEntry(p, tier, e.Key)
			put(l, &l.entries, stateChange{kind: changeKVCache, ns: int32(i), pop: p, tier: tier, key: e.Key}, v, ok)
		}
	case EvKVCommit, EvKVReplicate:
		for i, name := range w.kvNames {
			ns := w.kv[name]
			if e.Kind == EvKVCommit {
				v, ok := ns.rawTruth(e.Key)
				put(l, &l.truths, stateChange{kind: changeKVKey, ns: int32(i), key: e.Key}, v, ok)
			}
			if e.Tier == "local" {
				r, ok := ns.local[e.Key]
				put(l, &l.stored, stateChange{kind: changeKVLocal, ns: int32(i), key: e.Key}, stored(e.Key, r), ok)
				continue
			}
			for si, actor := range ns.central {
				if actor == e.Actor {
					r, ok := ns.stores[si][e.Key]
					put(l, &l.stored, stateChange{kind: changeKVStore, ns: int32(i), store: int32(si), key: e.Key}, stored(e.Key, r), ok)
				}
			}
		}
	case EvCachePut, EvCacheDelete, EvCacheExpire, EvCachePurge:
		if p, ok := w.popIdx[e.Actor]; ok && w.cache != nil {
			v, ok := w.cache.raw(p, e.Key)
			put(l, &l.caches, stateChange{kind: changeCache, pop: p, key: e.Key}, v, ok)
		}
	case EvOriginPublish:
		if w.origin != nil {
			v, ok := w.origin.raw(e.Path)
			put(l, &l.docs, stateChange{kind: changeOrigin, key: e.Path}, v, ok)
		}
	}
	if e.Seq%l.every == 0 {
		l.frames = append(l.frames, w.rawState())
	}
}
