package demos

// The Worker code of the propagation demo: one route publishes a banner,
// another reads it on every page view.

import (
	"time"

	"github.com/kvdo/kvdo/edge"
)

// bannerWorker serves a site banner stored in KV.
type bannerWorker struct {
	kv       edge.KVBinding // env.SITE
	key      string         // the KV key holding the banner
	cacheTTL time.Duration  // the cacheTtl option of every read
}

// readBanner answers GET /banner from KV. A PoP keeps the value it read for
// cacheTtl and serves that copy, whatever has been written since.
func (b *bannerWorker) readBanner(r *edge.Request) {
	b.kv.Get(r, b.key, edge.GetOptions{CacheTTL: b.cacheTTL}, func(got edge.GetResult) { // step: read-banner
		if !got.Found {
			r.Respond(404, "no banner") // step: answer-no-banner
			return
		}
		r.Respond(200, got.Value) // step: answer-banner
	})
}

// publishBanner handles PUT /banner: one write, at the PoP where the editor is.
func (b *bannerWorker) publishBanner(r *edge.Request) {
	b.kv.Put(r, b.key, "v2", edge.PutOptions{}, func(err error) { // step: write-banner
		if err != nil {
			r.Respond(500, err.Error()) // step: answer-write-failed
			return
		}
		r.Respond(200, "published") // step: answer-published
	})
}
