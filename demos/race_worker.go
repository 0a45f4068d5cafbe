package demos

// The Worker and Durable Object code of the race and local-vs-prod demos,
// shown to the viewer line by line. Handlers are written in
// continuation-passing style: where JavaScript would `await`, the call
// takes a callback that runs when the result arrives in virtual time.

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// counterWorker is a Worker script that keeps a counter under the KV key
// "count". Its fields are its env: the bindings its handlers use.
type counterWorker struct {
	kv      edge.KVBinding // env.COUNTER
	counter *edge.DOStub   // env.COUNTERS.get(idFromName("counter"))
	random  *rand.Rand     // Math.random(), for backoff jitter
}

// maxPutAttempts bounds the retries of a rejected put.
const maxPutAttempts = 6

// incrementInKV is the counter everyone writes first: read the number,
// add one, write it back. Between the read and the write anything may
// happen, and on KV a read may already be stale when it returns.
func (c *counterWorker) incrementInKV(r *edge.Request) {
	c.kv.Get(r, "count", edge.GetOptions{}, func(got edge.GetResult) { // step: worker-read-count
		n, _ := strconv.Atoi(got.Value)
		next := strconv.Itoa(n + 1)
		c.putWithRetry(r, next, 1, func(err error) {
			if err != nil {
				r.Respond(503, err.Error()) // step: worker-give-up
				return
			}
			r.Respond(200, next) // step: worker-answer-count
		})
	})
}

// putWithRetry writes the count and, on "429 Too Many Requests", waits
// with exponential backoff plus jitter and tries again, as the KV docs
// advise. It retries the same value: a retry cannot repair a stale read.
func (c *counterWorker) putWithRetry(r *edge.Request, value string, attempt int, done func(error)) {
	c.kv.Put(r, "count", value, edge.PutOptions{}, func(err error) { // step: worker-write-count
		if errors.Is(err, edge.ErrTooManyRequests) && attempt < maxPutAttempts {
			wait := time.Second<<(attempt-1) + time.Duration(c.random.Int64N(int64(time.Second)))
			r.Log("put count=" + value + " refused with 429; retrying in " + strconv.FormatInt(wait.Milliseconds(), 10) + " ms") // step: worker-log-retry
			r.SetTimeout(wait, func() { c.putWithRetry(r, value, attempt+1, done) })
			return
		}
		done(err)
	})
}

// readCount answers GET /count with whatever KV returns at this PoP.
func (c *counterWorker) readCount(r *edge.Request) {
	c.kv.Get(r, "count", edge.GetOptions{}, func(got edge.GetResult) { // step: check-read-count
		r.Respond(200, got.Value) // step: check-answer
	})
}

// The same counter behind one Durable Object: every client's Worker
// forwards its increment to the object named "counter", wherever the
// client is, so one instance sees all of them, one event at a time.

// forwardToCounter is the Worker in front of the object: it passes the
// request on and relays the object's answer.
func (c *counterWorker) forwardToCounter(r *edge.Request) {
	c.counter.Call(r, r.Path, "", func(res edge.Response, err error) { // step: forward-to-object
		if err != nil {
			r.Respond(503, err.Error()) // step: relay-error
			return
		}
		r.Respond(res.Status, res.Body) // step: relay-answer
	})
}

// kvCounterObject is a Durable Object that keeps the count in KV. Being
// the only writer does not make it safe: its thread stops at each KV
// await, and the input gate stays open while it waits, so another
// request can start and read the same count.
type kvCounterObject struct {
	random *rand.Rand // Math.random(), for backoff jitter
}

// Fetch handles /increment: read, add one, write back, as incrementInKV.
func (c *kvCounterObject) Fetch(o *edge.DOContext, r *edge.DORequest) {
	kv := o.KV("COUNTER")
	kv.Get("count", edge.GetOptions{}, func(got edge.GetResult) { // step: object-read-count
		n, _ := strconv.Atoi(got.Value)
		next := strconv.Itoa(n + 1)
		c.putFromObject(o, kv, next, 1, func(err error) {
			if err != nil {
				r.Respond(503, err.Error()) // step: object-give-up
				return
			}
			r.Respond(200, next) // step: object-answer-count
		})
	})
}

// putFromObject writes the count to KV, backing off on 429 as
// putWithRetry does; the wait is a timer, which leaves the gate open too.
func (c *kvCounterObject) putFromObject(o *edge.DOContext, kv edge.DOKV, value string, attempt int, done func(error)) {
	kv.Put("count", value, edge.PutOptions{}, func(err error) { // step: object-write-count
		if errors.Is(err, edge.ErrTooManyRequests) && attempt < maxPutAttempts {
			wait := time.Second<<(attempt-1) + time.Duration(c.random.Int64N(int64(time.Second)))
			o.Log("put count=" + value + " refused with 429; retrying in " + strconv.FormatInt(wait.Milliseconds(), 10) + " ms") // step: object-log-retry
			o.SetTimeout(wait, func() { c.putFromObject(o, kv, value, attempt+1, done) })
			return
		}
		done(err)
	})
}

// storedCounterObject keeps the count in the object's own storage. A
// storage read closes the input gate until it returns, and the put needs
// no await, so no other request can run between the read and the write.
type storedCounterObject struct{}

// Fetch handles /increment and /count.
func (storedCounterObject) Fetch(o *edge.DOContext, r *edge.DORequest) {
	st := o.Storage()
	st.Get("count", func(v string, _ bool) { // step: storage-read-count
		if r.Path == "/count" {
			r.Respond(200, v) // step: storage-answer-count
			return
		}
		n, _ := strconv.Atoi(v)
		next := strconv.Itoa(n + 1)
		st.Put("count", next) // step: storage-write-count
		r.Respond(200, next)  // step: storage-answer-increment (held by the output gate until the put is durable)
	})
}
