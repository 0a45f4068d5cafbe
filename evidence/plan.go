package evidence

import (
	"fmt"
	"math"
	"time"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/edge"
)

// Answer ids the replay reads. They are fixed by the answers file format
// (version 1), so spelling them here is reading a public format.
const (
	qReads       = "reads_per_s"
	qReadsPerKey = "reads_per_s_per_key"
	qWrites      = "writes_per_s"
	qWritesKey   = "writes_per_s_per_key"
	qEntities    = "entities"
	qRegions     = "reader_regions"
	qLocal       = "entity_traffic_local"
	qTolerance   = "staleness_tolerance_s"
	qBudget      = "read_latency_budget_ms"
	qAtomic      = "atomic_update"
	qRYW         = "read_your_writes"
	qConcurrent  = "concurrent_writers"
	qValueBytes  = "value_bytes"
	qWebSocket   = "websocket"
)

// maxTypicalKeys bounds the sample of typical keys: beyond a few thousand
// the sample's figures no longer move, only its memory does.
const maxTypicalKeys = 4096

// fewRegions is how many regions "few" reader regions means: kvdo's
// reading of the answer, said in the workload's notes.
const fewRegions = 3

// class is one kind of key: the busiest key (hot) or a typical one.
type class struct {
	keys   int     // simulated
	weight float64 // real keys per simulated key
	reads  float64 // per key per second, as answered
	writes float64
}

// plan is an item's workload, shared by every option so that they are
// measured on the same traffic.
type plan struct {
	pack     *content.Pack
	cfg      Config
	item     string
	workload Workload
	scaling  Scaling

	tol, budgetMs       float64
	hasTol, hasBudget   bool
	atomic, ryw, concur bool
	local               bool
	valueBytes          float64
	regions             []string
	regionPoPs          [][]edge.PoPID // reader PoPs of each region in regions
	readers             []edge.PoPID   // every reader PoP
	popRegion           []int          // region index of each PoP, -1 when it reads nothing
	hot, typ            class
	kvTTL               time.Duration
	kvWindow            float64
	hotWritesPlaced     bool // the busiest key's writes are spread evenly, not Poisson
	hotWriteNote        string
}

func number(a advisor.Answers, id string) (float64, bool) {
	f, ok := a[id].(float64)
	return f, ok
}

func newPlan(pack *content.Pack, item advisor.Item, cfg Config) *plan {
	a := item.Answers
	p := &plan{pack: pack, cfg: cfg, item: item.Name}
	p.tol, p.hasTol = number(a, qTolerance)
	p.budgetMs, p.hasBudget = number(a, qBudget)
	p.atomic, p.ryw, p.concur = a[qAtomic] == true, a[qRYW] == true, a[qConcurrent] == true
	p.local = a[qLocal] == true
	p.valueBytes, _ = number(a, qValueBytes)
	p.kvWindow = factOr(pack, "kv-propagation-s", 60)
	p.kvTTL = time.Duration(kvCacheTTL(pack, a)) * time.Second

	reads, _ := number(a, qReads)
	e := 1.0
	if v, ok := number(a, qEntities); ok && v >= 1 {
		e = math.Floor(v)
	}
	keyReads := reads / e
	if v, ok := number(a, qReadsPerKey); ok {
		keyReads = math.Min(v, reads) // the busiest key cannot read more than all keys
	}
	keyWrites, _ := number(a, qWritesKey)
	writes := keyWrites * e
	if v, ok := number(a, qWrites); ok {
		writes = v
		keyWrites = math.Min(keyWrites, writes)
	}
	p.hot = class{keys: 1, weight: 1, reads: keyReads, writes: keyWrites}
	if e > 1 {
		rest := e - 1
		p.typ = class{reads: math.Max(0, reads-keyReads) / rest, writes: math.Max(0, writes-keyWrites) / rest}
		// As many typical keys as half the budget allows at their own
		// rates, so each simulated key sees its real traffic.
		per := (p.typ.reads + p.typ.writes*(1+b2f(p.ryw))) * cfg.Duration.Seconds()
		n := float64(maxTypicalKeys)
		if per > 0 {
			n = math.Floor(float64(cfg.Budget) / 2 / per)
		}
		n = math.Max(1, math.Min(n, math.Min(rest, maxTypicalKeys)))
		p.typ.keys = int(n)
		p.typ.weight = rest / n
	}
	p.placeReaders(a)

	w := &p.workload
	w.ReadsPerS, w.WritesPerS, w.Keys = reads, writes, int(e)
	w.KeyReadsPerS, w.KeyWritesPerS = keyReads, keyWrites
	w.ReaderRegions = append([]string{}, p.regions...)
	w.ReaderPoPs = []string{}
	for _, id := range p.readers {
		w.ReaderPoPs = append(w.ReaderPoPs, cfg.Topology.PoPs[id].Code)
	}
	w.EntityLocal = p.local
	w.AtomicUpdate, w.ReadYourWrites = p.atomic, p.ryw
	if p.hasTol {
		t := p.tol
		w.ToleranceS = &t
	}
	if p.hasBudget {
		b := p.budgetMs
		w.LatencyBudgetMs = &b
	}
	w.Notes = []string{}
	switch {
	case p.concur:
		w.Writers = "writers at every reader PoP of a key, at once"
	case p.local && len(p.regions) > 1:
		w.Writers = "one writer per key, at the first PoP of the key's region"
	default:
		w.Writers = "one writer per key, at " + cfg.Topology.PoPs[p.readers[0]].Code
	}
	if p.atomic {
		w.Writers += "; each write is a read-modify-write (an increment)"
	} else {
		w.Writers += "; each write replaces the value"
	}
	if p.ryw {
		w.Writers += ", then reads it back at once"
	}
	if a[qRegions] == "few" {
		w.Notes = append(w.Notes, fmt.Sprintf("\"few\" reader regions replayed as the first %d regions of the topology", fewRegions))
	}
	if a[qWebSocket] == true {
		w.Notes = append(w.Notes, "WebSocket messages replayed as requests")
	}
	if p.valueBytes > 1<<20 {
		w.Notes = append(w.Notes, "the time to move large values over the network is not simulated")
	}
	w.Notes = append(w.Notes, "readers spread evenly over their PoPs; arrivals are Poisson")
	// A key written less than a few times in the window would, as Poisson
	// arrivals, often not be written at all, and then nothing propagates:
	// its writes are spread evenly instead, at least one.
	if n := keyWrites * cfg.Duration.Seconds(); keyWrites > 0 && n < 5 {
		p.hotWritesPlaced = true
		placed := math.Max(1, math.Round(n))
		p.hotWriteNote = fmt.Sprintf("the busiest key's %s writes/s make %s writes in the window: %s spread evenly in it", num(keyWrites), num(n), count(placed, "write", "writes"))
		w.Notes = append(w.Notes, p.hotWriteNote)
	}

	s := &p.scaling
	s.Keys = int(e)
	s.KeysSimulated = p.hot.keys + p.typ.keys
	s.KeyWeight = 1
	if p.typ.keys > 0 {
		s.KeyWeight = p.typ.weight
	}
	s.Scaled = s.KeysSimulated < s.Keys
	if s.Scaled {
		s.Note = fmt.Sprintf("%s of %s keys simulated: the busiest key, and %s typical keys each standing for %s; their counts are multiplied by that",
			num(float64(s.KeysSimulated)), num(e), num(float64(p.typ.keys)), num(round(p.typ.weight, 2)))
	} else {
		s.Note = "every key simulated"
	}
	return p
}

// placeReaders picks the reader regions and PoPs: one region, the first
// few, or every region of the topology, in the topology's order (its
// first PoP is where a single writer sits).
func (p *plan) placeReaders(a advisor.Answers) {
	pops := p.cfg.Topology.PoPs
	var order []string
	seen := map[string]bool{}
	for _, pp := range pops {
		if !seen[pp.Region] {
			seen[pp.Region] = true
			order = append(order, pp.Region)
		}
	}
	n := len(order)
	switch a[qRegions] {
	case "one":
		n = 1
	case "few":
		n = min(fewRegions, n)
	}
	p.regions = order[:n]
	p.regionPoPs = make([][]edge.PoPID, n)
	p.popRegion = make([]int, len(pops))
	for i, pp := range pops {
		p.popRegion[i] = -1
		for r, name := range p.regions {
			if pp.Region == name {
				p.popRegion[i] = r
				p.regionPoPs[r] = append(p.regionPoPs[r], edge.PoPID(i))
				p.readers = append(p.readers, edge.PoPID(i))
			}
		}
	}
}

// keyPoPs are where key i (0: the busiest) is read from: every reader PoP,
// or with per-entity local traffic the PoPs of one region, keys taking
// the regions in turn.
func (p *plan) keyPoPs(i int) []edge.PoPID {
	if !p.local || len(p.regions) == 1 {
		return p.readers
	}
	return p.regionPoPs[i%len(p.regions)]
}

// kvCacheTTL is the cacheTtl reads use, the rule the advisor's sketches
// follow: KV's default when readers accept that much, less when they
// accept less, never below KV's minimum.
func kvCacheTTL(pack *content.Pack, a advisor.Answers) float64 {
	def := factOr(pack, "kv-cachettl-default-s", 60)
	floor := factOr(pack, "kv-cachettl-min-s", 30)
	tol, ok := number(a, qTolerance)
	if !ok {
		return def
	}
	return math.Max(floor, math.Min(def, math.Floor(tol)))
}

func factOr(pack *content.Pack, id string, def float64) float64 {
	if f := pack.Fact(id); f != nil && f.Value != nil {
		return *f.Value
	}
	return def
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
