package edge

import (
	"cmp"
	"slices"
	"time"
)

// A Snapshot is made in two steps: the world's state is read into a
// rawState, which holds everything the simulator sets and nothing that
// depends on the clock, and the rawState is rendered at an instant, which
// derives the rest (whether a copy has expired or is stale by then, a
// key's "found") and puts every list in its fixed order. World.Snapshot
// renders the state it reads now; a StateLog renders a state it rebuilt
// from a keyframe and the changes recorded since. Both go through render,
// so the two cannot disagree on a rule.

// rawState is a world's state as a snapshot sees it, before render.
type rawState struct {
	kv      []*rawKV                  // KV namespaces in creation order
	objects map[objKey]ObjectSnapshot // placed objects
	cache   map[cacheKey]CacheEntry   // Cache API copies (Expired not set)
	origin  map[string]OriginDoc
}

// objKey orders objects as snapshots list them: by namespace, then by
// creation.
type objKey struct{ ns, i int }

type cacheKey struct {
	pop PoPID
	url string
}

type kvCacheKey struct {
	pop  PoPID
	tier bool // a regional tier hub's cache, not the PoP's own
	key  string
}

// rawKV is one KV namespace.
type rawKV struct {
	name    string
	local   bool // local mode: one store, no caches
	keys    map[string]rawTruth
	central []rawStore
	store   map[string]KVStoredEntry // local mode's store
	caches  map[kvCacheKey]rawEntry
}

type rawStore struct {
	actor, pop string
	entries    map[string]KVStoredEntry
}

// rawTruth is a written key's newest state; Found is derived.
type rawTruth struct {
	s       KVKeyState
	deleted bool
}

// want is the consistent answer at now, as kvTruth.want gives it.
func (t rawTruth) want(now time.Duration) kvWant {
	return kvWant{version: t.s.Version, found: !t.deleted && !(t.s.Expires != 0 && now >= t.s.Expires)}
}

// rawEntry is a cached copy (or a fill in flight); State and Stale are
// derived.
type rawEntry struct {
	e          KVCacheEntry
	recExpires time.Duration // the key's own expiration, as the copy holds it
	refreshAt  time.Duration
}

func (r *rawState) clone() *rawState {
	c := &rawState{kv: make([]*rawKV, len(r.kv)), objects: clone(r.objects), cache: clone(r.cache), origin: clone(r.origin)}
	for i, k := range r.kv {
		c.kv[i] = k.clone()
	}
	return c
}

func (k *rawKV) clone() *rawKV {
	c := *k
	c.keys, c.store, c.caches = clone(k.keys), clone(k.store), clone(k.caches)
	c.central = make([]rawStore, len(k.central))
	for i, st := range k.central {
		c.central[i] = rawStore{actor: st.actor, pop: st.pop, entries: clone(st.entries)}
	}
	return &c
}

// clone copies a map; a nil map stays nil.
func clone[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// rawState reads the world's state now.
func (w *World) rawState() *rawState {
	r := &rawState{objects: map[objKey]ObjectSnapshot{}, cache: map[cacheKey]CacheEntry{}, origin: map[string]OriginDoc{}}
	for _, name := range w.kvNames {
		r.kv = append(r.kv, w.kv[name].raw())
	}
	for _, b := range w.doNames {
		for _, o := range w.do[b].order {
			if o.placed { // an id nobody has called yet is not an object yet
				r.objects[o.key()] = o.snapshot()
			}
		}
	}
	if c := w.cache; c != nil {
		for p, m := range c.store {
			for u := range m {
				e, _ := c.raw(PoPID(p), u)
				r.cache[cacheKey{PoPID(p), u}] = e
			}
		}
	}
	if o := w.origin; o != nil {
		for p := range o.docs {
			r.origin[p], _ = o.raw(p)
		}
	}
	return r
}

func (o *doObject) key() objKey { return objKey{o.ns.ord, o.ord} }

// raw reads the namespace's state now.
func (ns *KVNamespace) raw() *rawKV {
	w := ns.w
	k := ns.rawShell()
	for key := range ns.truth {
		if t, ok := ns.rawTruth(key); ok {
			k.keys[key] = t
		}
	}
	if k.local {
		k.store = clone(ns.storedAll(ns.local))
	} else {
		for i, st := range ns.stores {
			k.central[i].entries = ns.storedAll(st)
		}
	}
	for p := range w.pops {
		for key := range ns.pop[p] {
			k.caches[kvCacheKey{PoPID(p), false, key}], _ = ns.rawEntry(PoPID(p), false, key)
		}
		for key := range ns.fly[p] {
			k.caches[kvCacheKey{PoPID(p), false, key}], _ = ns.rawEntry(PoPID(p), false, key)
		}
		for key := range ns.tier[p] {
			k.caches[kvCacheKey{PoPID(p), true, key}], _ = ns.rawEntry(PoPID(p), true, key)
		}
	}
	return k
}

// rawShell is the namespace as it is created: its name, its stores, no
// keys.
func (ns *KVNamespace) rawShell() *rawKV {
	w := ns.w
	k := &rawKV{name: ns.name, local: w.cfg.Mode == Local, keys: map[string]rawTruth{}, caches: map[kvCacheKey]rawEntry{}}
	if k.local {
		k.store = map[string]KVStoredEntry{}
		return k
	}
	for i := range ns.stores {
		k.central = append(k.central, rawStore{actor: ns.central[i], pop: w.pops[ns.sPoPs[i]].Code, entries: map[string]KVStoredEntry{}})
	}
	return k
}

func (ns *KVNamespace) storedAll(m map[string]kvRecord) map[string]KVStoredEntry {
	out := make(map[string]KVStoredEntry, len(m))
	for key, r := range m {
		out[key] = stored(key, r)
	}
	return out
}

func stored(key string, r kvRecord) KVStoredEntry {
	return KVStoredEntry{Key: key, Value: r.value, Version: r.version, Found: r.found, Expires: r.expiresAt}
}

// rawTruth is key's newest accepted write, if it has one.
func (ns *KVNamespace) rawTruth(key string) (rawTruth, bool) {
	t := ns.truth[key]
	if t == nil || !t.written {
		return rawTruth{}, false
	}
	return rawTruth{s: KVKeyState{Key: key, Version: t.version, LastWrite: max(t.lastWrite, 0), Expires: t.expiresAt}, deleted: t.deleted}, true
}

// rawEntry is the copy of key in PoP p's cache (tier: its tier hub's
// cache), or the fill in flight for it, if either exists. Only a PoP's
// own cache has fills in flight.
func (ns *KVNamespace) rawEntry(p PoPID, tier bool, key string) (rawEntry, bool) {
	var c *kvCached
	filling := false
	if tier {
		c = ns.tier[p][key]
	} else {
		c, filling = ns.pop[p][key], ns.fly[p][key] != nil
	}
	switch {
	case c == nil && !filling:
		return rawEntry{}, false
	case c == nil:
		return rawEntry{e: KVCacheEntry{Key: key, Filling: true, State: KVFilling}}, true
	}
	return rawEntry{e: KVCacheEntry{Key: key, Cached: true, Value: c.rec.value, Version: c.rec.version, Found: c.rec.found,
		FetchedAt: c.fetchedAt, Expires: c.expires, TTL: c.ttl, Filling: filling, Refreshing: c.refreshing},
		recExpires: c.rec.expiresAt, refreshAt: c.refreshAt}, true
}

// raw is PoP p's copy of url, if it holds one (held past its max-age
// too: the Cache API drops copies lazily).
func (c *CacheAPI) raw(p PoPID, url string) (CacheEntry, bool) {
	e := c.store[p][url]
	if e == nil {
		return CacheEntry{}, false
	}
	return CacheEntry{URL: url, Status: e.resp.Status, Body: e.resp.Body, Version: e.resp.Version,
		StoredAt: e.storedAt, Expires: e.expires}, true
}

func (o *Origin) raw(path string) (OriginDoc, bool) {
	d := o.docs[path]
	if d == nil {
		return OriginDoc{}, false
	}
	return OriginDoc{Path: path, Version: d.version, Body: d.body}, true
}

// render is the snapshot of r at now, after events trace events.
func (r *rawState) render(now time.Duration, events int, pops []PoP) Snapshot {
	s := Snapshot{At: now, Events: events}
	for _, k := range r.kv {
		s.KV = append(s.KV, k.render(now, pops))
	}
	for _, key := range sortedBy(r.objects, func(a, b objKey) int {
		return cmp.Or(cmp.Compare(a.ns, b.ns), cmp.Compare(a.i, b.i))
	}) {
		s.Objects = append(s.Objects, r.objects[key])
	}
	for _, key := range sortedBy(r.cache, func(a, b cacheKey) int {
		return cmp.Or(cmp.Compare(a.pop, b.pop), cmp.Compare(a.url, b.url))
	}) {
		e := r.cache[key]
		e.Expired = now >= e.Expires
		if n := len(s.Cache); n == 0 || s.Cache[n-1].Actor != pops[key.pop].Code {
			s.Cache = append(s.Cache, CacheSnapshot{Actor: pops[key.pop].Code})
		}
		last := &s.Cache[len(s.Cache)-1]
		last.Entries = append(last.Entries, e)
	}
	for _, p := range sortedKeys(r.origin) {
		s.Origin = append(s.Origin, r.origin[p])
	}
	return s
}

func (k *rawKV) render(now time.Duration, pops []PoP) KVSnapshot {
	s := KVSnapshot{Namespace: k.name}
	for _, key := range sortedKeys(k.keys) {
		t := k.keys[key]
		st := t.s
		st.Found = t.want(now).found
		s.Keys = append(s.Keys, st)
	}
	if k.local {
		s.Local = storedList(k.store)
	} else {
		for _, st := range k.central {
			s.Central = append(s.Central, KVStoreSnapshot{Actor: st.actor, PoP: st.pop, Entries: storedList(st.entries)})
		}
	}
	for _, key := range sortedBy(k.caches, func(a, b kvCacheKey) int {
		return cmp.Or(cmp.Compare(a.pop, b.pop), boolCompare(a.tier, b.tier), cmp.Compare(a.key, b.key))
	}) {
		level := "pop"
		if key.tier {
			level = "tier"
		}
		if n := len(s.Caches); n == 0 || s.Caches[n-1].Actor != pops[key.pop].Code || s.Caches[n-1].Level != level {
			s.Caches = append(s.Caches, KVCacheSnapshot{Actor: pops[key.pop].Code, Level: level})
		}
		last := &s.Caches[len(s.Caches)-1]
		last.Entries = append(last.Entries, k.caches[key].render(now, k.keys[key.key]))
	}
	return s
}

// render derives the entry's state at now; t is its key's truth (zero
// when the key was never written: never stale then).
func (r rawEntry) render(now time.Duration, t rawTruth) KVCacheEntry {
	e := r.e
	if !e.Cached {
		return e
	}
	expired := now >= e.Expires || (r.recExpires != 0 && now >= r.recExpires)
	switch {
	case expired && e.Filling:
		e.State = KVFilling
	case expired:
		e.State = KVExpired
	case e.Refreshing:
		e.State = KVRefreshing
	case now >= r.refreshAt:
		e.State = KVRefreshWindow
	default:
		e.State = KVFresh
	}
	e.Stale = staleAgainst(e.Version, e.Found, t.want(now))
	return e
}

func storedList(m map[string]KVStoredEntry) []KVStoredEntry {
	var out []KVStoredEntry
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// sortedBy returns m's keys in the order cmp gives.
func sortedBy[K comparable, V any](m map[K]V, cmp func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp)
	return keys
}
