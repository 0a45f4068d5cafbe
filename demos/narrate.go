package demos

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/edge"
)

// LoadNarration loads narration.yaml from a content pack and checks it
// against the demos: every demo id exists, every caption's kind is one its
// demo can emit, every variant matcher names a variant of that demo.
func LoadNarration(fsys fs.FS) (content.Narration, error) {
	n, err := content.LoadNarration(fsys)
	if err != nil {
		return content.Narration{}, err
	}
	return n, CheckNarration(n)
}

// DefaultNarration is the embedded narration, checked against the demos.
func DefaultNarration() (content.Narration, error) {
	n, err := content.DefaultNarration()
	if err != nil {
		return content.Narration{}, err
	}
	return n, CheckNarration(n)
}

// CheckNarration reports the first caption that could never fire, with its
// file:line:col.
func CheckNarration(n content.Narration) error {
	for _, id := range sortedKeys(n.Demos) {
		d, err := Get(id)
		if err != nil {
			p := n.DemoPos[id]
			return fmt.Errorf("%s:%d:%d: %v", n.File, p.Line, p.Col, err)
		}
		for _, c := range n.Demos[id] {
			if !d.emits(edge.EventKind(c.On)) {
				var kinds []string
				for _, k := range d.Emits {
					kinds = append(kinds, string(k))
				}
				return fmt.Errorf("%s:%d:%d: demo %s never emits %q: expected one of %s",
					n.File, c.OnPos.Line, c.OnPos.Col, id, c.On, strings.Join(kinds, ", "))
			}
			if _, ok := d.Conditions[c.When]; c.When != "" && !ok {
				return fmt.Errorf("%s:%d:%d: demo %s has no condition %q: expected one of %s",
					n.File, c.Pos.Line, c.Pos.Col, id, c.When, strings.Join(sortedKeys(d.Conditions), ", "))
			}
			if c.Note != "" && !d.makesNote(c.Note) {
				return fmt.Errorf("%s:%d:%d: demo %s never makes a note %q: expected one of %s",
					n.File, c.Pos.Line, c.Pos.Col, id, c.Note, strings.Join(d.Notes, ", "))
			}
			if err := checkMatchers(c); err != nil {
				return fmt.Errorf("%s:%d:%d: demo %s: %v", n.File, c.OnPos.Line, c.OnPos.Col, id, err)
			}
			if c.Variant != "" {
				if _, err := d.ResolveVariant(c.Variant); err != nil {
					return fmt.Errorf("%s:%d:%d: %v", n.File, c.VarPos.Line, c.VarPos.Col, err)
				}
			}
		}
	}
	return nil
}

// eventOutcomes lists the outcomes, and eventTiers the tiers, that events
// of a kind can carry: a caption asking for any other could never fire.
// Kinds not listed are not checked.
var eventOutcomes = map[edge.EventKind][]string{
	edge.EvKVGet:       {"hit", "miss", "local", "error"},
	edge.EvKVGetDone:   {"fresh", "stale", "not-found"},
	edge.EvKVFill:      {"found", "not-found"},
	edge.EvKVPutDone:   {"accepted", "429", "error"},
	edge.EvDOPlace:     {"nearest", "hint"},
	edge.EvDOGate:      {"input-closed", "input-open", "output-held", "output-released"},
	edge.EvDOStorage:   {"found", "not-found", "committed", "rolled-back"},
	edge.EvDOAlarm:     {"ok", "retry", "gave-up", "replaced"},
	edge.EvDOEvict:     {"idle", "reset", "pending-limit"},
	edge.EvKVExpired:   {"cache-ttl", "expiration"},
	edge.EvDOOverload:  {"503"},
	edge.EvDOFinish:    {"ok", "429", "client-error", "error"},
	edge.EvRequestEnd:  {"ok", "429", "client-error", "error"},
	edge.EvOriginFetch: {"ok", "429", "client-error", "error"},
	edge.EvCacheMatch:  {"hit", "miss"},
	edge.EvCachePut:    {"stored", "skipped"},
	edge.EvCacheDelete: {"deleted", "absent"},
}

// eventOps lists the operations events of a kind can carry.
var eventOps = map[edge.EventKind][]string{
	edge.EvSend: {edge.MsgKVRead, edge.MsgKVValue, edge.MsgKVWrite, edge.MsgKVAck, edge.MsgKVReject, edge.MsgKVReplicate,
		edge.MsgKVList, edge.MsgKVKeys, edge.MsgDOFetch, edge.MsgDOResponse, edge.MsgOriginFetch, edge.MsgOriginReply},
	edge.EvDOStorage:   {"get", "put", "delete", "transaction", "setAlarm", "deleteAlarm"},
	edge.EvKVPut:       {"put", "delete"},
	edge.EvKVPutDone:   {"put", "delete"},
	edge.EvKVCommit:    {"put", "delete"},
	edge.EvKVReplicate: {"put", "delete"},
	edge.EvDOStart:     {"fetch", "alarm"},
	edge.EvDOResume: {edge.ResumeStorage, edge.ResumeKVGet, edge.ResumeKVPut, edge.ResumeFetch, edge.ResumeOrigin,
		edge.ResumeTimer},
	edge.EvDOGate: {edge.ResumeStorage, "blockConcurrencyWhile"},
	edge.EvKVFill: {"write", "revalidate", "push"},
}

func init() { eventOps[edge.EvArrive] = eventOps[edge.EvSend] }

var eventTiers = map[edge.EventKind][]string{
	edge.EvKVGetDone:   {"hit", "tier", "central", "local"},
	edge.EvKVFill:      {"pop", "tier"},
	edge.EvKVCommit:    {"central", "local"},
	edge.EvKVShorten:   {"pop", "tier"},
	edge.EvKVFillKept:  {"pop", "tier"},
	edge.EvKVReplicate: {"central"},
}

// checkMatchers rejects an outcome or tier matcher no event of the
// caption's kind can carry.
func checkMatchers(c content.NarrationCaption) error {
	k := edge.EventKind(c.On)
	check := func(what, got string, table map[edge.EventKind][]string) error {
		if got == "" {
			return nil
		}
		valid, known := table[k]
		if !known && what == "tier" {
			return fmt.Errorf("%s %q: %s events carry no tier", what, got, k)
		}
		if !known {
			return nil
		}
		for _, v := range valid {
			if v == got {
				return nil
			}
		}
		return fmt.Errorf("%s %q never occurs on %s: expected one of %s", what, got, k, strings.Join(valid, ", "))
	}
	if err := check("outcome", c.Outcome, eventOutcomes); err != nil {
		return err
	}
	if c.Note != "" && k != edge.EvNote {
		return fmt.Errorf("note %q: only notes have an id; expected on: note", c.Note)
	}
	if _, known := eventOps[k]; c.Op != "" && !known {
		return fmt.Errorf("op %q: %s events carry no operation", c.Op, k)
	}
	if err := check("op", c.Op, eventOps); err != nil {
		return err
	}
	return check("tier", c.Tier, eventTiers)
}

func (d Demo) makesNote(id string) bool {
	for _, n := range d.Notes {
		if n == id {
			return true
		}
	}
	return false
}

func (d Demo) emits(k edge.EventKind) bool {
	for _, e := range d.Emits {
		if e == k {
			return true
		}
	}
	return false
}

// narrate attaches captions to trace events: for each event, the first
// caption in file order whose matchers all hold, and whose condition, if
// it names one, holds on the trace.
func narrate(d Demo, variant string, caps []content.NarrationCaption, trace []edge.Event) []Caption {
	out := []Caption{}
	fired := make([]bool, len(caps))
	// The captions that wait on each kind of event, in their order: most
	// events have none, and an Event is too large to copy per caption.
	byKind := map[edge.EventKind][]int{}
	for i := range caps {
		k := edge.EventKind(caps[i].On)
		byKind[k] = append(byKind[k], i)
	}
	for j := range trace {
		ev := &trace[j]
		for _, i := range byKind[ev.Kind] {
			c := &caps[i]
			if c.Once && fired[i] {
				continue
			}
			if !captionMatches(c, variant, ev) {
				continue
			}
			if cond := d.Conditions[c.When]; c.When != "" && (cond == nil || !cond(trace, ev.Seq)) {
				continue
			}
			fired[i] = true
			out = append(out, Caption{Seq: ev.Seq, At: ev.At, Text: fillCaption(c.Text, ev), Claim: c.When})
			break
		}
	}
	return out
}

func captionMatches(c *content.NarrationCaption, variant string, ev *edge.Event) bool {
	return string(ev.Kind) == c.On &&
		(c.Variant == "" || c.Variant == variant) &&
		(c.Actor == "" || c.Actor == ev.Actor) &&
		(c.Outcome == "" || c.Outcome == ev.Outcome) &&
		(c.Note == "" || c.Note == ev.Note) &&
		(c.Op == "" || c.Op == ev.Op) &&
		(c.Path == "" || c.Path == ev.Path) &&
		(c.Count == "" || c.Count == strconv.Itoa(ev.Count)) &&
		(c.Key == "" || c.Key == ev.Key) &&
		(c.Tier == "" || c.Tier == ev.Tier)
}

// fillCaption replaces {placeholders} with the event's fields.
func fillCaption(text string, ev *edge.Event) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open:], '}')
		if end < 0 {
			break
		}
		name := text[open+1 : open+end]
		v, ok := placeholder(name, ev)
		b.WriteString(text[:open])
		if ok {
			b.WriteString(v)
		} else {
			b.WriteString(text[open : open+end+1]) // not a placeholder: kept as written
		}
		text = text[open+end+1:]
	}
	b.WriteString(text)
	return b.String()
}

// placeholder is the value of {name} for event ev.
func placeholder(name string, ev *edge.Event) (string, bool) {
	switch name {
	case "actor":
		return ev.Actor, true
	case "key":
		return ev.Key, true
	case "value":
		if ev.Value == "" {
			return "(none)", true // a read that found nothing, a delete
		}
		return ev.Value, true
	case "version":
		return strconv.FormatInt(ev.Version, 10), true
	case "latency":
		return fmtDur(ev.Latency), true
	case "path":
		return ev.Path, true
	case "count":
		return strconv.Itoa(ev.Count), true
	case "queue":
		return strconv.Itoa(ev.Queue), true
	case "expires":
		return fmtAt(ev.Expires), true
	case "from":
		return ev.From, true
	case "to":
		return ev.To, true
	case "req":
		return strconv.Itoa(ev.Req), true
	case "outcome":
		return ev.Outcome, true
	case "detail":
		return ev.Detail, true
	case "tier":
		return ev.Tier, true
	case "at":
		return fmtAt(ev.At), true
	}
	return "", false
}
