package advisor

import (
	"maps"
	"math"

	"github.com/kvdo/kvdo/content"
)

// Per-entity answers, all optional: a file without them means one key,
// one object, as version 1 of the answers file always did.
const (
	qEntities         = "entities"
	qReads            = "reads_per_s"
	qReadsPerKey      = "reads_per_s_per_key"
	qWritesPerKey     = "writes_per_s_per_key"
	qWrites           = "writes_per_s"
	qValueBytes       = "value_bytes"
	qStaleness        = "staleness_tolerance_s"
	qRYW              = "read_your_writes"
	qKeyedBy          = "keyed_by"
	qKind             = "kind"
	qWebSocket        = "websocket"
	qEntityLocal      = "entity_traffic_local"
	qRegions          = "reader_regions"
	qAtomic           = "atomic_update"
	qConcurrent       = "concurrent_writers"
	qExpires          = "expires"
	qBudget           = "read_latency_budget_ms"
	dKeyReads         = "key_reads_per_s"
	dTotalWrites      = "total_writes_per_s"
	dReadsPerWrite    = "reads_per_write"
	dKeyReadInterval  = "key_read_interval_s"
	dNamespaceBytes   = "namespace_bytes"
	defaultEntityOnly = 1
)

// derivation computes one derived quantity from the answers; ok is false
// when its inputs are unanswered or it has no value (no reads, no writes).
type derivation func(a Answers) (v float64, ok bool)

// derivations are the formulas behind the quantities rules.yaml declares;
// a test checks the two lists agree.
var derivations = map[string]derivation{
	dKeyReads: keyReads,
	dTotalWrites: func(a Answers) (float64, bool) {
		if w, ok := a[qWrites].(float64); ok {
			return w, true
		}
		w, ok := a[qWritesPerKey].(float64)
		return w * entities(a), ok
	},
	dReadsPerWrite: func(a Answers) (float64, bool) {
		r, ok := keyReads(a)
		w, _ := a[qWritesPerKey].(float64)
		if !ok || w <= 0 {
			return 0, false
		}
		return r / w, true
	},
	dKeyReadInterval: func(a Answers) (float64, bool) {
		r, ok := keyReads(a)
		if !ok || r <= 0 {
			return 0, false
		}
		return 1 / r, true
	},
	dNamespaceBytes: func(a Answers) (float64, bool) {
		b, ok := a[qValueBytes].(float64)
		return b * entities(a), ok
	},
}

// keyReads is the read rate of the busiest key: answered, or the total
// spread evenly over the keys.
func keyReads(a Answers) (float64, bool) {
	if r, ok := a[qReadsPerKey].(float64); ok {
		return r, true
	}
	r, ok := a[qReads].(float64)
	return r / entities(a), ok
}

// entities is the number of keys or objects the state splits into; one
// when unanswered.
func entities(a Answers) float64 {
	if e, ok := a[qEntities].(float64); ok && e >= 1 {
		return e
	}
	return defaultEntityOnly
}

// withDerived returns a copy of a with the pack's derived quantities
// added, which is what rules, warnings and advice conditions read.
func withDerived(pack *content.Pack, a Answers) Answers {
	out := make(Answers, len(a)+len(pack.Derived))
	maps.Copy(out, a)
	derive(pack, out)
	return out
}

// derive sets a's derived quantities from its answers, in place: each is
// set when its formula has a value, removed otherwise. Derived ids never
// collide with question ids (the loader checks), so no answer is lost.
func derive(pack *content.Pack, a Answers) {
	for _, d := range pack.Derived {
		f := derivations[d.ID]
		if f == nil {
			continue
		}
		if v, ok := f(a); ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			a[d.ID] = v
		} else {
			delete(a, d.ID)
		}
	}
}

// invert finds the value of question q that makes derived quantity d equal
// t, the other answers staying as they are: the flip search turns a rule's
// threshold on reads per key into one on reads_per_s, say. ok is false
// when q does not move d, or no value of q reaches t.
func invert(d, q string, t float64, a Answers) (float64, bool) {
	e := entities(a)
	_, perKeyAnswered := a[qReadsPerKey].(float64)
	reads, _ := a[qReads].(float64)
	kr, krOK := keyReads(a)
	w, _ := a[qWritesPerKey].(float64)
	vb, _ := a[qValueBytes].(float64)
	pos := func(v float64) (float64, bool) { return v, v > 0 && !math.IsInf(v, 0) && !math.IsNaN(v) }
	switch d {
	case dKeyReadInterval:
		if t <= 0 {
			return 0, false
		}
		return invert(dKeyReads, q, 1/t, a)
	case dKeyReads:
		switch {
		case q == qReadsPerKey && perKeyAnswered:
			return t, true
		case q == qReads && !perKeyAnswered:
			return t * e, true
		case q == qEntities && !perKeyAnswered && t > 0:
			return pos(math.Round(reads / t))
		}
	case dTotalWrites:
		_, totalAnswered := a[qWrites].(float64)
		switch {
		case q == qWrites && totalAnswered:
			return t, true
		case q == qWritesPerKey && !totalAnswered:
			return t / e, true
		case q == qEntities && !totalAnswered && w > 0:
			return pos(math.Round(t / w))
		}
	case dReadsPerWrite:
		switch {
		case q == qWritesPerKey && krOK && t > 0:
			return pos(kr / t)
		case w > 0 && (q == qReadsPerKey || q == qReads || q == qEntities):
			return invert(dKeyReads, q, t*w, a)
		}
	case dNamespaceBytes:
		switch {
		case q == qValueBytes:
			return math.Round(t / e), true
		case q == qEntities && vb > 0:
			return pos(math.Round(t / vb))
		}
	}
	return 0, false
}

// FormatAnswer prints an answer with its question's unit as records do:
// yes/no, 60 s, 6 kB, 1 write/s.
func FormatAnswer(unit string, v any) string { return content.FormatAnswer(unit, v) }
