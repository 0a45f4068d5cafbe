package demos

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/edge"
)

//go:embed cachepurge_worker.go
var cachePurgeWorkerSource string

// The page every PoP serves, and its two versions as the origin holds them.
const (
	purgePage = "/pricing"
	oldPage   = "pricing, v1"
	newPage   = "pricing, v2"
)

func cachePurgeDemo() Demo {
	return Demo{
		ID:      "cache-purge",
		Title:   "Purging a page: one PoP, or every PoP through KV",
		Teaches: "cache.delete() empties the cache of the PoP it runs at and nowhere else; the zone purge API empties every PoP's; a version stamp kept in KV and used in the cache key moves every PoP to the new page once KV gives it the new stamp, usually within a cacheTtl.",
		Params: []Param{
			intParam("pops", "4", "2", "8", "PoPs serving the page"),
			intParam("purge_at", "0", "0", "7", "which of those PoPs (0 = the first) runs the purge or the stamp bump"),
			durParam("max_age", "5m0s", "1m0s", "1h0m0s", "Cache-Control: max-age of the cached page"),
			durParam("cache_ttl", "60s", "30s", "300s", "cacheTtl of the version stamp read (version-stamp variant)"),
			durParam("publish_at", "30s", "5s", "120s", "when the new page is deployed to the origin and the purge or bump runs"),
			durParam("view_every", "20s", "2s", "60s", "each PoP serves a page view about this often"),
		},
		Variants: []Variant{
			{ID: "purge", Title: "Cache API purge", Help: "the URL is the cache key; after the deploy one PoP runs cache.delete()"},
			{ID: "version-stamp", Title: "Version stamp in KV", Help: "the cache key carries a stamp read from KV; the deploy writes a new stamp"},
			{ID: "zone-purge", Title: "Zone purge API", Help: "the URL is the cache key; after the deploy the hook calls the zone purge API, which reaches every PoP"},
		},
		Source: Source{File: "cachepurge_worker.go", Code: cachePurgeWorkerSource},
		Emits:  kinds(requestKinds, cacheKinds, originKinds, kvKinds),
		Notes:  []string{"visitors", "deploy", "still-serves", "now-serves", "outcome"},
		run:    runCachePurge,
		check:  checkCachePurge,
	}
}

// checkCachePurge makes sure the purging PoP is one of those serving.
func checkCachePurge(v Values) error {
	if n, at := v.Int("pops"), v.Int("purge_at"); at >= n {
		return fmt.Errorf("parameter purge_at=%d: expected a PoP index from 0 to %d (pops=%d)", at, n-1, n)
	}
	return nil
}

// popViews is what one PoP's visitors were served.
type popViews struct {
	cachedAt   time.Duration // when its first view answered (and cached) the page
	staleViews int           // views begun after publishing that got the old page
	newAfter   time.Duration // from publishing to the first view answered with the new page
	sawNew     bool
	fetches    int // origin fetches its views made
}

func runCachePurge(s *scenario) error {
	w, err := s.world(edge.Production, false)
	if err != nil {
		return err
	}
	n, at := s.p.Int("pops"), s.p.Int("purge_at") // checkCachePurge has run
	pops, err := pickPoPs(w, n, "LHR", "FRA", "NRT", "SYD", "IAD", "GRU", "SIN", "SJC")
	if err != nil {
		return err
	}
	maxAge, ttl := s.p.Duration("max_age"), s.p.Duration("cache_ttl")
	publishAt, every := s.p.Duration("publish_at"), s.p.Duration("view_every")
	stamped, zone := s.variant == "version-stamp", s.variant == "zone-purge"

	kv := w.KV("SITE")
	kv.Seed("page-version", "1") // before the first event: written long ago
	origin := w.Origin()
	versions := map[string]int64{oldPage: origin.SetContent(purgePage, oldPage)}
	worker := &pageWorker{cache: w.Cache().Binding(), origin: origin.Binding(), kv: kv.Binding(), maxAge: maxAge, cacheTTL: ttl}
	serve, publish, publishPath := worker.servePage, worker.purgePage, "/purge"+purgePage
	switch {
	case stamped:
		serve, publish, publishPath = worker.serveStamped, worker.bumpStamp, "/publish?v=2"
	case zone:
		publish, publishPath = worker.purgeEverywhere, "/purge-all"+purgePage
	}
	// The page's versions form a register: the history starts with v1,
	// published long ago, and every view is a read of it.
	w.History().Add(edge.Op{Kind: edge.OpPut, Key: purgePage, Value: 1, Found: true, Label: "published before the run"})

	stats := make([]popViews, n)
	reqPoP := map[int]int{}
	var published time.Duration = -1
	// Past max-age plus two views every copy cached before the deploy has
	// expired, whatever the variant: the run need not go further.
	deadline := publishAt + maxAge + 2*every
	jitter := w.Rand("viewers")

	var view func(i int, at time.Duration)
	view = func(i int, at time.Duration) {
		var r *edge.Request
		r = w.Request(at, pops[i], purgePage, serve, func(status int, body string) {
			p := &stats[i]
			v := versions[body]
			if p.cachedAt == 0 {
				p.cachedAt = w.Now()
			}
			w.History().Add(edge.Op{Client: 1000 + i, Kind: edge.OpGet, Key: purgePage, Value: v, Found: v != 0,
				Call: at, Return: w.Now(), Label: "view at " + w.Code(pops[i])})
			after := published >= 0 && at >= published
			code := w.Code(pops[i])
			switch {
			case after && body == newPage && !p.sawNew:
				p.sawNew, p.newAfter = true, w.Now()-published
				w.Annotate(edge.Event{Note: "now-serves", Actor: code, Req: r.ID, Value: body, Version: v},
					fmt.Sprintf("%s now serves the new page, %s after publishing", code, fmtDur(p.newAfter)))
			case after && body != newPage && !p.sawNew:
				p.staleViews++
				if p.staleViews == 1 {
					w.Annotate(edge.Event{Note: "still-serves", Actor: code, Req: r.ID, Value: body, Version: v},
						fmt.Sprintf("%s still serves the old page %s after publishing", code, fmtDur(w.Now()-published)))
				}
			}
			next := at + every + time.Duration(jitter.Int64N(int64(time.Second)))
			if !p.sawNew && next <= deadline {
				view(i, next)
			}
		})
		r.OnStart(func() { reqPoP[r.ID] = i })
	}
	w.Note("visitors", "visitors", fmt.Sprintf("visitors at %s view %s about every %s; the first view at each PoP fills its cache", plural(n, "PoP"), purgePage, fmtDur(every)))
	for i := range n {
		view(i, time.Second+time.Duration(i)*250*time.Millisecond)
	}
	w.At(publishAt, func() {
		v := origin.SetContent(purgePage, newPage)
		versions[newPage] = v
		what, label := "purges it from its own cache with cache.delete()", "deploy + purge at "
		switch {
		case stamped:
			what, label = "writes version stamp 2 to KV", "deploy + stamp at "
		case zone:
			what, label = "calls the zone purge API for it", "deploy + zone purge at "
		}
		w.Note(w.Code(pops[at]), "deploy", fmt.Sprintf("v2 of %s is deployed to the origin; the deploy hook at %s %s", purgePage, w.Code(pops[at]), what))
		w.Request(publishAt, pops[at], publishPath, publish, func(status int, body string) {
			if status != 200 {
				return
			}
			published = w.Now()
			w.History().Add(edge.Op{Client: 999, Kind: edge.OpPut, Key: purgePage, Value: v, Found: true,
				Call: publishAt, Return: published, Label: label + w.Code(pops[at])})
		})
	})
	w.Run()

	for _, ev := range w.Trace() {
		if i, ok := reqPoP[ev.Req]; ok && ev.Kind == edge.EvOriginFetch {
			stats[i].fetches++
		}
	}
	s.verdict = edge.CheckRegister(w.History().Ops())
	s.cachePurgeReport(w, pops, at, stats, published)
	return nil
}

func (s *scenario) cachePurgeReport(w *edge.World, pops []edge.PoPID, at int, stats []popViews, published time.Duration) {
	maxAge, ttl := s.p.Duration("max_age"), s.p.Duration("cache_ttl")
	stamped, zone := s.variant == "version-stamp", s.variant == "zone-purge"
	role, action := "purges", "purge"
	switch {
	case stamped:
		role, action = "bumps", "stamp write"
	case zone:
		role, action = "calls the zone purge", "zone purge"
	}
	// What the purge removed, from the trace: the one delete's outcome, or
	// the zone purge's copies removed PoP by PoP.
	deleted, zoneRemoved := false, 0
	for _, ev := range w.Trace() {
		switch {
		case ev.Kind == edge.EvCacheDelete && ev.Outcome == "deleted":
			deleted = true
		case ev.Kind == edge.EvCachePurge && ev.Outcome == "deleted":
			zoneRemoved++
		}
	}
	var stalePoPs, staleViews int
	var worst time.Duration
	worstPoP := ""
	converged := true
	t := Table{Title: "per PoP", Columns: []string{"PoP", "cached at", "old page views", "new page after", "origin fetches"}}
	for i, p := range stats {
		code := w.Code(pops[i])
		if i == at {
			code += " (" + role + ")"
		}
		if p.staleViews > 0 {
			stalePoPs++
			staleViews += p.staleViews
		}
		after := "never"
		if p.sawNew {
			after = fmtDur(p.newAfter)
			if p.newAfter > worst {
				worst, worstPoP = p.newAfter, w.Code(pops[i])
			}
		} else {
			converged = false
		}
		t.Rows = append(t.Rows, []string{code, fmtAt(p.cachedAt), strconv.Itoa(p.staleViews), after, strconv.Itoa(p.fetches)})
	}
	s.tables = append(s.tables, t)
	s.metric("PoPs stale after publishing", float64(stalePoPs), "count", true)
	s.metric("longest wait for the new page", secs(worst), "s", true)
	s.metric("old page views after publishing", float64(staleViews), "count", false)
	s.liveCount("origin fetches", EventFilter{Kind: edge.EvOriginFetch}, false)
	s.liveCount("cache hits", EventFilter{Kind: edge.EvCacheMatch, Outcome: "hit"}, false)
	s.liveCount("cache misses", EventFilter{Kind: edge.EvCacheMatch, Outcome: "miss"}, false)
	switch {
	case stamped:
		s.liveCount("version stamp writes", EventFilter{Kind: edge.EvKVPutDone, Outcome: "accepted"}, false)
		s.metric("cacheTtl of the stamp", secs(ttl), "s", false)
	case zone:
		s.liveCount("copies purged", EventFilter{Kind: edge.EvCachePurge, Outcome: "deleted"}, false)
	default:
		s.liveCount("copies purged", EventFilter{Kind: edge.EvCacheDelete, Outcome: "deleted"}, false)
	}
	s.metric("max-age of the page", secs(maxAge), "s", false)

	where := w.Code(pops[at])
	n := len(stats)
	var b strings.Builder
	switch {
	case published < 0:
		s.outcome = fmt.Sprintf("the %s at %s failed, so every PoP kept the old page", action, where)
		w.Note("check", "outcome", s.outcome)
		return
	case stamped && converged:
		fmt.Fprintf(&b, "the new stamp written at %s reached every PoP through KV", where)
	case stamped:
		fmt.Fprintf(&b, "the new stamp written at %s had not reached every PoP by the end", where)
	case zone:
		fmt.Fprintf(&b, "the zone purge called from %s removed the page from every PoP's cache (%s)", where, count(zoneRemoved, "copy", "copies"))
	case deleted:
		fmt.Fprintf(&b, "cache.delete() at %s emptied %s's cache and no other", where, where)
	default:
		fmt.Fprintf(&b, "cache.delete() at %s found no fresh copy there to remove, and touched no other PoP's cache", where)
	}
	switch {
	case stalePoPs == 0:
		b.WriteString("; no PoP served the old page after publishing")
	case stamped:
		fmt.Fprintf(&b, ": %d of %d PoPs served the old page until KV gave them the new stamp, at most %s later (%s: its cached stamp lived up to cacheTtl %s, and KV's replication adds a delay with no hard cap)",
			stalePoPs, n, fmtDur(worst), worstPoP, fmtDur(ttl))
	case zone:
		fmt.Fprintf(&b, ": %d of %d PoPs served the old page until the purge reached them, at most %s later (%s)",
			stalePoPs, n, fmtDur(worst), worstPoP)
	default:
		fmt.Fprintf(&b, ": %d of %d PoPs served the old page until their copy reached its max-age, up to %s (%s, max-age %s)",
			stalePoPs, n, fmtDur(worst), worstPoP, fmtDur(maxAge))
	}
	if converged {
		b.WriteString("; then every PoP served the new page")
	} else {
		b.WriteString("; some PoPs still served the old page when the run ended")
	}
	s.outcome = b.String()
	w.Note("check", "outcome", s.outcome)
}
