package demos

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/edge"
)

//go:embed propagation_worker.go
var propagationWorkerSource string

func propagationDemo() Demo {
	return Demo{
		ID:      "propagation",
		Title:   "A write travels: stale reads until cached copies expire",
		Teaches: "A KV write is visible at once where it was made (usually); every other PoP keeps serving its cached copy, even a cached \"not found\", until its cacheTtl runs out.",
		Params: []Param{
			intParam("pops", "4", "2", "8", "PoPs reading the key; the first one also writes it"),
			durParam("cache_ttl", "60s", "30s", "300s", "cacheTtl of every read (KV's default 60s, minimum 30s)"),
			durParam("write_at", "10s", "2s", "60s", "when the new value is written"),
			intParam("reads", "8", "2", "20", "reads per PoP after the write, spread over one cacheTtl"),
			boolParam("prior_read", "true", "each PoP reads the key once before the write, caching what it saw"),
			boolParam("key_exists", "true", "the key exists before the write; false: the write creates it, so prior reads cache \"not found\""),
		},
		Variants: []Variant{{ID: "kv", Title: "Workers KV", Help: "one key, one writer, readers on several continents"}},
		Source:   Source{File: "propagation_worker.go", Code: propagationWorkerSource},
		Emits:    kinds(requestKinds, kvKinds),
		Notes:    []string{"readers", "publish", "outcome"},
		run:      runPropagation,
	}
}

// popReads is what one PoP's readers saw.
type popReads struct {
	cold, warm     time.Duration // latency of the first read and of a later cached one
	staleAfter     int           // reads after the write that missed it
	visibleAfter   time.Duration // from the write's acceptance to the first read of it
	sawNew         bool
	firstAfterIsOK bool // the first read after the write returned the new value
	readsAfter     int
}

func runPropagation(s *scenario) error {
	w, err := s.world(edge.Production, true)
	if err != nil {
		return err
	}
	n := s.p.Int("pops")
	pops, err := pickPoPs(w, n, "LHR", "FRA", "NRT", "SYD", "IAD", "GRU", "SIN", "SJC")
	if err != nil {
		return err
	}
	ttl, writeAt, reads := s.p.Duration("cache_ttl"), s.p.Duration("write_at"), s.p.Int("reads")
	exists, prior := s.p.Bool("key_exists"), s.p.Bool("prior_read")
	key := "banner"
	if !exists {
		key = "launch-banner"
	}
	ns := w.KV("SITE")
	if exists {
		ns.Seed(key, "v1")
		// The history starts with the seeded write, so a stale read can be
		// shown against the write it missed.
		w.History().Add(edge.Op{Client: 0, Kind: edge.OpPut, Key: key, Value: ns.Latest(key), Found: true, Label: "written before the run"})
	}
	worker := &bannerWorker{kv: ns.Binding(), key: key, cacheTTL: ttl}
	stats := make([]popReads, n)
	var written time.Duration = -1

	read := func(i int, at time.Duration) {
		w.Request(at, pops[i], "/banner", worker.readBanner, func(status int, body string) {
			lat := w.Now() - at
			p := &stats[i]
			switch {
			case p.cold == 0:
				p.cold = lat
			case p.warm == 0 && written < 0:
				p.warm = lat
			}
			if written < 0 || at < written {
				return
			}
			p.readsAfter++
			if body == "v2" {
				if !p.sawNew {
					p.sawNew, p.visibleAfter = true, w.Now()-written
					p.firstAfterIsOK = p.readsAfter == 1
				}
				return
			}
			if !p.sawNew {
				p.staleAfter++
			}
		})
	}
	if prior {
		w.Note("readers", "readers", fmt.Sprintf("%s read %q twice: a cold read, then a warm one", plural(n, "PoP"), key))
		for i := range n {
			at := time.Second + time.Duration(i)*150*time.Millisecond
			read(i, at)
			read(i, at+2*time.Second)
		}
	}
	w.At(writeAt, func() {
		w.Note(w.Code(pops[0]), "publish", fmt.Sprintf("an editor at %s publishes v2 of %q", w.Code(pops[0]), key))
		w.Request(writeAt, pops[0], "/publish", worker.publishBanner, func(int, string) { written = w.Now() })
	})
	// Reads after the write: the first right after it, the last past one
	// cacheTtl, when every copy cached before the write has expired.
	step := (ttl + 10*time.Second) / time.Duration(reads)
	for j := range reads {
		for i := range n {
			read(i, writeAt+time.Second+time.Duration(j)*step+time.Duration(i)*97*time.Millisecond)
		}
	}
	w.Run()
	s.verdict = edge.CheckRegister(w.History().Ops())
	s.propagationReport(w, pops, stats, prior, exists, ttl)
	return nil
}

func (s *scenario) propagationReport(w *edge.World, pops []edge.PoPID, stats []popReads, prior, exists bool, ttl time.Duration) {
	var stale int
	var worst time.Duration
	var colds, warms []time.Duration
	var worstPoP string
	converged := true
	t := Table{Title: "per PoP", Columns: []string{"PoP", "cold read", "warm read", "stale after write", "new value after"}}
	for i, p := range stats {
		stale += p.staleAfter
		colds = append(colds, p.cold)
		warms = append(warms, p.warm)
		after := "never"
		if p.sawNew {
			after = fmtDur(p.visibleAfter)
			if p.visibleAfter > worst {
				worst, worstPoP = p.visibleAfter, w.Code(pops[i])
			}
		} else {
			converged = false
		}
		warmText := "-"
		if p.warm > 0 {
			warmText = fmtDur(p.warm)
		}
		t.Rows = append(t.Rows, []string{w.Code(pops[i]), fmtDur(p.cold), warmText, strconv.Itoa(p.staleAfter), after})
	}
	s.tables = append(s.tables, t)
	s.liveCount("stale reads", EventFilter{Kind: edge.EvKVGetDone, Outcome: "stale"}, true)
	s.metric("longest wait for the new value", secs(worst), "s", true)
	// Medians, not means: one cached read in fifty or so falls in KV's
	// latency tail (fact kv-hot-read-p99-ms) and would drag a mean of four.
	s.metric("cold read, median", ms(median(colds)), "ms", false)
	if prior {
		s.metric("warm read, median", ms(median(warms)), "ms", false)
	}
	s.metric("cacheTtl", secs(ttl), "s", false)

	writer := w.Code(pops[0])
	var b strings.Builder
	if stats[0].firstAfterIsOK {
		fmt.Fprintf(&b, "%s saw the write at once", writer)
	} else {
		fmt.Fprintf(&b, "even %s, the writing PoP, read the old answer for %s (visibility at the writer is usual, not guaranteed)", writer, fmtDur(stats[0].visibleAfter))
	}
	old := "the old value"
	if !exists {
		old = "a cached \"not found\""
	}
	switch {
	case stale == 0:
		fmt.Fprintf(&b, "; no PoP had a cached copy, so every read after the write fetched the new value")
	case worstPoP != "":
		fmt.Fprintf(&b, "; other PoPs served %s for up to %s (%s, cacheTtl %s)", old, fmtDur(worst), worstPoP, fmtDur(ttl))
	}
	if converged {
		b.WriteString(", then every PoP converged")
	} else {
		b.WriteString("; some PoPs had not seen the new value by the end")
	}
	s.outcome = b.String()
	w.Note("check", "outcome", s.outcome)
}
