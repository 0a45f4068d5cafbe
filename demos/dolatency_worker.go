package demos

// The Worker and Durable Object code of the do-latency demo: one object
// owns a profile and copies it into KV; Workers on several continents read
// it both ways, so each can compare the trip to the object with a read
// from its own PoP's KV cache.

import "github.com/kvdo/kvdo/edge"

// profileWorker is the Worker script deployed at every PoP.
type profileWorker struct {
	kv     edge.KVBinding // env.PROFILES_KV
	object *edge.DOStub   // env.PROFILE.get(env.PROFILE.idFromName("profile"), {locationHint})
}

// publish handles PUT /profile: the object stores the new profile and
// copies it to KV.
func (p *profileWorker) publish(r *edge.Request) {
	p.object.Call(r, "/publish", "profile v1", func(res edge.Response, err error) { // step: ask-publish
		if err != nil {
			r.Respond(503, err.Error()) // step: answer-publish-error
			return
		}
		r.Respond(res.Status, res.Body) // step: answer-publish
	})
}

// readFromObject handles GET /profile/do. There is one object in the
// world: from here to it and back is a round trip, however far it is.
func (p *profileWorker) readFromObject(r *edge.Request) {
	p.object.Call(r, "/profile", "", func(res edge.Response, err error) { // step: ask-object
		if err != nil {
			r.Respond(503, err.Error()) // step: answer-object-error
			return
		}
		r.Respond(res.Status, res.Body) // step: answer-from-object
	})
}

// readFromKV handles GET /profile/kv: once this PoP has cached the key,
// the read never leaves the PoP.
func (p *profileWorker) readFromKV(r *edge.Request) {
	p.kv.Get(r, "profile", edge.GetOptions{}, func(got edge.GetResult) { // step: read-kv
		if !got.Found {
			r.Respond(404, "no profile") // step: answer-kv-missing
			return
		}
		r.Respond(200, got.Value) // step: answer-kv
	})
}

// profileObject is the Durable Object that owns the profile.
type profileObject struct{}

// Fetch serves reads from the object's storage and, on /publish, stores
// the body and copies it to KV for readers everywhere.
func (profileObject) Fetch(o *edge.DOContext, r *edge.DORequest) {
	st := o.Storage()
	if r.Path == "/publish" {
		st.Put("profile", r.Body)                                                       // step: store-profile
		o.KV("PROFILES_KV").Put("profile", r.Body, edge.PutOptions{}, func(err error) { // step: copy-to-kv
			if err != nil {
				r.Respond(500, err.Error()) // step: answer-copy-failed
				return
			}
			r.Respond(200, "published") // step: answer-published
		})
		return
	}
	st.Get("profile", func(v string, found bool) { // step: read-storage
		if !found {
			r.Respond(404, "no profile") // step: answer-storage-missing
			return
		}
		r.Respond(200, v) // step: answer-storage
	})
}
