package edge

import (
	"strings"
	"time"
)

// EventKind names what happened. The strings are part of the JSON trace
// format and the keys narration captions attach to.
type EventKind string

// Trace event kinds. Each says which typed fields it fills; Detail is
// prose for a human reader and is never parsed back.
const (
	// EvNote is a scenario annotation: Note is its id (what captions
	// match), Detail its text; Req, Key, Value and Version may carry the
	// facts it states.
	EvNote EventKind = "note"

	EvRequestStart EventKind = "request.start" // a Worker invocation begins at a PoP (Path)
	EvRequestEnd   EventKind = "request.end"   // it responds (Value = body, Outcome, Latency = total)
	EvLog          EventKind = "console.log"   // a handler's console.log (Detail = the line)

	// EvSend is a message leaving From for To: Msg is its id, the same on
	// its EvArrive; Op says what it carries (a MsgKind); Arrive is when it
	// gets there; Key or Path what it is about.
	EvSend   EventKind = "net.send"
	EvArrive EventKind = "net.arrive" // the message Msg arrives at To

	EvKVGet     EventKind = "kv.get"      // a read is issued (Outcome hit|miss|local|error; a miss may join a fetch already in flight)
	EvKVGetDone EventKind = "kv.get.done" // the read returns (Value, Version, Outcome fresh|stale|not-found, Tier = where it was served)
	EvKVRefresh EventKind = "kv.refresh"  // background refresh of a hot cached copy starts (Version = the cached one)
	// EvKVFill: a PoP's or tier's cache stores a copy (Tier pop|tier,
	// Version, Outcome found|not-found, Expires = when the copy expires).
	EvKVFill EventKind = "kv.fill"
	// EvKVFillKept: a fill arrived with an older copy than the one already
	// cached (e.g. the writer's own); the newer copy is kept (Version = the
	// kept one, Prev = the one that arrived).
	EvKVFillKept EventKind = "kv.fill.kept"
	// EvKVShorten: a read with a lower cacheTtl shortened a cached copy
	// (Expires = its new expiry, Latency = the cacheTtl asked for).
	EvKVShorten EventKind = "kv.shorten"
	// EvKVExpired: a read found its PoP's copy expired and skipped it
	// (Version = the expired copy's; Outcome cache-ttl|expiration: whether
	// the copy's cacheTtl or the key's own expiration ran out).
	EvKVExpired EventKind = "kv.expired"
	EvKVVisible EventKind = "kv.visible" // a PoP's cache now holds the newest version of a key
	EvKVPut     EventKind = "kv.put"     // a write is issued (Op put|delete)
	// EvKVPutDone: the write is accepted or rejected (Op put|delete,
	// Outcome accepted|429|error, Version = the version it became).
	EvKVPutDone   EventKind = "kv.put.done"
	EvKVCommit    EventKind = "kv.commit"    // a central store applies a write (Actor = the store, Tier central)
	EvKVReplicate EventKind = "kv.replicate" // another central store applies it
	EvKVList      EventKind = "kv.list"      // a list by prefix returns (Key = prefix, Count = keys, Expires = the snapshot's time)

	EvDOPlace EventKind = "do.place" // an object is created at a PoP (To = its PoP, Outcome nearest|hint, Value = the hint)
	EvDOQueue EventKind = "do.queue" // a request waits for the object (Queue = requests waiting, this one included)
	// EvDOConstruct: the object's constructor runs (Phase constructing):
	// a first event, or the first after hibernation or eviction.
	EvDOConstruct EventKind = "do.construct"
	EvDOStart     EventKind = "do.start"  // the object starts handling a request (Op fetch, Path) or its alarm (Op alarm)
	EvDOResume    EventKind = "do.resume" // the object resumes code after an await (Op = what it awaited, a ResumeOp)
	// EvDOYield: the object's code returns to the event loop (Phase =
	// ready, waiting-on-storage or blocking).
	EvDOYield   EventKind = "do.yield"
	EvDOFinish  EventKind = "do.finish"  // the object responds (Value = body, Outcome, Latency since its start)
	EvDOGate    EventKind = "do.gate"    // input/output gate closes or opens (Outcome input-closed|input-open|output-held|output-released; Op storage|blockConcurrencyWhile for the input gate)
	EvDOStorage EventKind = "do.storage" // a storage operation (Op get|put|delete|transaction|setAlarm|deleteAlarm; Expires = the alarm time for setAlarm)
	EvDOCommit  EventKind = "do.commit"  // buffered writes become durable (Count = writes, Version = the last)
	EvDOAlarm   EventKind = "do.alarm"   // an alarm run ends (Outcome ok|retry|gave-up|replaced; Count = the attempt)
	// EvDOHibernate: an idle object that met the hibernation conditions
	// is removed from memory (Phase hibernated); storage stays.
	EvDOHibernate EventKind = "do.hibernate"
	EvDOEvict     EventKind = "do.evict"      // the object is evicted: memory lost, storage kept (Outcome idle|reset|pending-limit; Latency = how long it was idle)
	EvDOOverload  EventKind = "do.overloaded" // a request is refused: too many queued (Queue = requests waiting)

	EvCacheMatch  EventKind = "cache.match"  // Cache API lookup (Outcome hit|miss; Version, Latency = the copy's age on a hit)
	EvCachePut    EventKind = "cache.put"    // Cache API store at one PoP (Outcome stored|skipped, Expires)
	EvCacheDelete EventKind = "cache.delete" // Cache API purge at one PoP (Outcome deleted|absent)
	// EvCacheExpire: an operation found a copy past its max-age and
	// dropped it (the Cache API expires copies lazily).
	EvCacheExpire EventKind = "cache.expire"
	EvCachePurge  EventKind = "cache.purge" // a zone purge reaches one PoP and removes its copy (Outcome deleted|absent)

	EvOriginFetch   EventKind = "origin.fetch"   // the origin serves a request (Path, Version = content version, Latency = serve time)
	EvOriginPublish EventKind = "origin.publish" // new content is published at the origin (Path, Value, Version)
)

// ActorKind says what an actor is: where its lane goes, how a map draws it.
type ActorKind string

// Actor kinds.
const (
	ActorPoP      ActorKind = "pop"      // a PoP: Workers, its KV cache, its Cache API
	ActorCentral  ActorKind = "central"  // a KV central store, at a PoP
	ActorObject   ActorKind = "object"   // a Durable Object, at the PoP it was placed in
	ActorOrigin   ActorKind = "origin"   // the customer's origin server
	ActorScenario ActorKind = "scenario" // who speaks in scenario notes: "clients", "check"
)

// Actor ids: a PoP is its IATA code; the others are prefixed.
const (
	centralPrefix = "central:" // "central:LHR": KV's central store at LHR
	objectPrefix  = "do:"      // "do:counter": the object named counter
	originActor   = "origin"
)

// CentralActor is the actor id of the KV central store at PoP code.
func CentralActor(code string) string { return centralPrefix + code }

// MsgKind is what a network message carries (Event.Op on net.send and
// net.arrive).
type MsgKind = string

// Message kinds.
const (
	MsgKVRead      MsgKind = "kv.read"      // a PoP or tier asks the next level for a key
	MsgKVValue     MsgKind = "kv.value"     // a copy of a key travels back
	MsgKVWrite     MsgKind = "kv.write"     // a put or delete travels to a central store
	MsgKVAck       MsgKind = "kv.ack"       // the store accepted it
	MsgKVReject    MsgKind = "kv.reject"    // the store refused it (429)
	MsgKVReplicate MsgKind = "kv.replicate" // a store passes an accepted write to another
	MsgKVPush      MsgKind = "kv.push"      // KV Instant: a store pushes an accepted write to a PoP
	MsgKVList      MsgKind = "kv.list"      // a list request
	MsgKVKeys      MsgKind = "kv.keys"      // its keys travel back
	MsgDOFetch     MsgKind = "do.fetch"     // a request for an object (Path)
	MsgDOResponse  MsgKind = "do.response"  // its response travels back
	MsgOriginFetch MsgKind = "origin.fetch" // a request to the origin (Path)
	MsgCachePurge  MsgKind = "cache.purge"  // a zone purge travelling to a PoP
	MsgOriginReply MsgKind = "origin.response"
)

// ResumeOp names what an object's code awaited (Event.Op on do.resume).
type ResumeOp = string

// Awaited operations.
const (
	ResumeStorage ResumeOp = "storage" // a storage read or transaction (through the input gate's side door)
	ResumeKVGet   ResumeOp = "kv.get"
	ResumeKVPut   ResumeOp = "kv.put"
	ResumeFetch   ResumeOp = "fetch"  // another object
	ResumeOrigin  ResumeOp = "origin" // fetch() to the origin
	ResumeTimer   ResumeOp = "timer"  // setTimeout
)

// Event is one observable step of a run. Fields that do not apply are
// zero and omitted from JSON.
type Event struct {
	Seq       int           `json:"seq"`
	At        time.Duration `json:"at_ns"`
	Kind      EventKind     `json:"kind"`
	Actor     string        `json:"actor"` // PoP code, "central:LHR", "do:NAME", "origin", or a scenario speaker
	ActorKind ActorKind     `json:"actor_kind"`
	Req       int           `json:"req,omitempty"` // the Worker request it belongs to (numbered in start order)
	Msg       int           `json:"msg,omitempty"` // net.send/net.arrive: the message, the same id on both
	From      string        `json:"from,omitempty"`
	To        string        `json:"to,omitempty"`
	Arrive    time.Duration `json:"arrive_ns,omitempty"`
	Op        string        `json:"op,omitempty"`   // the operation: a MsgKind, ResumeOp, storage or write operation
	Path      string        `json:"path,omitempty"` // the request path
	Key       string        `json:"key,omitempty"`
	Value     string        `json:"value,omitempty"`
	Version   int64         `json:"version,omitempty"`
	Prev      int64         `json:"prev,omitempty"` // kv.fill.kept: the version that arrived and was dropped
	Outcome   string        `json:"outcome,omitempty"`
	Tier      string        `json:"tier,omitempty"`
	Expires   time.Duration `json:"expires_ns,omitempty"` // when a cached copy expires, or an alarm fires
	Queue     int           `json:"queue,omitempty"`      // requests waiting for an object
	Count     int           `json:"count,omitempty"`      // writes in a commit, keys in a list, an alarm's attempt
	Phase     DOPhase       `json:"phase,omitempty"`      // an object's phase after the event
	Latency   time.Duration `json:"latency_ns,omitempty"`
	Note      string        `json:"note,omitempty"` // a note's id
	Site      string        `json:"site,omitempty"` // handler source line, "file.go:42"
	Detail    string        `json:"detail,omitempty"`
}

// actorKind classifies an actor id.
func (w *World) actorKind(id string) ActorKind {
	switch {
	case strings.HasPrefix(id, centralPrefix):
		return ActorCentral
	case strings.HasPrefix(id, objectPrefix):
		return ActorObject
	case id == originActor:
		return ActorOrigin
	}
	if _, ok := w.popIdx[id]; ok {
		return ActorPoP
	}
	return ActorScenario
}
