package edge

import (
	"testing"
	"time"
)

// After a key expires, a PoP that held a copy reads "not found", which is
// the current answer (not a stale one), and caches it like any negative
// lookup: a write made just after is not seen there until cacheTtl ends.
func TestKVNotFoundAfterExpiryIsFreshAndCached(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		w := newKVWorld(t, Production, seed, false)
		ns := w.KV("K")
		lhr := w.MustPoP("LHR")
		w.At(0, func() { ns.Put(lhr, "page", "p1", PutOptions{ExpirationTTL: 60 * time.Second}, 0, nil) })
		warm := readAt(w, ns, "NRT", "page", 5*time.Second, GetOptions{CacheTTL: 30 * time.Second})
		// NRT's copy is refreshed from the store until the key expires at 60 s.
		before := readAt(w, ns, "NRT", "page", 50*time.Second, GetOptions{CacheTTL: 30 * time.Second})
		gone := readAt(w, ns, "NRT", "page", 61*time.Second, GetOptions{CacheTTL: 30 * time.Second})
		w.At(62*time.Second, func() { ns.Put(lhr, "page", "p2", PutOptions{ExpirationTTL: 60 * time.Second}, 0, nil) })
		cached := readAt(w, ns, "NRT", "page", 70*time.Second, GetOptions{CacheTTL: 30 * time.Second})
		later := readAt(w, ns, "NRT", "page", 95*time.Second, GetOptions{CacheTTL: 30 * time.Second})
		w.Run()
		if !warm.Found || !before.Found {
			t.Fatalf("seed %d: reads before expiry found nothing", seed)
		}
		if gone.Found || gone.Stale {
			t.Errorf("seed %d: read after expiry: found=%v stale=%v; want not found, not stale", seed, gone.Found, gone.Stale)
		}
		if cached.Found || !cached.Stale || cached.Outcome != "hit" {
			t.Errorf("seed %d: read 8 s after the rewrite: found=%v stale=%v outcome %s; want the cached \"not found\", stale", seed, cached.Found, cached.Stale, cached.Outcome)
		}
		if later.Value != "p2" {
			t.Errorf("seed %d: read after cacheTtl got %q; want p2", seed, later.Value)
		}
	}
}

// expiration is an absolute Unix time: the key disappears at that instant,
// whenever it was written.
func TestKVAbsoluteExpirationIsAUnixTime(t *testing.T) {
	for _, mode := range []Mode{Production, Local} {
		t.Run(mode.String(), func(t *testing.T) {
			w := newKVWorld(t, mode, 2, false)
			ns := w.KV("K")
			epoch := w.Config().KV.UnixEpoch
			var putErr error
			w.At(10*time.Second, func() {
				ns.Put(w.MustPoP("FRA"), "k", "v", PutOptions{Expiration: epoch + 120}, 0, func(err error) { putErr = err })
			})
			before := readAt(w, ns, "SYD", "k", 100*time.Second, GetOptions{CacheTTL: 30 * time.Second})
			after := readAt(w, ns, "SYD", "k", 121*time.Second, GetOptions{CacheTTL: 30 * time.Second})
			w.Run()
			if putErr != nil {
				t.Fatalf("put with an expiration 110 s ahead: %v", putErr)
			}
			if !before.Found || before.Value != "v" {
				t.Errorf("read at 100 s, before the expiration: %+v", *before)
			}
			if after.Found {
				t.Errorf("read at 121 s, after the Unix expiration %d: still found (served by %s)", epoch+120, after.Outcome)
			}
			if after.Stale {
				t.Errorf("\"not found\" after the key expired is the current answer, not a stale one")
			}
		})
	}
}
