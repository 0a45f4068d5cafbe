package demos

import (
	"strconv"

	"github.com/kvdo/kvdo/edge"
)

// Claims a caption may make about a run, each a condition on the trace:
// narration.yaml names them with when:, and a caption is shown only where
// its claim holds. demos/claims_test.go checks every shown claim against
// the simulator's state, by other means.

// anotherIncrementInFlight: at a read of the count, another request has
// read it too and has not yet had its write accepted, so two increments
// hold the same count at this moment.
func anotherIncrementInFlight(tr []edge.Event, i int) bool {
	ev := tr[i]
	read := map[int]bool{}
	for _, e := range tr[:i] {
		switch {
		case e.Kind == edge.EvKVGet && e.Key == ev.Key && e.Req != ev.Req:
			read[e.Req] = true
		case e.Kind == edge.EvKVPutDone && e.Key == ev.Key && e.Outcome == "accepted":
			delete(read, e.Req)
		}
	}
	return len(read) > 0
}

// onlyWriteOfInterval: this accepted write is the only accepted write of
// the key between two expirations of the page (value-expired notes).
func onlyWriteOfInterval(tr []edge.Event, i int) bool {
	ev := tr[i]
	lo, hi := 0, len(tr)
	for j := i - 1; j >= 0; j-- {
		if tr[j].Kind == edge.EvNote && tr[j].Note == "value-expired" {
			lo = j
			break
		}
	}
	for j := i + 1; j < len(tr); j++ {
		if tr[j].Kind == edge.EvNote && tr[j].Note == "value-expired" {
			hi = j
			break
		}
	}
	for j := lo; j < hi; j++ {
		e := tr[j]
		if j != i && e.Kind == edge.EvKVPutDone && e.Key == ev.Key && e.Outcome == "accepted" {
			return false
		}
	}
	return true
}

// writerCachesNotFound: the PoP whose write was just refused still holds
// a cached "not found" for the key, not yet expired.
func writerCachesNotFound(tr []edge.Event, i int) bool {
	ev := tr[i]
	for j := i - 1; j >= 0; j-- {
		e := tr[j]
		if e.Kind == edge.EvKVFill && e.Actor == ev.Actor && e.Key == ev.Key && e.Tier == "pop" {
			return e.Outcome == "not-found" && e.Expires > ev.At
		}
	}
	return false
}

// backwardsWatch notes when a central store accepts a lower count than
// the one it accepted before: a delayed retry writing an old number over
// a newer one.
type backwardsWatch struct {
	w    *edge.World
	last map[string]int // per store actor: the last count it committed
}

func (b *backwardsWatch) see(e *edge.Event) {
	if e.Kind != edge.EvKVCommit || e.Key != "count" {
		return
	}
	n, err := strconv.Atoi(e.Value)
	if err != nil {
		return
	}
	if prev, ok := b.last[e.Actor]; ok && n < prev {
		b.w.Annotate(edge.Event{Note: "count-backwards", Actor: e.Actor, Req: e.Req, Key: e.Key, Value: e.Value, Version: e.Version},
			"KV now holds count "+e.Value+", down from "+strconv.Itoa(prev)+": req "+strconv.Itoa(e.Req)+"'s write of a number it computed earlier landed after a newer one")
	}
	b.last[e.Actor] = n
}
