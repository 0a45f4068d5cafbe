package edge

import "time"

// EventKind names what happened. The strings are part of the JSON trace
// format and the keys narration captions attach to.
type EventKind string

// Trace event kinds.
const (
	EvNote         EventKind = "note"          // scenario annotation
	EvRequestStart EventKind = "request.start" // a Worker invocation begins at a PoP
	EvRequestEnd   EventKind = "request.end"   // it responds (Latency = total)
	EvSend         EventKind = "net.send"      // a message leaves From for To (Arrive = arrival time)
	EvArrive       EventKind = "net.arrive"    // it arrives

	EvKVGet       EventKind = "kv.get"       // a read is issued (Outcome hit|miss|local|error; a miss may join a fetch already in flight)
	EvKVGetDone   EventKind = "kv.get.done"  // the read returns (Value, Version, Outcome fresh|stale|not-found)
	EvKVRefresh   EventKind = "kv.refresh"   // background refresh of a hot cached entry starts
	EvKVFill      EventKind = "kv.fill"      // a PoP or tier cache stores a copy (Tier pop|tier)
	EvKVVisible   EventKind = "kv.visible"   // a PoP's cache now holds the newest version of a key
	EvKVPut       EventKind = "kv.put"       // a write is issued
	EvKVPutDone   EventKind = "kv.put.done"  // the write is accepted or rejected (Outcome accepted|429|error)
	EvKVCommit    EventKind = "kv.commit"    // a central store applies a write (Tier central)
	EvKVReplicate EventKind = "kv.replicate" // another central store applies it
	EvKVList      EventKind = "kv.list"      // a list by prefix returns

	EvDOPlace    EventKind = "do.place"      // an object is created at a PoP
	EvDOQueue    EventKind = "do.queue"      // a request waits for the object
	EvDOStart    EventKind = "do.start"      // the object starts handling an event
	EvDOFinish   EventKind = "do.finish"     // the object responds
	EvDOGate     EventKind = "do.gate"       // input/output gate closes or opens (Outcome input-closed|input-open|output-held|output-released)
	EvDOStorage  EventKind = "do.storage"    // a storage operation (Detail get|put|delete|transaction|setAlarm)
	EvDOCommit   EventKind = "do.commit"     // buffered writes become durable
	EvDOAlarm    EventKind = "do.alarm"      // an alarm run ends (Outcome ok|retry|gave-up|replaced)
	EvDOEvict    EventKind = "do.evict"      // the object is evicted: memory lost, storage kept (Outcome idle|reset)
	EvDOOverload EventKind = "do.overloaded" // a request is refused: too many queued

	EvCacheMatch  EventKind = "cache.match"  // Cache API lookup (Outcome hit|miss)
	EvCachePut    EventKind = "cache.put"    // Cache API store at one PoP
	EvCacheDelete EventKind = "cache.delete" // Cache API purge at one PoP

	EvOriginFetch EventKind = "origin.fetch" // the origin serves a request (Version = content version)
)

// Event is one observable step of a run. Fields that do not apply are
// zero and omitted from JSON.
type Event struct {
	Seq     int           `json:"seq"`
	At      time.Duration `json:"at_ns"`
	Kind    EventKind     `json:"kind"`
	Actor   string        `json:"actor"` // PoP code, "do:NAME", "origin"
	Req     int           `json:"req,omitempty"`
	From    string        `json:"from,omitempty"`
	To      string        `json:"to,omitempty"`
	Arrive  time.Duration `json:"arrive_ns,omitempty"`
	Key     string        `json:"key,omitempty"`
	Value   string        `json:"value,omitempty"`
	Version int64         `json:"version,omitempty"`
	Outcome string        `json:"outcome,omitempty"`
	Tier    string        `json:"tier,omitempty"`
	Latency time.Duration `json:"latency_ns,omitempty"`
	Site    string        `json:"site,omitempty"` // handler source line, "file.go:42"
	Detail  string        `json:"detail,omitempty"`
}
