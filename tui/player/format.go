package player

import (
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// clock prints virtual time the one way the player shows it: "+12.34 s".
func clock(d time.Duration) string {
	return "+" + strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

// shortClock is clock without the unit, for lane rows: "+12.345".
func shortClock(d time.Duration) string {
	return "+" + strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

// latency prints a duration the way people say it: 0.8 ms, 143 ms, 1.2 s.
func latency(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case d < time.Second:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
}

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
	case edge.EvKVGet:
		return "get " + ev.Outcome, ro
	case edge.EvKVGetDone:
		if ev.Outcome == "fresh" {
			ro = rCurrent
		}
		return ev.Outcome + ver, ro
	case edge.EvKVFill:
		return "fill" + ver, ro
	case edge.EvKVVisible:
		return "newest" + ver, rCurrent
	case edge.EvKVPut:
		return "put " + ev.Value, ro
	case edge.EvKVPutDone:
		return ev.Outcome, ro
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
		return "queued", rDO
	case edge.EvDOStart:
		return "run", rDO
	case edge.EvDOFinish:
		return "done", rDO
	case edge.EvDOGate:
		return ev.Outcome, rDO
	case edge.EvDOStorage:
		return ev.Detail, rDO
	case edge.EvDOCommit:
		return "durable", rDO
	case edge.EvDOAlarm:
		return "alarm", rDO
	case edge.EvDOEvict:
		return "evicted", rDO
	case edge.EvDOOverload:
		return "503", rStale
	case edge.EvCacheMatch:
		return ev.Outcome + ver, ro
	case edge.EvCachePut:
		return "cached" + ver, ro
	case edge.EvCacheDelete:
		return "purge", rAccent
	case edge.EvOriginFetch:
		return "render" + ver, rOrigin
	case edge.EvNote:
		return "note", rDim
	}
	return string(ev.Kind), ro
}
