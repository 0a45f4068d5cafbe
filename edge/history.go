package edge

import (
	"fmt"
	"sort"
	"time"

	"github.com/anishathalye/porcupine"
)

// OpKind is the kind of a recorded operation.
type OpKind string

// Operation kinds.
const (
	OpGet  OpKind = "get"  // Value is the version read; Found false: not found
	OpPut  OpKind = "put"  // Value is the version written (Found false: a delete)
	OpIncr OpKind = "incr" // an increment; Value is the counter it returned
)

// Op is one completed operation as a client saw it: what it did and the
// virtual-time interval during which it was in flight.
type Op struct {
	Client int           `json:"client"`
	Kind   OpKind        `json:"kind"`
	Key    string        `json:"key"`
	Value  int64         `json:"value"`
	Found  bool          `json:"found"`
	Call   time.Duration `json:"call_ns"`
	Return time.Duration `json:"return_ns"`
	Label  string        `json:"label,omitempty"`
}

// String writes the operation as a verdict's witness: what it did and
// when it was in flight, in the timeline's format ("+10.00 s to +10.01 s").
func (o Op) String() string {
	span := FormatAt(o.Call) + " to " + FormatAt(o.Return)
	switch o.Kind {
	case OpGet:
		if !o.Found {
			return fmt.Sprintf("get %s -> not found (%s, %s)", o.Key, o.Label, span)
		}
		return fmt.Sprintf("get %s -> v%d (%s, %s)", o.Key, o.Value, o.Label, span)
	case OpPut:
		return fmt.Sprintf("put %s = v%d (%s, %s)", o.Key, o.Value, o.Label, span)
	}
	return fmt.Sprintf("incr %s -> %d (%s, %s)", o.Key, o.Value, o.Label, span)
}

// History is an append-only record of completed operations.
type History struct{ ops []Op }

// Add records a completed operation.
func (h *History) Add(op Op) { h.ops = append(h.ops, op) }

// Ops returns the recorded operations in completion order.
func (h *History) Ops() []Op { return h.ops }

// Len is the number of recorded operations.
func (h *History) Len() int { return len(h.ops) }

// Verdict is the result of a linearizability check.
type Verdict struct {
	Model        string `json:"model"` // register | counter
	Linearizable bool   `json:"linearizable"`
	Checked      int    `json:"checked"`
	Explanation  string `json:"explanation"`
	Witness      []Op   `json:"witness,omitempty"` // operations that prove a violation, by call time
}

type regState struct {
	v     int64
	found bool
}

var registerModel = porcupine.Model{
	Init: func() any { return regState{} },
	Step: func(state, input, output any) (bool, any) {
		s, in, out := state.(regState), input.(Op), output.(Op)
		if in.Kind == OpPut {
			return true, regState{v: in.Value, found: in.Found}
		}
		if !s.found {
			return !out.Found, s
		}
		return out.Found && out.Value == s.v, s
	},
}

var counterModel = porcupine.Model{
	Init: func() any { return int64(0) },
	Step: func(state, input, output any) (bool, any) {
		s, in, out := state.(int64), input.(Op), output.(Op)
		switch in.Kind {
		case OpIncr:
			return out.Value == s+1, s + 1
		case OpPut:
			return true, in.Value
		}
		return (out.Found && out.Value == s) || (!out.Found && s == 0), s
	},
}

// CheckRegister checks that every key behaves as a linearizable register:
// each get returns the value of the latest put (not found before any).
func CheckRegister(ops []Op) Verdict {
	return check("register", registerModel, ops, registerWitness)
}

// CheckCounter checks that every key behaves as a linearizable counter:
// each incr returns the previous value plus one, each get the current value.
func CheckCounter(ops []Op) Verdict {
	return check("counter", counterModel, ops, counterWitness)
}

func check(model string, m porcupine.Model, ops []Op, witness func([]Op) ([]Op, string)) Verdict {
	byKey := map[string][]Op{}
	var keys []string
	for _, o := range ops {
		if _, ok := byKey[o.Key]; !ok {
			keys = append(keys, o.Key)
		}
		byKey[o.Key] = append(byKey[o.Key], o)
	}
	sort.Strings(keys)
	v := Verdict{Model: model, Linearizable: true, Checked: len(ops)}
	for _, k := range keys {
		kops := byKey[k]
		hist := make([]porcupine.Operation, len(kops))
		for i, o := range kops {
			hist[i] = porcupine.Operation{ClientId: o.Client, Input: o, Output: o,
				Call: int64(o.Call), Return: int64(o.Return)}
		}
		if porcupine.CheckOperations(m, hist) {
			continue
		}
		v.Linearizable = false
		v.Witness, v.Explanation = witness(sortByCall(kops))
		return v
	}
	v.Explanation = fmt.Sprintf("all %d operations fit a single order that respects real time (%s model)", len(ops), model)
	return v
}

func sortByCall(ops []Op) []Op {
	out := append([]Op(nil), ops...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Call < out[j].Call })
	return out
}

// counterWitness finds two increments that returned the same value: the
// plainest proof that one update was lost.
func counterWitness(ops []Op) ([]Op, string) {
	seen := map[int64]Op{}
	for _, o := range ops {
		if o.Kind != OpIncr {
			continue
		}
		if p, ok := seen[o.Value]; ok {
			return []Op{p, o}, fmt.Sprintf("two increments of %s both returned %d (%s; %s): one update was lost", o.Key, o.Value, p.Label, o.Label)
		}
		seen[o.Value] = o
	}
	// Otherwise: a read that came back lower than a completed increment.
	for _, g := range ops {
		if g.Kind != OpGet {
			continue
		}
		for _, i := range ops {
			if i.Kind == OpIncr && i.Return < g.Call && g.Value < i.Value {
				return []Op{i, g}, fmt.Sprintf("a read of %s returned %d after an increment had already returned %d: updates were lost", g.Key, g.Value, i.Value)
			}
		}
	}
	return firstOps(ops), fmt.Sprintf("no order of the operations on %s is consistent with a counter", keyOf(ops))
}

// registerWitness finds a read that returned an older value than a write
// that had completed before the read began.
func registerWitness(ops []Op) ([]Op, string) {
	for _, g := range ops {
		if g.Kind != OpGet {
			continue
		}
		for _, p := range ops {
			if p.Kind != OpPut || p.Return >= g.Call || (g.Found && p.Found && p.Value == g.Value) {
				continue
			}
			// p completed before g started. g is stale if what it read was
			// written before p began (or never written).
			var src *Op
			for i := range ops {
				if ops[i].Kind == OpPut && ops[i].Value == g.Value && ops[i].Found == g.Found {
					src = &ops[i]
				}
			}
			if src == nil && g.Found {
				continue // read a value written before the history began
			}
			if src != nil && src.Return >= p.Call {
				continue // the two writes overlapped: either order is allowed
			}
			w := []Op{p, g}
			if src != nil {
				w = []Op{*src, p, g}
			}
			what := "not found"
			if g.Found {
				what = fmt.Sprintf("v%d", g.Value)
			}
			return sortByCall(w), fmt.Sprintf("a read of %s (%s) returned %s although a write of v%d (%s) had completed before it began: a stale read",
				g.Key, g.Label, what, p.Value, p.Label)
		}
	}
	return firstOps(ops), fmt.Sprintf("no order of the operations on %s is consistent with a register", keyOf(ops))
}

func firstOps(ops []Op) []Op {
	return append([]Op(nil), ops[:min(len(ops), 3)]...)
}

func keyOf(ops []Op) string {
	if len(ops) == 0 {
		return ""
	}
	return ops[0].Key
}
