package player

import (
	"sort"
	"time"
)

// cursor is a position in virtual time: k entries of the track applied,
// the clock at t (at least the time of the k-th entry, before the next).
// A frame is a pure function of the cursor, so the same cursor reached by
// playing, stepping or seeking draws the same bytes.
type cursor struct {
	k int
	t time.Duration
}

// track is the timeline the cursor moves on: every event of one run, or
// of two runs merged in (time, run) order so that compare mode steps
// through both on one shared clock.
type track struct {
	runs   []*run
	at     []time.Duration // per entry
	which  []uint8         // per entry: the run it belongs to
	counts [][]int32       // per run: its events among the first k entries (k = 0..len)
	caps   []int           // cursor positions right after each captioned event, ascending
	end    time.Duration
}

func newTrack(runs ...*run) *track {
	t := &track{runs: runs}
	total := 0
	for _, r := range runs {
		total += len(r.trace())
		t.end = max(t.end, r.res.End)
	}
	t.at = make([]time.Duration, 0, total)
	t.which = make([]uint8, 0, total)
	t.counts = make([][]int32, len(runs))
	for i := range runs {
		t.counts[i] = make([]int32, 1, total+1)
	}
	next := make([]int, len(runs))
	for len(t.at) < total {
		best := -1
		for i, r := range runs {
			if next[i] < len(r.trace()) && (best < 0 || r.trace()[next[i]].At < runs[best].trace()[next[best]].At) {
				best = i
			}
		}
		t.at = append(t.at, runs[best].trace()[next[best]].At)
		t.which = append(t.which, uint8(best))
		next[best]++
		for i := range runs {
			t.counts[i] = append(t.counts[i], int32(next[i]))
		}
	}
	for i, r := range runs {
		for _, ev := range r.capIdx {
			// The entry holding event ev of run i is the first position
			// whose count for run i exceeds ev.
			k := sort.Search(len(t.counts[i]), func(k int) bool { return int(t.counts[i][k]) > ev })
			t.caps = append(t.caps, k)
		}
	}
	sort.Ints(t.caps)
	return t
}

func (t *track) len() int { return len(t.at) }

// n is how many of run i's events are applied at the cursor.
func (t *track) n(i int, c cursor) int { return int(t.counts[i][c.k]) }

// start is the cursor before anything happens.
func (t *track) start() cursor { return cursor{} }

// finish is the cursor after the last event, at the end of the longest run.
func (t *track) finish() cursor { return cursor{k: t.len(), t: t.end} }

// atEnd reports whether nothing is left to play.
func (t *track) atEnd(c cursor) bool { return c.k >= t.len() && c.t >= t.end }

// seek puts the clock at time x, with every event up to x applied.
func (t *track) seek(x time.Duration) cursor {
	x = min(max(x, 0), t.end)
	k := sort.Search(len(t.at), func(i int) bool { return t.at[i] > x })
	return cursor{k: k, t: x}
}

// place is the cursor with k entries applied and the clock at x, kept
// consistent: x is no earlier than the k-th entry and no later than the
// next one or the end.
func (t *track) place(k int, x time.Duration) cursor {
	k = min(max(k, 0), t.len())
	lo, hi := time.Duration(0), t.end
	if k > 0 {
		lo = t.at[k-1]
	}
	if k < t.len() {
		hi = t.at[k]
	}
	return cursor{k: k, t: min(max(x, lo), max(hi, lo))}
}

// settle is the cursor with k entries applied and the clock at the last
// one: where stepping lands, whichever way it came.
func (t *track) settle(k int) cursor {
	k = min(max(k, 0), t.len())
	if k == 0 {
		return cursor{}
	}
	return cursor{k: k, t: t.at[k-1]}
}

func (t *track) stepForward(c cursor) cursor { return t.settle(c.k + 1) }

func (t *track) stepBack(c cursor) cursor {
	if c.k == 0 {
		return cursor{}
	}
	return t.settle(c.k - 1)
}

// nextCaption moves to the next caption's event; at the last one it stays.
func (t *track) nextCaption(c cursor) cursor {
	i := sort.SearchInts(t.caps, c.k+1)
	if i < len(t.caps) {
		return t.settle(t.caps[i])
	}
	return c
}

// prevCaption moves back to the caption before the one showing, or to the
// start of the one showing when the cursor has moved past it.
func (t *track) prevCaption(c cursor) cursor {
	i := sort.SearchInts(t.caps, c.k) - 1 // last caption strictly before c.k
	if i >= 0 {
		return t.settle(t.caps[i])
	}
	return t.start()
}

// nextAt is the time of the next entry, and whether there is one.
func (t *track) nextAt(c cursor) (time.Duration, bool) {
	if c.k < t.len() {
		return t.at[c.k], true
	}
	return 0, false
}

// quiet reports whether no message of any run is in flight at c.
func (t *track) quiet(c cursor) bool {
	for i, r := range t.runs {
		if r.inFlight[t.n(i, c)] > 0 {
			return false
		}
	}
	return true
}
