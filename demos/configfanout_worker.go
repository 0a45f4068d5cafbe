package demos

// The code of the config-fanout demo: a feature-flag config that editors
// change and every PoP reads. Two designs. do-plus-kv: a Durable Object
// owns the config, applies each edit as one transaction with a changelog
// entry, and publishes the whole config to KV as one value. kv-direct:
// editors write each field to its own KV key from wherever they are.

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// flagConfig is the config every PoP needs: whether the new checkout is on
// and for what share of visitors. Flag and Percent only make sense
// together, so an edit always sets both.
type flagConfig struct {
	Version int    `json:"version"` // the changelog entry this config is
	Edit    string `json:"edit"`    // which edit made it, e.g. "B2"
	Flag    string `json:"flag"`    // "on" or "off"
	Percent int    `json:"percent"` // share of visitors who get it
}

// initialConfig is what the config was before the run: changelog entry 0.
var initialConfig = flagConfig{Version: 0, Edit: "initial", Flag: "off", Percent: 0}

func (c flagConfig) encode() string {
	b, _ := json.Marshal(c) // a struct of strings and ints cannot fail
	return string(b)
}

func decodeConfig(s string) (flagConfig, error) {
	var c flagConfig
	err := json.Unmarshal([]byte(s), &c)
	return c, err
}

// logKey names changelog entry n; zero-padded so a KV or storage list
// returns the entries in order.
func logKey(n int) string { return "log:" + strconv.Itoa(100000 + n)[1:] }

// fanoutWorker is the Worker script at every PoP. Its fields are its
// bindings.
type fanoutWorker struct {
	kv       edge.KVBinding // env.CONFIG
	config   *edge.DOStub   // env.CONFIG_DO.get(idFromName("config"))
	cacheTTL time.Duration  // cacheTtl of every config read
	random   *rand.Rand     // Math.random(), for backoff jitter
}

// editViaDO handles POST /edit?id=B2&flag=on&percent=40 from an editor:
// it forwards the edit to the one object that owns the config and answers
// with the config the edit produced.
func (f *fanoutWorker) editViaDO(r *edge.Request) {
	f.config.Call(r, "/edit", strings.TrimPrefix(r.Path, "/edit?"), func(res edge.Response, err error) { // step: forward-edit
		if err != nil {
			r.Respond(503, err.Error()) // step: relay-edit-error
			return
		}
		r.Respond(res.Status, res.Body) // step: relay-edit
	})
}

// readConfig handles a visitor's request at any PoP: one KV read gives the
// whole config, which was published as one value.
func (f *fanoutWorker) readConfig(r *edge.Request) {
	f.kv.Get(r, "config", edge.GetOptions{CacheTTL: f.cacheTTL}, func(got edge.GetResult) { // step: read-config
		if _, err := decodeConfig(got.Value); err != nil {
			r.Respond(500, "unreadable config") // step: answer-unreadable
			return
		}
		r.Respond(200, got.Value) // step: answer-config
	})
}

// configObject is the Durable Object that owns the config: every edit, from
// any editor anywhere, runs here, one at a time.
type configObject struct {
	every       time.Duration // publish at most this often
	publishing  bool          // a KV write is in flight
	lastPublish time.Duration // when the last one was accepted
}

// Fetch applies one edit: version, config and changelog entry are written
// in one transaction, so no reader of storage ever sees one without the
// others, and two edits can never take the same version.
func (c *configObject) Fetch(o *edge.DOContext, r *edge.DORequest) {
	q, _ := url.ParseQuery(r.Body)
	pct, _ := strconv.Atoi(q.Get("percent"))
	var made flagConfig
	st := o.Storage()
	st.Transaction(func(tx *edge.DOTxn) error { // step: apply-edit
		v, _ := tx.Get("version")
		n, _ := strconv.Atoi(v)
		made = flagConfig{Version: n + 1, Edit: q.Get("id"), Flag: q.Get("flag"), Percent: pct}
		tx.Put("version", strconv.Itoa(made.Version))
		tx.Put("config", made.encode())
		tx.Put(logKey(made.Version), made.encode())
		return nil
	}, func(error) {
		c.schedulePublish(o)
		// The output gate holds this answer until the transaction is durable.
		r.Respond(200, made.encode()) // step: answer-edit
	})
}

// schedulePublish arms the alarm that copies the config to KV, one
// publish interval from now, unless a publish is already due or in
// flight: edits that arrive meanwhile go out with it, which keeps the DO
// under KV's one write per second per key.
func (c *configObject) schedulePublish(o *edge.DOContext) {
	if _, due := o.Storage().GetAlarm(); due || c.publishing {
		return
	}
	o.Storage().SetAlarm(o.Now() + c.every) // step: arm-publish
}

// Alarm publishes the newest config to KV as one value. If edits were
// applied while the write was in flight, it arms the next publish.
func (c *configObject) Alarm(o *edge.DOContext, a *edge.DOAlarm) {
	c.publishing = true
	st := o.Storage()
	st.Get("config", func(cfg string, _ bool) { // step: alarm-read-config
		sent, _ := decodeConfig(cfg)
		o.KV("CONFIG").Put("config", cfg, edge.PutOptions{}, func(err error) { // step: alarm-publish
			c.publishing = false
			if err != nil {
				a.Fail(err) // retried with backoff; the retry sends the newest config
				return
			}
			c.lastPublish = o.Now()
			st.Put("published", strconv.Itoa(sent.Version)) // step: alarm-mark-published
			st.Get("version", func(v string, _ bool) {      // step: alarm-read-version
				if n, _ := strconv.Atoi(v); n > sent.Version {
					st.SetAlarm(c.lastPublish + c.every) // step: alarm-rearm
				}
				a.Done() // step: alarm-done
			})
		})
	})
}

// The kv-direct design: no coordinator. Each field is its own KV key,
// written by the editor's own Worker. Each value also names the edit that
// wrote it ("on@B2"), only so that this demo can tell a torn read.

// directFields are the KV keys of the kv-direct config.
var directFields = []string{"config:version", "config:flag", "config:percent"}

// maxDirectAttempts bounds the retries of a put refused with 429.
const maxDirectAttempts = 6

// editDirect handles POST /edit?... by writing the fields straight to KV:
// read the version, add one, then put the three fields at once.
func (f *fanoutWorker) editDirect(r *edge.Request) {
	q, _ := url.ParseQuery(strings.TrimPrefix(r.Path, "/edit?"))
	id := q.Get("id")
	f.kv.Get(r, "config:version", edge.GetOptions{CacheTTL: f.cacheTTL}, func(got edge.GetResult) { // step: direct-read-version
		n, _ := strconv.Atoi(fieldValue(got.Value))
		next := strconv.Itoa(n + 1)
		values := []string{next, q.Get("flag"), q.Get("percent")}
		left, failed := len(directFields), error(nil)
		for i, key := range directFields {
			f.putWithBackoff(r, key, values[i]+"@"+id, 1, func(err error) {
				if err != nil {
					failed = err
				}
				if left--; left > 0 {
					return
				}
				if failed != nil {
					r.Respond(503, failed.Error()) // step: direct-edit-failed
					return
				}
				r.Respond(200, next) // step: direct-edit-done
			})
		}
	})
}

// putWithBackoff writes one field and, on 429, waits (doubling, plus
// jitter) and writes the same value again.
func (f *fanoutWorker) putWithBackoff(r *edge.Request, key, value string, attempt int, done func(error)) {
	f.kv.Put(r, key, value, edge.PutOptions{}, func(err error) { // step: direct-write-field
		if errors.Is(err, edge.ErrTooManyRequests) && attempt < maxDirectAttempts {
			wait := time.Second<<(attempt-1) + time.Duration(f.random.Int64N(int64(time.Second)))
			r.SetTimeout(wait, func() { f.putWithBackoff(r, key, value, attempt+1, done) })
			return
		}
		done(err)
	})
}

// readDirect reads the three fields at once and assembles them: each key
// comes from its own cached copy, of its own age.
func (f *fanoutWorker) readDirect(r *edge.Request) {
	got := make([]string, len(directFields))
	left := len(directFields)
	for i, key := range directFields {
		f.kv.Get(r, key, edge.GetOptions{CacheTTL: f.cacheTTL}, func(g edge.GetResult) { // step: direct-read-fields
			got[i] = g.Value
			if left--; left == 0 {
				r.Respond(200, got[0]+" "+got[1]+" "+got[2]) // step: direct-answer
			}
		})
	}
}

// fieldValue strips the edit tag from a kv-direct field: "40@B2" -> "40".
func fieldValue(s string) string {
	v, _, _ := strings.Cut(s, "@")
	return v
}
