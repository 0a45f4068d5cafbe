package conformance

// The Go handlers of probe_worker.js: runtime behaviours no demo shows on
// its own (blockConcurrencyWhile, an alarm that throws, an object reset,
// KV's limits), written against the simulator's Worker API so kvdo's local
// mode can run what workerd runs.

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/edge"
)

//go:embed probe_worker.js
var probeSource string

// probeTwin is the probe's JavaScript file, as workloads name it.
const probeTwin = "probe_worker.js"

// probeHandlers binds the probe's handlers as a workload says.
func probeHandlers(w *edge.World, wl demos.Workload) (map[string]edge.Handler, error) {
	p := &probeWorker{kv: w.KV("PROBE_KV")}
	for _, o := range wl.Objects {
		if o.Binding == "PROBE" && o.Class == "Probe" {
			p.objects = w.DurableObjects("PROBE", edge.DOClass{Name: "Probe", New: func(*edge.DOContext) edge.DOInstance { return &probeObject{} }})
		}
	}
	return map[string]edge.Handler{"toObject": p.toObject, "kvLimit": p.kvLimit, "kvManyReads": p.kvManyReads}, nil
}

// probeWorker is the Worker script; its fields are its bindings.
type probeWorker struct {
	kv      *edge.KVNamespace // env.PROBE_KV
	objects *edge.DONamespace // env.PROBE
}

// toObject forwards a request to the Probe object named by ?object=.
func (p *probeWorker) toObject(r *edge.Request) {
	u, _ := url.Parse(r.Path)
	name := u.Query().Get("object")
	if name == "" {
		name = "probe"
	}
	p.objects.GetByName(name).Fetch(r.PoP, u.Path, "", r.ID, func(res edge.Response) {
		r.Respond(res.Status, res.Body)
	})
}

// probeObject is the Durable Object; hits and log are its memory.
type probeObject struct {
	hits int
	log  []string
}

// Fetch serves the probe's routes, as the JavaScript class does.
func (p *probeObject) Fetch(o *edge.DOContext, r *edge.DORequest) {
	st := o.Storage()
	respond := func(body string) { r.Respond(200, body) }
	switch r.Path {
	case "/hit":
		p.hits++
		st.Get("hits", func(v string, _ bool) {
			n, _ := strconv.Atoi(v)
			st.Put("hits", strconv.Itoa(n+1))
			respond(fmt.Sprintf("memory %d storage %d", p.hits, n+1))
		})
	case "/break":
		o.BlockConcurrencyWhile(func(done func(error)) {
			done(errors.New("broken on purpose"))
		})
	case "/block":
		o.BlockConcurrencyWhile(func(done func(error)) {
			p.log = append(p.log, "block:start")
			o.SetTimeout(500*time.Millisecond, func() {
				p.log = append(p.log, "block:end")
				done(nil)
				respond("blocked")
			})
		})
	case "/free":
		p.log = append(p.log, "free:start")
		o.SetTimeout(500*time.Millisecond, func() {
			p.log = append(p.log, "free:end")
			respond("waited")
		})
	case "/note":
		p.log = append(p.log, "note")
		respond("noted")
	case "/log":
		respond(strings.Join(p.log, ","))
	case "/arm":
		st.Put("runs", "[]")
		st.SetAlarm(o.Now() + 100*time.Millisecond)
		respond("armed")
	case "/runs":
		st.Get("runs", func(v string, found bool) {
			if !found {
				v = "[]"
			}
			respond(v)
		})
	default:
		r.Respond(404, "no such route")
	}
}

// Alarm records when it runs and fails its first two runs.
func (p *probeObject) Alarm(o *edge.DOContext, a *edge.DOAlarm) {
	st := o.Storage()
	st.Get("runs", func(v string, _ bool) {
		var runs []float64
		_ = json.Unmarshal([]byte(v), &runs) // written by this object: "[]" or a list
		runs = append(runs, float64(o.Now())/float64(time.Millisecond))
		b, _ := json.Marshal(runs)
		st.Put("runs", string(b))
		if len(runs) <= 2 {
			a.Fail(fmt.Errorf("alarm run %d fails on purpose", len(runs)))
			return
		}
		a.Done()
	})
}

// kvLimit tries one of KV's limits: 200 if accepted, 400 if refused.
func (p *probeWorker) kvLimit(r *edge.Request) {
	u, _ := url.Parse(r.Path)
	answer := func(err error) {
		if err != nil {
			r.Respond(400, err.Error())
			return
		}
		r.Respond(200, "accepted")
	}
	get := func(opt edge.GetOptions) {
		p.kv.Get(r.PoP, "k", opt, r.ID, func(g edge.GetResult) { answer(g.Err) })
	}
	put := func(key, value string, opt edge.PutOptions) {
		p.kv.Put(r.PoP, key, value, opt, r.ID, answer)
	}
	switch what := u.Query().Get("what"); what {
	case "cache-ttl-29":
		get(edge.GetOptions{CacheTTL: 29 * time.Second})
	case "cache-ttl-30":
		get(edge.GetOptions{CacheTTL: 30 * time.Second})
	case "expiration-ttl-59":
		put("k", "v", edge.PutOptions{ExpirationTTL: 59 * time.Second})
	case "expiration-ttl-60":
		put("k", "v", edge.PutOptions{ExpirationTTL: 60 * time.Second})
	case "key-512":
		put(strings.Repeat("k", 512), "v", edge.PutOptions{})
	case "key-513":
		put(strings.Repeat("k", 513), "v", edge.PutOptions{})
	case "metadata-1025":
		put("k", "v", edge.PutOptions{Metadata: strconv.Quote(strings.Repeat("m", 1023))})
	case "value-25mib-plus-1":
		put("k", strings.Repeat("v", 25<<20+1), edge.PutOptions{})
	default:
		r.Respond(404, "unknown limit "+what)
	}
}

// kvManyReads reads one key 1,100 times in one invocation.
func (p *probeWorker) kvManyReads(r *edge.Request) {
	done := 0
	var next func()
	next = func() {
		if done == 1100 {
			r.Respond(200, fmt.Sprintf("%d reads", done))
			return
		}
		p.kv.Get(r.PoP, "k", edge.GetOptions{}, r.ID, func(g edge.GetResult) {
			if g.Err != nil {
				r.Respond(400, fmt.Sprintf("%d reads, then: %v", done, g.Err))
				return
			}
			done++
			next()
		})
	}
	next()
}
