package edge

import (
	"sort"
	"time"
)

// Snapshot is the state of a World at one instant: what every PoP's KV
// cache holds and whether it is stale, what the central stores hold,
// each Durable Object's phase, queue, gates and storage, the Cache API's
// copies and the origin's content. It is built from the simulator's own
// state, so a player that draws it never re-implements a rule. Lists are
// in a fixed order (creation or topology order, then key), so two
// snapshots of the same state are deeply equal.
type Snapshot struct {
	At time.Duration `json:"at_ns"`
	// Events is how many trace events had been recorded: a snapshot taken
	// as event i was recorded has Events i+1.
	Events  int              `json:"events"`
	KV      []KVSnapshot     `json:"kv,omitempty"`
	Objects []ObjectSnapshot `json:"objects,omitempty"`
	Cache   []CacheSnapshot  `json:"cache,omitempty"` // PoPs whose Cache API holds something
	Origin  []OriginDoc      `json:"origin,omitempty"`
}

// KVSnapshot is one KV namespace.
type KVSnapshot struct {
	Namespace string `json:"namespace"`
	// Keys is the newest accepted state of each key written so far: what
	// a consistent store would answer.
	Keys    []KVKeyState      `json:"keys,omitempty"`
	Central []KVStoreSnapshot `json:"central,omitempty"`
	// Local is local mode's single store (Miniflare's).
	Local []KVStoredEntry `json:"local,omitempty"`
	// Caches lists the PoP caches (Level pop) and regional tier caches
	// (Level tier) that hold a copy or are filling one, in topology order.
	Caches []KVCacheSnapshot `json:"caches,omitempty"`
}

// KVKeyState is the newest accepted write of a key.
type KVKeyState struct {
	Key     string `json:"key"`
	Version int64  `json:"version"`
	// Found is false when the newest write is a delete or has expired.
	Found     bool          `json:"found"`
	LastWrite time.Duration `json:"last_write_ns"`
	Expires   time.Duration `json:"expires_ns,omitempty"` // the write's own expiration (0: none)
}

// KVStoreSnapshot is one central store.
type KVStoreSnapshot struct {
	Actor   string          `json:"actor"` // "central:LHR"
	PoP     string          `json:"pop"`
	Entries []KVStoredEntry `json:"entries,omitempty"`
}

// KVStoredEntry is a key as a store holds it.
type KVStoredEntry struct {
	Key     string        `json:"key"`
	Value   string        `json:"value,omitempty"`
	Version int64         `json:"version"`
	Found   bool          `json:"found"` // false: a delete (a tombstone)
	Expires time.Duration `json:"expires_ns,omitempty"`
}

// KVEntryState is where a cached copy is in its life.
type KVEntryState string

// KV cache entry states.
const (
	// KVFilling: a fetch for the key is in flight; any copy held is expired.
	KVFilling KVEntryState = "filling"
	// KVFresh: the copy is served, and a read does not refresh it.
	KVFresh KVEntryState = "fresh"
	// KVRefreshWindow: in the last part of its cacheTtl, where the next
	// read starts a background refresh.
	KVRefreshWindow KVEntryState = "refresh-window"
	// KVRefreshing: a background refresh is in flight; the copy is still
	// served meanwhile.
	KVRefreshing KVEntryState = "refreshing"
	// KVExpired: past its cacheTtl (or the key's expiration): the next read
	// skips it and misses.
	KVExpired KVEntryState = "expired"
)

// KVCacheSnapshot is one PoP's or tier hub's cache of a namespace.
type KVCacheSnapshot struct {
	Actor   string         `json:"actor"` // the PoP code
	Level   string         `json:"level"` // pop | tier
	Entries []KVCacheEntry `json:"entries"`
}

// KVCacheEntry is one cached copy (or, with Cached false, a fill in
// flight for a key the cache holds no copy of).
type KVCacheEntry struct {
	Key       string        `json:"key"`
	Cached    bool          `json:"cached"`
	Value     string        `json:"value,omitempty"`
	Version   int64         `json:"version,omitempty"`
	Found     bool          `json:"found"` // false: a cached "not found"
	FetchedAt time.Duration `json:"fetched_at_ns,omitempty"`
	Expires   time.Duration `json:"expires_ns,omitempty"`
	TTL       time.Duration `json:"ttl_ns,omitempty"`
	// Filling: a fetch of the key to this cache is in flight.
	// Refreshing: it is a background refresh of a copy still served.
	Filling    bool         `json:"filling,omitempty"`
	Refreshing bool         `json:"refreshing,omitempty"`
	State      KVEntryState `json:"state"`
	// Stale: the copy is older than the newest accepted write, so a read
	// served from it now would be stale.
	Stale bool `json:"stale,omitempty"`
}

// ObjectSnapshot is one Durable Object.
type ObjectSnapshot struct {
	Namespace string  `json:"namespace"`
	Class     string  `json:"class"`
	Name      string  `json:"name,omitempty"` // the name given to idFromName
	Actor     string  `json:"actor"`          // "do:NAME"
	Placed    bool    `json:"placed"`
	PoP       string  `json:"pop,omitempty"`  // where it lives, once placed
	Hint      string  `json:"hint,omitempty"` // the location hint of its first get
	Phase     DOPhase `json:"phase"`
	// Incarnation counts the instances lost so far (evictions, hibernations,
	// resets): the constructor runs again after each.
	Incarnation int `json:"incarnation"`
	// Queue is the requests waiting for the thread.
	Queue int `json:"queue"`
	// Open is the requests being handled: started, not yet answered.
	Open int `json:"open"`
	// InputGate is "open", or "closed" by a storage read or by
	// blockConcurrencyWhile (InputClosedBy).
	InputGate     string `json:"input_gate"`
	InputClosedBy string `json:"input_closed_by,omitempty"`
	// HeldOutputs are the requests whose response or subrequest waits at
	// the output gate for a write to become durable.
	HeldOutputs []int `json:"held_outputs,omitempty"`
	// Flushing is the write batches on their way to disk; Unflushed the
	// writes of the running callback, not yet sent.
	Flushing  int `json:"flushing"`
	Unflushed int `json:"unflushed"`
	// Storage is what is durable.
	Storage []ObjectEntry `json:"storage,omitempty"`
	// Alarm is when the alarm fires (AlarmSet false: none).
	AlarmSet bool          `json:"alarm_set"`
	Alarm    time.Duration `json:"alarm_ns,omitempty"`
}

// ObjectEntry is one durable key of an object's storage.
type ObjectEntry struct {
	Key     string `json:"key"`
	Value   string `json:"value"`
	Version int64  `json:"version"`
}

// CacheSnapshot is one PoP's Cache API store.
type CacheSnapshot struct {
	Actor   string       `json:"actor"`
	Entries []CacheEntry `json:"entries"`
}

// CacheEntry is one stored response. The Cache API drops a copy past its
// max-age only when an operation touches it; Expired marks one that is
// still held but would not be served.
type CacheEntry struct {
	URL      string        `json:"url"`
	Status   int           `json:"status"`
	Body     string        `json:"body,omitempty"`
	Version  int64         `json:"version,omitempty"`
	StoredAt time.Duration `json:"stored_at_ns"`
	Expires  time.Duration `json:"expires_ns"`
	Expired  bool          `json:"expired,omitempty"`
}

// OriginDoc is one path's content at the origin.
type OriginDoc struct {
	Path    string `json:"path"`
	Version int64  `json:"version"`
	Body    string `json:"body"`
}

// Snapshot returns the World's state now.
func (w *World) Snapshot() Snapshot {
	return w.rawState().render(w.now, len(w.trace), w.pops)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
func (o *doObject) snapshot() ObjectSnapshot {
	w := o.ns.w
	s := ObjectSnapshot{Namespace: o.ns.binding, Class: o.ns.class.Name, Name: o.id.name, Actor: o.actor,
		Placed: o.placed, Hint: o.hint, Phase: o.phase, Incarnation: int(o.gen), Queue: o.queued,
		Open: o.open, InputGate: "open", Flushing: len(o.inflight), Unflushed: len(o.batch),
		AlarmSet: o.alarmSet}
	if o.placed {
		s.PoP = w.pops[o.pop].Code
	}
	if o.alarmSet {
		s.Alarm = o.alarmAt
	}
	switch {
	case o.blocking:
		s.InputGate, s.InputClosedBy = "closed", "blockConcurrencyWhile"
	case o.storagePending > 0:
		s.InputGate, s.InputClosedBy = "closed", ResumeStorage
	}
	for _, h := range o.held {
		s.HeldOutputs = append(s.HeldOutputs, h.req)
	}
	for _, k := range sortedKeys(o.durable) {
		if v := o.durable[k]; v.found {
			s.Storage = append(s.Storage, ObjectEntry{Key: k, Value: v.value, Version: v.version})
		}
	}
	return s
}
