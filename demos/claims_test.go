package demos

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/edge"
)

// Every claim a demo shows about its run must be true in that run: checked
// here for every demo and variant, over 50 seeds at the default
// parameters and 10 more at each parameter's bounds (all minimums, all
// maximums). Each claim is checked by
// other means than the condition that let it be shown: mostly on the
// simulator's state at the event (StateAt), so a condition that reads the
// trace wrongly cannot vouch for itself.

// claimSeeds is how many seeds the defaults are checked over, and
// claimBoundSeeds each other point of the grid.
const (
	claimSeeds      = 50
	claimBoundSeeds = 10
)

// paramGrid is the defaults, every parameter at its minimum, and every
// parameter at its maximum, less the points the demo itself refuses.
func paramGrid(t *testing.T, d Demo) []map[string]string {
	lo, hi := map[string]string{}, map[string]string{}
	for _, p := range d.Params {
		if p.Min != "" {
			lo[p.Name] = p.Min
		}
		if p.Max != "" {
			hi[p.Name] = p.Max
		}
	}
	grid := []map[string]string{nil}
	for _, g := range []map[string]string{lo, hi} {
		if _, err := d.Resolve(g); err != nil {
			t.Logf("%s: grid point %v skipped: %v", d.ID, g, err)
			continue
		}
		grid = append(grid, g)
	}
	return grid
}

// claimCheck verifies one shown claim; it returns "" when it holds.
type claimCheck func(t *testing.T, r *Result, i int) string

func snapshotAt(t *testing.T, r *Result, i int) edge.Snapshot {
	t.Helper()
	s, err := r.StateAt(i)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// captionClaims check captions by the condition they name.
var captionClaims = map[string]claimCheck{
	"another-increment-in-flight": func(t *testing.T, r *Result, i int) string {
		for _, o := range snapshotAt(t, r, i).Objects {
			if o.Open >= 2 {
				return ""
			}
		}
		return "the object is handling fewer than two requests"
	},
	"writer-caches-not-found": func(t *testing.T, r *Result, i int) string {
		ev := r.Trace[i]
		for _, ns := range snapshotAt(t, r, i).KV {
			for _, c := range ns.Caches {
				if c.Actor != ev.Actor || c.Level != "pop" {
					continue
				}
				for _, e := range c.Entries {
					if e.Key == ev.Key && e.Cached && !e.Found && e.State != edge.KVExpired {
						return ""
					}
				}
			}
		}
		return ev.Actor + " holds no live cached \"not found\" for " + ev.Key
	},
	"only-write-of-interval": func(t *testing.T, r *Result, i int) string {
		// Between the expirations around it, the stores took one version.
		lo, hi := 0, len(r.Trace)-1
		for j := i; j >= 0; j-- {
			if r.Trace[j].Note == "value-expired" {
				lo = j
				break
			}
		}
		for j := i; j < len(r.Trace); j++ {
			if r.Trace[j].Note == "value-expired" {
				hi = j
				break
			}
		}
		key := r.Trace[i].Key
		version := func(s edge.Snapshot) int64 {
			for _, k := range s.KV {
				for _, ks := range k.Keys {
					if ks.Key == key {
						return ks.Version
					}
				}
			}
			return 0
		}
		if d := version(snapshotAt(t, r, hi)) - version(snapshotAt(t, r, lo)); d != 1 {
			return "the key took " + strconv.FormatInt(d, 10) + " versions in this interval"
		}
		return ""
	},
}

// noteClaims check the notes that state a fact about the run.
var noteClaims = map[string]claimCheck{
	"lost-update": func(t *testing.T, r *Result, i int) string {
		ev := r.Trace[i]
		answers := map[int]string{}
		for _, e := range r.Trace[:i+1] {
			if e.Kind == edge.EvRequestEnd {
				answers[e.Req] = e.Value
			}
		}
		if a, b := answers[ev.Req], answers[int(ev.Version)]; a == "" || a != b || a != ev.Value {
			return "req " + strconv.Itoa(ev.Req) + " and req " + strconv.FormatInt(ev.Version, 10) + " were told " + a + " and " + b
		}
		return ""
	},
	"count-backwards": func(t *testing.T, r *Result, i int) string {
		ev := r.Trace[i]
		prev := -1
		for _, e := range r.Trace[:i] {
			if e.Kind == edge.EvKVCommit && e.Actor == ev.Actor && e.Key == "count" && e.Seq < i-1 {
				prev, _ = strconv.Atoi(e.Value)
			}
		}
		now, _ := strconv.Atoi(ev.Value)
		if prev <= now {
			return "the store's previous count " + strconv.Itoa(prev) + " is not above " + ev.Value
		}
		for _, ns := range snapshotAt(t, r, i).KV {
			for _, st := range append(ns.Central, edge.KVStoreSnapshot{Actor: ev.Actor, Entries: ns.Local}) {
				for _, e := range st.Entries {
					if st.Actor == ev.Actor && e.Key == "count" && e.Value == ev.Value {
						return ""
					}
				}
			}
		}
		return "the store does not hold " + ev.Value
	},
	"repeat-miss": func(t *testing.T, r *Result, i int) string {
		ev := r.Trace[i]
		for _, e := range r.Trace[:i+1] {
			if e.Kind == edge.EvKVGetDone && e.Req == ev.Req {
				if e.Version != 0 || e.Outcome != "stale" {
					return "the visit's read was " + e.Outcome
				}
				return ""
			}
		}
		return "the visit made no read"
	},
	"value-expired": func(t *testing.T, r *Result, i int) string {
		s := snapshotAt(t, r, i)
		for _, ns := range s.KV {
			for _, st := range ns.Central {
				for _, e := range st.Entries {
					if e.Key == scoresPath && e.Found && (e.Expires == 0 || e.Expires > s.At) {
						return st.Actor + " still holds the page"
					}
				}
			}
		}
		return ""
	},
	"now-serves":   servedPage(newPage),
	"still-serves": servedPage(oldPage),
	"now-reads": func(t *testing.T, r *Result, i int) string {
		ev := r.Trace[i]
		body := answerOf(r, ev.Req)
		if strings.Contains(body, "@") { // kv-direct: "version@edit flag@edit percent@edit"
			if v, _, _ := strings.Cut(body, "@"); v != strconv.FormatInt(ev.Version, 10) {
				return "the read returned " + body
			}
			return ""
		}
		c, err := decodeConfig(body)
		if err != nil || int64(c.Version) != ev.Version {
			return "the read returned " + body
		}
		return ""
	},
	"torn-read": func(t *testing.T, r *Result, i int) string {
		parts := strings.Fields(answerOf(r, r.Trace[i].Req))
		if len(parts) != 3 {
			return "the read returned no three fields"
		}
		var tags []string
		for _, p := range parts {
			_, tag, _ := strings.Cut(p, "@")
			tags = append(tags, tag)
		}
		if tags[0] == tags[1] && tags[1] == tags[2] {
			return "all three fields come from edit " + tags[0]
		}
		return ""
	},
}

func servedPage(page string) claimCheck {
	return func(t *testing.T, r *Result, i int) string {
		if got := answerOf(r, r.Trace[i].Req); got != page {
			return "the view was answered " + strconv.Quote(got)
		}
		return ""
	}
}

// answerOf is the body a Worker request answered with.
func answerOf(r *Result, req int) string {
	for _, e := range r.Trace {
		if e.Kind == edge.EvRequestEnd && e.Req == req {
			return e.Value
		}
	}
	return ""
}

func TestEveryShownClaimHoldsInEverySeedAndAtTheParameterBounds(t *testing.T) {
	checked := map[string]int{}
	for _, d := range All() {
		for gi, g := range paramGrid(t, d) {
			seeds := claimSeeds // at the defaults
			if gi > 0 {
				seeds = claimBoundSeeds
			}
			if testing.Short() {
				seeds = shortSeeds
			}
			for _, v := range d.Variants {
				t.Run(d.ID+"/"+v.ID, func(t *testing.T) {
					for seed := uint64(1); seed <= uint64(seeds); seed++ {
						r := run(t, d.ID, v.ID, seed, g)
						for _, c := range r.Captions {
							if c.Claim == "" {
								continue
							}
							check, ok := captionClaims[c.Claim]
							if !ok {
								t.Fatalf("caption claim %q has no check here", c.Claim)
							}
							if why := check(t, r, c.Seq); why != "" {
								t.Errorf("%v seed %d: caption %q at event %d does not hold: %s", g, seed, c.Text, c.Seq, why)
							}
							checked["caption "+c.Claim]++
						}
						for _, ev := range r.Trace {
							check, ok := noteClaims[ev.Note]
							if ev.Kind != edge.EvNote || !ok {
								continue
							}
							if why := check(t, r, ev.Seq); why != "" {
								t.Errorf("%v seed %d: note %q at event %d does not hold: %s", g, seed, ev.Detail, ev.Seq, why)
							}
							checked["note "+ev.Note]++
						}
					}
				})
			}
		}
	}
	// Guards against checking nothing: every claim was shown somewhere.
	for name := range captionClaims {
		if checked["caption "+name] == 0 {
			t.Errorf("no run showed a caption claiming %s: its check checked nothing", name)
		}
	}
	for name := range noteClaims {
		if checked["note "+name] == 0 {
			t.Errorf("no run made a %s note: its check checked nothing", name)
		}
	}
	t.Logf("claims checked: %v", checked)
}

// A claim's condition must be a real filter: the race's "two increments
// hold the same count" caption used to attach to the second read of the
// count in every run, even where the first increment had already finished
// (seed 2). Now, where that read finds no other increment in flight, the
// caption goes to a later read that does, or is withheld.
func TestAConditionalCaptionIsWithheldWhereItsClaimIsFalse(t *testing.T) {
	moved := 0
	for seed := uint64(1); seed <= seeds; seed++ {
		r := run(t, "race", "kv-in-do", seed, nil)
		var reads []int
		for _, ev := range r.Trace {
			if ev.Kind == edge.EvKVGet {
				reads = append(reads, ev.Seq)
			}
		}
		if len(reads) < 2 || anotherIncrementInFlight(r.Trace, reads[1]) {
			continue
		}
		moved++
		for _, c := range r.Captions {
			if c.Seq == reads[1] && c.Claim == "another-increment-in-flight" {
				t.Errorf("seed %d: the claim is shown on the second read, where no other increment is in flight", seed)
			}
		}
	}
	t.Logf("the second read had no other increment in flight in %d of %d seeds", moved, seeds)
	if moved == 0 {
		t.Fatal("in no seed was the second read free of another increment: the test checks nothing")
	}
}

// Every placeholder the content loader accepts is filled, and braces that
// name none are kept as written.
func TestEveryNarrationPlaceholderIsFilled(t *testing.T) {
	ev := &edge.Event{Actor: "LHR", Version: 3, At: 1500 * time.Millisecond}
	for _, name := range content.NarrationPlaceholders {
		if _, ok := placeholder(name, ev); !ok {
			t.Errorf("placeholder {%s} is accepted in narration.yaml but never filled", name)
		}
	}
	if got, want := fillCaption("{actor} has v{version} at {at}; {unknown} stays", ev), "LHR has v3 at +1.50 s; {unknown} stays"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
