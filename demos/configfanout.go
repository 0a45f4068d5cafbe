package demos

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/edge"
)

//go:embed configfanout_worker.go
var configFanoutWorkerSource string

// editStart is when the editors begin: after every reader PoP has cached
// the initial config, so the run shows cached copies going stale.
const editStart = 5 * time.Second

// fanoutGiveUp ends a run whose publishing never catches up, so a broken
// variant cannot read forever.
const fanoutGiveUp = 15 * time.Minute

func configFanoutDemo() Demo {
	return Demo{
		ID:      "config-fanout",
		Title:   "One writer, many readers: a config fanned out through KV",
		Teaches: "A Durable Object applies concurrent edits one at a time, with a changelog, and publishes the whole config to KV as one value: edge reads lag (usually by about a cacheTtl, with no hard cap), never mix two edits, and converge; KV Instant (beta) shrinks the lag to about a quarter of a second.",
		Params: []Param{
			intParam("writers", "3", "1", "8", "editors changing the config at the same time, each from its own PoP"),
			intParam("edits", "3", "1", "6", "edits each editor makes, one after another"),
			durParam("publish_every", "2s", "1s", "30s", "do-plus-kv: the DO publishes this long after the first unpublished edit; edits in between go out in the same KV write"),
			intParam("readers", "4", "1", "8", "PoPs reading the config"),
			durParam("read_every", "5s", "500ms", "10s", "each reader PoP reads the config about this often"),
			durParam("cache_ttl", "60s", "30s", "300s", "cacheTtl of every config read (KV's default 60s, minimum 30s)"),
		},
		Variants: []Variant{
			{ID: "do-plus-kv", Title: "DO writes, KV serves", Help: "edits go to one Durable Object, which commits each with a changelog entry and publishes the whole config as one KV value"},
			{ID: "kv-direct", Title: "Editors write KV directly", Help: "each editor's Worker reads the version from KV and writes version, flag and percent as three KV keys"},
			{ID: "do-plus-kv-instant", Title: "DO writes, KV Instant serves (beta)", Help: "as do-plus-kv, but the config lives in a KV Instant namespace (private beta since 2026-10-01): each publish is pushed to every PoP within about a quarter of a second"},
		},
		Source: Source{File: "configfanout_worker.go", Code: configFanoutWorkerSource},
		// Everything a KV run emits, plus the config's Durable Object.
		Emits: kinds(requestKinds, kvKinds, doKinds, doAlarmKinds, doLifeKinds),
		Notes: []string{"readers", "editors", "edit-failed", "edit-written", "edit-committed", "torn-read", "now-reads", "outcome"},
		run:   runConfigFanout,
	}
}

// fanoutEdit is one editor's edit and what became of it.
type fanoutEdit struct {
	id       string // "B2": editor B's second edit
	pop      edge.PoPID
	flag     string
	percent  int
	req      int
	call     time.Duration
	ret      time.Duration
	ok       bool
	version  int           // the version it was given
	commitAt time.Duration // do-plus-kv: when the DO's transaction became durable
}

// fanoutRead is one config read at a reader PoP.
type fanoutRead struct {
	pop      int
	req      int
	call     time.Duration
	ret      time.Duration
	cfg      flagConfig
	ok       bool
	torn     string   // why the config is not one the changelog holds; "" if it is
	stale    bool     // something newer had reached KV before the read began
	versions [3]int64 // kv-direct: the KV version of each field read
}

// fanoutChange is one change readers should eventually see: a DO commit
// (do-plus-kv) or an accepted field write (kv-direct).
type fanoutChange struct {
	at      time.Duration
	version int   // do-plus-kv: the config version committed
	field   int   // kv-direct: index into directFields
	kvVer   int64 // kv-direct: KV's version of that write
	value   string
}

// covers reports whether a read returned this change or a newer one.
func (c fanoutChange) covers(direct bool, rd *fanoutRead) bool {
	if !rd.ok {
		return false
	}
	if direct {
		return rd.versions[c.field] >= c.kvVer
	}
	return rd.cfg.Version >= c.version
}

// fanoutRun is the state of one run, shared by the driver and the report.
type fanoutRun struct {
	s       *scenario
	w       *edge.World
	direct  bool
	every   time.Duration
	ttl     time.Duration
	kv      *edge.KVNamespace
	do      *edge.DONamespace
	doID    edge.DOID
	editors []edge.PoPID
	readers []edge.PoPID
	edits   []*fanoutEdit
	reads   []*fanoutRead
	left    int           // edits not yet answered
	active  int           // reader PoPs still reading
	settled time.Duration // when edits were done and KV had the newest config; -1: not yet

	// What the trace shows so far, read as the run goes (scan) so that
	// notes can say what a read means when it happens.
	scanned   int
	editByReq map[int]*fanoutEdit
	readByReq map[int]*fanoutRead
	txVersion map[int]int     // do-plus-kv: the version each edit's transaction wrote
	changes   []fanoutChange  // in the order they happened
	publishes []fanoutChange  // do-plus-kv: accepted KV writes of the whole config
	latest    [3]fanoutChange // kv-direct: the newest accepted value of each field
	previous  []*fanoutRead   // each reader PoP's last successful read
}

func runConfigFanout(s *scenario) error {
	_, err := playConfigFanout(s)
	return err
}

// playConfigFanout runs the scenario and reports on it; it returns the
// run's state for tests that check the checks.
func playConfigFanout(s *scenario) (*fanoutRun, error) {
	w, err := s.world(edge.Production, false)
	if err != nil {
		return nil, err
	}
	writers, readers := s.p.Int("writers"), s.p.Int("readers")
	editors, err := pickPoPs(w, writers, "SJC", "LHR", "NRT", "FRA", "SIN", "IAD", "CDG", "GRU")
	if err != nil {
		return nil, err
	}
	readerPoPs, err := pickPoPs(w, readers, "LHR", "SYD", "GRU", "SIN", "FRA", "NRT", "JNB", "CDG")
	if err != nil {
		return nil, err
	}
	f := &fanoutRun{s: s, w: w, direct: s.variant == "kv-direct", every: s.p.Duration("publish_every"),
		ttl: s.p.Duration("cache_ttl"), kv: kvFor(w, s.variant), editors: editors, readers: readerPoPs, settled: -1,
		editByReq: map[int]*fanoutEdit{}, readByReq: map[int]*fanoutRead{}, txVersion: map[int]int{},
		previous: make([]*fanoutRead, readers)}
	worker := &fanoutWorker{kv: f.kv.Binding(), cacheTTL: f.ttl, random: w.Rand("worker")}
	edit, read := worker.editViaDO, worker.readConfig
	if f.direct {
		edit, read = worker.editDirect, worker.readDirect
		for i, v := range []string{"0@initial", initialConfig.Flag + "@initial", "0@initial"} {
			f.kv.Seed(directFields[i], v)
			// Until an edit's write is accepted, the seeded value is the
			// newest one.
			f.latest[i] = fanoutChange{field: i, kvVer: f.kv.Latest(directFields[i]), value: v}
		}
	} else {
		f.kv.Seed("config", initialConfig.encode())
		every := f.every
		f.do = w.DurableObjects("CONFIG_DO", edge.DOClass{Name: "ConfigObject",
			New: func(*edge.DOContext) edge.DOInstance { return &configObject{every: every} }})
		f.doID = f.do.IDFromName("config")
		// The object lives near the control plane, in eastern North
		// America, wherever the first editor happens to be.
		if worker.config, err = f.do.Get(f.doID, edge.DOGetOptions{LocationHint: "enam"}); err != nil {
			return nil, err
		}
	}

	var codes []string
	for _, p := range editors {
		codes = append(codes, w.Code(p))
	}
	var rcodes []string
	for _, p := range readerPoPs {
		rcodes = append(rcodes, w.Code(p))
	}
	w.Note("readers", "readers", fmt.Sprintf("%s (%s) read the checkout flag's config about every %s; each caches it for cacheTtl %s",
		plural(readers, "PoP"), strings.Join(rcodes, ", "), fmtDur(s.p.Duration("read_every")), fmtDur(f.ttl)))
	w.At(editStart, func() {
		how := "through the config's Durable Object"
		if f.direct {
			how = "straight into KV, one key per field"
		}
		w.Note("editors", "editors", fmt.Sprintf("%s at %s each make %s to the flag and its percentage, %s",
			plural(writers, "editor"), strings.Join(codes, ", "), plural(s.p.Int("edits"), "edit"), how))
	})
	f.startEditors(edit)
	f.startReaders(read)
	w.Run()
	f.report()
	return f, nil
}

// kvFor is the config's namespace: KV Instant (beta) for the instant
// variant, classic KV otherwise.
func kvFor(w *edge.World, variant string) *edge.KVNamespace {
	if variant == "do-plus-kv-instant" {
		return w.KVInstant("CONFIG")
	}
	return w.KV("CONFIG")
}

// startEditors schedules every editor's edits: each sends its next edit a
// moment after the previous one is answered.
func (f *fanoutRun) startEditors(h edge.Handler) {
	w := f.w
	n := f.s.p.Int("edits")
	f.left = len(f.editors) * n
	rnd := w.Rand("editors")
	for e, pop := range f.editors {
		k := 0
		var next func(at time.Duration)
		next = func(at time.Duration) {
			if k == n {
				return
			}
			k++
			ed := &fanoutEdit{id: string(rune('A'+e)) + strconv.Itoa(k), pop: pop, call: at,
				flag: []string{"on", "off"}[rnd.IntN(2)], percent: 5 * (1 + rnd.IntN(20))}
			f.edits = append(f.edits, ed)
			path := fmt.Sprintf("/edit?id=%s&flag=%s&percent=%d", ed.id, ed.flag, ed.percent)
			r := w.Request(at, pop, path, h, func(status int, body string) {
				ed.ret = w.Now()
				f.left--
				ed.ok = status == 200
				if ed.ok {
					if f.direct {
						ed.version, _ = strconv.Atoi(body)
					} else {
						c, _ := decodeConfig(body)
						ed.version = c.Version
					}
				}
				f.scan()
				f.noteEdit(ed, status, body)
				think := 200*time.Millisecond + time.Duration(rnd.Int64N(int64(time.Second)))
				next(w.Now() + think)
			})
			r.OnStart(func() {
				ed.req = r.ID
				f.editByReq[r.ID] = ed
			})
		}
		next(editStart + time.Duration(rnd.Int64N(int64(400*time.Millisecond))))
	}
}

func (f *fanoutRun) noteEdit(ed *fanoutEdit, status int, body string) {
	w := f.w
	code := w.Code(ed.pop)
	what := fmt.Sprintf("edit %s (flag %s, %d%%) from %s", ed.id, ed.flag, ed.percent, code)
	e := edge.Event{Actor: code, Req: ed.req, Value: ed.id, Version: int64(ed.version), Latency: ed.ret - ed.call}
	switch {
	case !ed.ok:
		e.Note = "edit-failed"
		w.Annotate(e, fmt.Sprintf("%s failed: %s", what, body))
	case f.direct:
		e.Note = "edit-written"
		w.Annotate(e, fmt.Sprintf("%s wrote its three keys as version %d, %s after it was sent", what, ed.version, fmtDur(ed.ret-ed.call)))
	default:
		e.Note = "edit-committed"
		w.Annotate(e, fmt.Sprintf("%s is changelog version %d, answered in %s", what, ed.version, fmtDur(ed.ret-ed.call)))
	}
}

// startReaders schedules each reader PoP's reads until a while after the
// last edit has reached KV: long enough for every cached copy to expire.
func (f *fanoutRun) startReaders(h edge.Handler) {
	w := f.w
	every := f.s.p.Duration("read_every")
	rnd := w.Rand("readers")
	f.active = len(f.readers)
	for i, pop := range f.readers {
		var next func(at time.Duration)
		next = func(at time.Duration) {
			rd := &fanoutRead{pop: i, call: at}
			f.reads = append(f.reads, rd)
			r := w.Request(at, pop, "/config", h, func(status int, body string) {
				rd.ret = w.Now()
				rd.ok = status == 200
				if rd.ok {
					f.parseRead(rd, body)
				}
				if rd.ok {
					f.scan()
					f.judge(rd)
				}
				if f.keepReading(every) {
					next(w.Now() + every - every/8 + time.Duration(rnd.Int64N(int64(every/4))))
					return
				}
				// The last reader is done: the story is over, even if the
				// DO's idle timer would evict it a minute from now.
				if f.active--; f.active == 0 {
					w.Stop()
				}
			})
			r.OnStart(func() {
				rd.req = r.ID
				f.readByReq[r.ID] = rd
			})
		}
		next(time.Second + time.Duration(i)*137*time.Millisecond)
	}
}

// keepReading reports whether readers should go on: until every edit is
// answered and published, then one cacheTtl and two reads more.
func (f *fanoutRun) keepReading(every time.Duration) bool {
	w := f.w
	if w.Now() > fanoutGiveUp {
		return false
	}
	if f.settled < 0 && f.left == 0 && f.published() {
		f.settled = w.Now()
	}
	return f.settled < 0 || w.Now() < f.settled+f.ttl+2*every
}

// published reports whether KV holds the DO's newest version (always, for
// kv-direct, once its writes are answered).
func (f *fanoutRun) published() bool {
	if f.direct {
		return true
	}
	v, _ := f.do.Stored(f.doID, "version")
	p, _ := f.do.Stored(f.doID, "published")
	return v == p
}

// parseRead turns a reader's answer into a config: for do-plus-kv the
// published JSON; for kv-direct the three tagged fields.
func (f *fanoutRun) parseRead(rd *fanoutRead, body string) {
	if !f.direct {
		c, err := decodeConfig(body)
		if err != nil {
			rd.ok = false
			return
		}
		rd.cfg = c
		return
	}
	parts := strings.Fields(body)
	if len(parts) != 3 {
		rd.ok = false
		return
	}
	var tags [3]string
	for i, p := range parts {
		v, tag, _ := strings.Cut(p, "@")
		tags[i] = tag
		switch i {
		case 0:
			rd.cfg.Version, _ = strconv.Atoi(v)
		case 1:
			rd.cfg.Flag = v
		case 2:
			rd.cfg.Percent, _ = strconv.Atoi(v)
		}
	}
	rd.cfg.Edit = tags[1]
	if tags[0] != tags[1] || tags[1] != tags[2] {
		rd.torn = fmt.Sprintf("version from %s, flag from %s, percent from %s", tags[0], tags[1], tags[2])
	}
}

// scan reads the trace events recorded since the last scan: DO commits,
// accepted KV writes, and the KV version each kv-direct field read got.
func (f *fanoutRun) scan() {
	trace := f.w.Trace()
	for _, ev := range trace[f.scanned:] {
		switch {
		case ev.Kind == edge.EvDOStorage && ev.Key == "config" && ev.Op == "put":
			c, _ := decodeConfig(ev.Value)
			f.txVersion[ev.Req] = c.Version
		case ev.Kind == edge.EvDOCommit && f.editByReq[ev.Req] != nil:
			f.editByReq[ev.Req].commitAt = ev.At
			f.changes = append(f.changes, fanoutChange{at: ev.At, version: f.txVersion[ev.Req]})
		case ev.Kind == edge.EvKVGetDone:
			if rd := f.readByReq[ev.Req]; f.direct && rd != nil {
				rd.versions[fieldIndex(ev.Key)] = ev.Version
			}
		case ev.Kind != edge.EvKVPutDone || ev.Outcome != "accepted":
			// Nothing else in the trace changes what readers should see.
		case ev.Key == "config":
			c, _ := decodeConfig(ev.Value)
			f.publishes = append(f.publishes, fanoutChange{at: ev.At, version: c.Version, value: ev.Value})
		default:
			c := fanoutChange{at: ev.At, field: fieldIndex(ev.Key), kvVer: ev.Version, value: ev.Value}
			f.changes = append(f.changes, c)
			if c.kvVer > f.latest[c.field].kvVer {
				f.latest[c.field] = c
			}
		}
	}
	f.scanned = len(trace)
}

func fieldIndex(key string) int {
	for i, k := range directFields {
		if k == key {
			return i
		}
	}
	return 0
}

// judge decides whether a read was torn or stale when it returns, and
// notes when what a PoP reads changes.
func (f *fanoutRun) judge(rd *fanoutRead) {
	w := f.w
	if !f.direct {
		want := initialConfig
		if rd.cfg.Version > 0 {
			e, ok := f.do.Stored(f.doID, logKey(rd.cfg.Version))
			if !ok {
				rd.torn = fmt.Sprintf("version %d is not in the changelog", rd.cfg.Version)
			}
			want, _ = decodeConfig(e)
		}
		if rd.torn == "" && want != rd.cfg {
			rd.torn = fmt.Sprintf("its fields differ from changelog version %d", rd.cfg.Version)
		}
		for _, p := range f.publishes {
			if p.at <= rd.call && rd.cfg.Version < p.version {
				rd.stale = true
			}
		}
	} else {
		for _, c := range f.changes {
			if c.at <= rd.call && rd.versions[c.field] < c.kvVer {
				rd.stale = true
			}
		}
	}
	prev := f.previous[rd.pop]
	f.previous[rd.pop] = rd
	if prev == nil || prev.cfg == rd.cfg {
		return
	}
	code := w.Code(f.readers[rd.pop])
	what := fmt.Sprintf("version %d (flag %s, %d%%)", rd.cfg.Version, rd.cfg.Flag, rd.cfg.Percent)
	e := edge.Event{Actor: code, Req: rd.req, Version: int64(rd.cfg.Version), Value: rd.cfg.Edit}
	switch {
	case rd.torn != "":
		e.Note = "torn-read"
		w.Annotate(e, fmt.Sprintf("%s reads a torn config, %s: %s", code, what, rd.torn))
	case f.direct:
		e.Note = "now-reads"
		w.Annotate(e, fmt.Sprintf("%s now reads %s, all three fields from edit %s", code, what, rd.cfg.Edit))
	default:
		var since time.Duration
		for _, c := range f.changes {
			if c.version == rd.cfg.Version {
				since = w.Now() - c.at
			}
		}
		e.Note, e.Latency = "now-reads", since
		w.Annotate(e, fmt.Sprintf("%s now reads %s, %s after the DO committed it", code, what, fmtDur(since)))
	}
}

// popSummary is what one reader PoP saw.
type popSummary struct {
	reads, stale, torn int
	window             time.Duration // longest wait for a change, or anything newer, to be read here
	windowOpen         bool          // some change was never read here
	finalAfter         time.Duration // from the final change to its first read here; -1: never
	converged          bool          // its last read was the final config
}

// isFinal reports whether a read returned what KV holds at the end.
func (f *fanoutRun) isFinal(rd *fanoutRead, finalVersion int) bool {
	if !rd.ok {
		return false
	}
	if !f.direct {
		return rd.cfg.Version == finalVersion
	}
	for i, c := range f.latest {
		if rd.versions[i] != c.kvVer {
			return false
		}
	}
	return true
}

func (f *fanoutRun) report() {
	w, s := f.w, f.s
	f.scan()

	// The final config: the DO's last version, or KV's newest field writes.
	finalVersion := 0
	entries := 0
	final := fanoutChange{at: -1}
	if f.direct {
		for _, c := range f.latest {
			if c.at > final.at {
				final = c
			}
		}
	} else {
		v, _ := f.do.Stored(f.doID, "version")
		finalVersion, _ = strconv.Atoi(v)
		for n := 1; n <= finalVersion; n++ {
			if _, ok := f.do.Stored(f.doID, logKey(n)); ok {
				entries++
			}
		}
		for _, c := range f.changes {
			if c.version == finalVersion {
				final = c
			}
		}
	}

	perPoP := make([][]*fanoutRead, len(f.readers))
	for _, rd := range f.reads {
		if rd.ok {
			perPoP[rd.pop] = append(perPoP[rd.pop], rd)
		}
	}
	pops := make([]popSummary, len(f.readers))
	var reads, stale, torn, converged int
	var worst time.Duration
	worstPoP := ""
	for i, rs := range perPoP {
		p := &pops[i]
		p.finalAfter = -1
		p.reads = len(rs)
		for _, rd := range rs {
			if rd.stale {
				p.stale++
			}
			if rd.torn != "" {
				p.torn++
			}
			if p.finalAfter < 0 && final.at >= 0 && rd.ret >= final.at && f.isFinal(rd, finalVersion) {
				p.finalAfter = rd.ret - final.at
			}
		}
		for _, c := range f.changes {
			seen := false
			for _, rd := range rs {
				if rd.ret >= c.at && c.covers(f.direct, rd) {
					p.window = max(p.window, rd.ret-c.at)
					seen = true
					break
				}
			}
			if !seen {
				p.windowOpen = true
				p.window = max(p.window, w.Now()-c.at)
			}
		}
		p.converged = len(rs) > 0 && f.isFinal(rs[len(rs)-1], finalVersion)
		if p.converged {
			converged++
		}
		if p.window > worst {
			worst, worstPoP = p.window, w.Code(f.readers[i])
		}
		reads += p.reads
		stale += p.stale
		torn += p.torn
	}

	t := Table{Title: "per reader PoP", Columns: []string{"PoP", "reads", "stale", "torn", "longest stale window", "final config after"}}
	for i, p := range pops {
		win := fmtDur(p.window)
		if p.windowOpen {
			win = "over " + win
		}
		after := "never"
		if p.finalAfter >= 0 {
			after = fmtDur(p.finalAfter)
		}
		t.Rows = append(t.Rows, []string{w.Code(f.readers[i]), strconv.Itoa(p.reads), strconv.Itoa(p.stale),
			strconv.Itoa(p.torn), win, after})
	}
	s.tables = append(s.tables, t)

	// The write path as a counter: each acknowledged edit took the next
	// version. Porcupine finds two edits given one version (a lost edit)
	// or a version skipped.
	var ops []edge.Op
	acked := 0
	versions := map[int]bool{}
	for _, ed := range f.edits {
		if !ed.ok {
			continue
		}
		acked++
		versions[ed.version] = true
		ops = append(ops, edge.Op{Client: ed.req, Kind: edge.OpIncr, Key: "config version", Value: int64(ed.version),
			Call: ed.call, Return: ed.ret, Label: "edit " + ed.id + " from " + w.Code(ed.pop)})
	}
	s.verdict = edge.CheckCounter(ops)
	// Say what was checked: the write path. The readers' lag is not a
	// linearizability question here; the table measures it.
	if s.verdict.Linearizable {
		s.verdict.Explanation = fmt.Sprintf("the %d acknowledged edits fit one real-time order in which each took the next version: none lost, none doubled (the readers' lag is measured in the table, not here)", len(ops))
	} else {
		s.verdict.Explanation += "; each editor took its version from the copy of config:version cached at its own PoP"
	}
	lost := acked - len(versions)

	s.liveCount("edits acknowledged", EventFilter{Kind: edge.EvRequestEnd, Outcome: "ok", Path: "/edit"}, false)
	if f.direct {
		s.metric("edits that reused a version", float64(lost), "count", true)
	} else {
		s.metric("changelog entries", float64(entries), "count", false)
		s.liveCount("publishes to KV", EventFilter{Kind: edge.EvKVPutDone, Outcome: "accepted"}, false)
	}
	if f.direct {
		s.liveCount("KV writes accepted", EventFilter{Kind: edge.EvKVPutDone, Outcome: "accepted"}, false)
	}
	s.liveCount("KV writes refused (429)", EventFilter{Kind: edge.EvKVPutDone, Outcome: "429"}, f.direct)
	s.liveCount("config reads", EventFilter{Kind: edge.EvRequestEnd, Outcome: "ok", Path: "/config"}, false)
	s.metric("stale reads", float64(stale), "count", false)
	s.metric("torn reads", float64(torn), "count", true)
	s.metric("longest stale window", secs(worst), "s", true)
	s.metric("PoPs on the final config", float64(converged), "count", false)
	s.metric("cacheTtl", secs(f.ttl), "s", false)

	s.outcome = f.outcome(pops, acked, lost, entries, finalVersion, stale, torn, converged, worst, worstPoP)
	w.Note("check", "outcome", s.outcome)
}

func (f *fanoutRun) outcome(pops []popSummary, acked, lost, entries, finalVersion int,
	stale, torn, converged int, worst time.Duration, worstPoP string) string {
	w := f.w
	var b strings.Builder
	refused := 0
	for _, ev := range w.Trace() {
		if ev.Kind == edge.EvKVPutDone && ev.Outcome == "429" {
			refused++
		}
	}
	n := len(pops)
	edits := fmt.Sprintf("all %d edits", len(f.edits))
	if acked < len(f.edits) {
		edits = fmt.Sprintf("%d of %d edits", acked, len(f.edits))
	}
	if !f.direct {
		versions := fmt.Sprintf("changelog versions 1 to %d", finalVersion)
		if finalVersion == 1 {
			versions = "changelog version 1"
		}
		fmt.Fprintf(&b, "the DO applied %s atomically, as %s, and published them in %s", edits, versions, plural(len(f.publishes), "KV write"))
		if entries != finalVersion {
			fmt.Fprintf(&b, " (yet the changelog holds %d entries)", entries)
		}
		if refused > 0 {
			fmt.Fprintf(&b, " (%s refused with 429, then retried)", plural(refused, "write"))
		}
		if stale > 0 {
			fmt.Fprintf(&b, "; readers lagged for at most %s after a commit (%s; publish every %s, cacheTtl %s)",
				fmtDur(worst), worstPoP, fmtDur(f.every), fmtDur(f.ttl))
		} else {
			b.WriteString("; no reader read a config older than KV's")
		}
	} else {
		fmt.Fprintf(&b, "%s got their three keys into KV, with %s refused by 429 on the way", edits, plural(refused, "write"))
		if lost > 0 {
			fmt.Fprintf(&b, "; read-add-write gave them only %s, so %d reused a version another edit had taken",
				plural(acked-lost, "distinct version"), lost)
		}
		fmt.Fprintf(&b, "; readers lagged for up to %s (%s)", fmtDur(worst), worstPoP)
	}
	switch {
	case torn == 0:
		b.WriteString(", and none read a torn config")
	default:
		fmt.Fprintf(&b, ", and %s read a mix of fields from different edits (%d torn reads)", plural(tornPoPs(pops), "PoP"), torn)
	}
	finalTorn := ""
	if f.direct {
		var tags [3]string
		for i, c := range f.latest {
			_, tags[i], _ = strings.Cut(c.value, "@")
		}
		if tags[0] != tags[1] || tags[1] != tags[2] {
			finalTorn = fmt.Sprintf("version from %s, flag from %s, percent from %s", tags[0], tags[1], tags[2])
		}
	}
	switch {
	case converged == n && finalTorn != "":
		fmt.Fprintf(&b, "; every PoP converged, on a config no editor wrote (%s)", finalTorn)
	case converged == n && !f.direct:
		fmt.Fprintf(&b, "; every PoP converged on version %d", finalVersion)
	case converged == n:
		b.WriteString("; every PoP converged")
	default:
		fmt.Fprintf(&b, "; only %d of %d PoPs were on the final config at the end", converged, n)
	}
	return b.String()
}

func tornPoPs(pops []popSummary) int {
	n := 0
	for _, p := range pops {
		if p.torn > 0 {
			n++
		}
	}
	return n
}
