package player

import (
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/edge"
)

// clock prints virtual time the one way kvdo writes it: "+12.34 s".
func clock(d time.Duration) string { return demos.FormatAt(d) }

// latency prints a duration the way people say it: 0.8 ms, 143 ms, 1.5 s.
func latency(d time.Duration) string { return demos.FormatDuration(d) }

// speedText prints a playback speed: "0.25x", "1x", "64x".
func speedText(s float64) string { return strconv.FormatFloat(s, 'f', -1, 64) + "x" }

// eventLine is the one-line account of an event under the stage: its
// typed fields, tersely, for events no caption tells.
func eventLine(ev edge.Event) string {
	parts := []string{ev.Actor, string(ev.Kind)}
	if ev.Req != 0 {
		parts = append(parts, "req "+strconv.Itoa(ev.Req))
	}
	if ev.From != "" || ev.To != "" {
		parts = append(parts, ev.From+"→"+ev.To)
	}
	if ev.Op != "" {
		parts = append(parts, ev.Op)
	}
	if ev.Path != "" {
		parts = append(parts, ev.Path)
	}
	if ev.Key != "" {
		parts = append(parts, ev.Key)
	}
	if ev.Version != 0 {
		parts = append(parts, "v"+strconv.FormatInt(ev.Version, 10))
	}
	if ev.Outcome != "" {
		parts = append(parts, ev.Outcome)
	}
	if ev.Latency != 0 {
		parts = append(parts, latency(ev.Latency))
	}
	if ev.Queue != 0 {
		parts = append(parts, strconv.Itoa(ev.Queue)+" queued")
	}
	if ev.Phase != "" {
		parts = append(parts, "→ "+string(ev.Phase))
	}
	if ev.Detail != "" {
		parts = append(parts, ev.Detail)
	}
	return strings.Join(parts, " · ")
}

// laneTag is the word a lane shows beside an event, and its role.
func laneTag(ev edge.Event) (string, role) {
	bad := ev.Outcome == "429" || ev.Outcome == "error" || ev.Outcome == "stale" || ev.Outcome == "503"
	ro := rLaneEvent
	if bad {
		ro = rStale
	}
	ver := ""
	if ev.Version != 0 {
		ver = " v" + strconv.FormatInt(ev.Version, 10)
	}
	switch ev.Kind {
	case edge.EvRequestStart:
		return "req " + strconv.Itoa(ev.Req), rAccent
	case edge.EvRequestEnd:
		return "reply", ro
	case edge.EvSend, edge.EvArrive:
		return "", rLaneEvent
	case edge.EvLog:
		return "log", rDim
	case edge.EvKVGet:
		return "get " + ev.Outcome, ro
	case edge.EvKVGetDone:
		if ev.Outcome == "fresh" {
			ro = rCurrent
		}
		return ev.Outcome + ver, ro
	case edge.EvKVFill:
		return "fill" + ver, ro
	case edge.EvKVFillKept:
		return "kept" + ver, ro
	case edge.EvKVShorten:
		return "shorten", ro
	case edge.EvKVExpired:
		return "expired" + ver, rDim
	case edge.EvKVVisible:
		return "newest" + ver, rCurrent
	case edge.EvKVPut:
		return ev.Op + " " + ev.Value, ro
	case edge.EvKVPutDone:
		return ev.Outcome + ver, ro
	case edge.EvKVCommit:
		return "commit" + ver, rCentral
	case edge.EvKVReplicate:
		return "copy" + ver, rCentral
	case edge.EvKVRefresh:
		return "refresh", ro
	case edge.EvKVList:
		return "list", ro
	case edge.EvDOPlace:
		return "placed", rDO
	case edge.EvDOQueue:
		return "queue " + strconv.Itoa(ev.Queue), rDO
	case edge.EvDOConstruct:
		return "construct", rDO
	case edge.EvDOStart:
		return ev.Op, rDO
	case edge.EvDOResume:
		return "resume", rDO
	case edge.EvDOYield:
		return string(ev.Phase), rDim
	case edge.EvDOFinish:
		return "done", rDO
	case edge.EvDOGate:
		return ev.Outcome, rDO
	case edge.EvDOStorage:
		return ev.Op + " " + ev.Key, rDO
	case edge.EvDOCommit:
		return "durable", rDO
	case edge.EvDOAlarm:
		return "alarm " + ev.Outcome, rDO
	case edge.EvDOHibernate:
		return "hibernate", rDim
	case edge.EvDOEvict:
		return "evicted", rStale
	case edge.EvDOOverload:
		return "503", rStale
	case edge.EvCacheMatch:
		return ev.Outcome + ver, ro
	case edge.EvCachePut:
		return "cached" + ver, ro
	case edge.EvCacheDelete:
		return "purge", rAccent
	case edge.EvCacheExpire:
		return "expired" + ver, rDim
	case edge.EvCachePurge:
		return "purge all", rAccent
	case edge.EvOriginFetch:
		return "render" + ver, rOrigin
	case edge.EvOriginPublish:
		return "publish" + ver, rOrigin
	case edge.EvNote:
		return "note", rDim
	}
	return string(ev.Kind), ro
}
