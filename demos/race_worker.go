package demos

// The Worker code of the race and local-vs-prod demos, shown to the viewer
// line by line. Handlers are written in continuation-passing style: where
// JavaScript would `await`, the call takes a callback that runs when the
// result arrives in virtual time.

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// counterWorker is a Worker script that keeps a counter under the KV key
// "count". Its fields are the bindings its handlers use.
type counterWorker struct {
	kv     *edge.KVNamespace // env.COUNTER
	random *rand.Rand        // Math.random(), for backoff jitter
}

// maxPutAttempts bounds the retries of a rejected put.
const maxPutAttempts = 6

// incrementInKV is the counter everyone writes first: read the number,
// add one, write it back. Between the read and the write anything may
// happen, and on KV a read may already be stale when it returns.
func (c *counterWorker) incrementInKV(r *edge.Request) {
	c.kv.Get(r.PoP, "count", edge.GetOptions{}, r.ID, func(got edge.GetResult) {
		n, _ := strconv.Atoi(got.Value)
		next := strconv.Itoa(n + 1)
		c.putWithRetry(r.World(), r.PoP, r.ID, "count", next, 1, func(err error) {
			if err != nil {
				r.Respond(503, err.Error())
				return
			}
			r.Respond(200, next)
		})
	})
}

// putWithRetry writes a value and, on "429 Too Many Requests", waits with
// exponential backoff plus jitter and tries again, as the KV docs advise.
// It retries the same value: a retry cannot repair a stale read.
func (c *counterWorker) putWithRetry(w *edge.World, at edge.PoPID, req int, key, value string, attempt int, done func(error)) {
	c.kv.Put(at, key, value, edge.PutOptions{}, req, func(err error) {
		if edge.IsKVError(err, "429") && attempt < maxPutAttempts {
			wait := time.Second<<(attempt-1) + time.Duration(c.random.Int64N(int64(time.Second)))
			w.Note(w.Code(at), "req "+strconv.Itoa(req)+" retries its put in "+wait.Round(time.Millisecond).String())
			w.After(wait, func() { c.putWithRetry(w, at, req, key, value, attempt+1, done) })
			return
		}
		done(err)
	})
}

// readCount answers GET /count with whatever KV returns at this PoP.
func (c *counterWorker) readCount(r *edge.Request) {
	c.kv.Get(r.PoP, "count", edge.GetOptions{}, r.ID, func(got edge.GetResult) {
		r.Respond(200, got.Value)
	})
}
