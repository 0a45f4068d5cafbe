package demos

import (
	"testing"
	"time"

	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/edge"
)

// TestSimulatorDefaultsMatchTheContentFacts keeps the simulator's defaults
// (Go constants in edge/, which imports nothing of ours) in step with the
// dated figures in content/facts.yaml that the advisor and the Learn screen
// show: correcting a fact without correcting the simulator fails here.
func TestSimulatorDefaultsMatchTheContentFacts(t *testing.T) {
	pack, err := content.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	w, err := edge.New(edge.Config{Topology: testTopology()})
	if err != nil {
		t.Fatal(err)
	}
	kv, do := w.Config().KV, w.Config().DO
	secs := func(d time.Duration) float64 { return d.Seconds() }
	cases := []struct {
		fact string
		sim  float64
	}{
		{"kv-cachettl-default-s", secs(kv.DefaultCacheTTL)},
		{"kv-cachettl-min-s", secs(kv.MinCacheTTL)},
		{"kv-writes-per-s-per-key", 1 / secs(kv.WriteInterval)},
		{"kv-value-max-bytes", float64(kv.MaxValueBytes)},
		{"kv-key-max-bytes", float64(kv.MaxKeyBytes)},
		{"kv-metadata-max-bytes", float64(kv.MaxMetadataSize)},
		{"kv-list-page-keys", float64(kv.ListPageMax)},
		{"kv-ops-per-invocation", float64(kv.OpsPerRequest)},
		{"kv-expiration-ttl-min-s", secs(kv.MinExpiration)},
		{"kv-propagation-s", secs(kv.ListStaleness)},
		{"do-soft-limit-rps", 1 / secs(do.CPUPerEvent)},
		{"do-alarm-retries", float64(do.AlarmMaxRetries)},
		{"do-evict-s", secs(do.IdleEvictMin)},
		{"do-block-concurrency-s", secs(do.BlockTimeout)},
		{"do-storage-txn-ms", float64(do.FlushLatency) / float64(time.Millisecond)},
		{"do-hibernate-idle-s", secs(do.HibernateAfter)},
		{"do-pending-limit-min", do.PendingLimit.Minutes()},
		{"kv-hot-read-ms", float64(kv.HotReadMax) / float64(time.Millisecond)},
		{"kv-store-write-ms", float64(kv.StoreWriteMax) / float64(time.Millisecond)},
		{"cache-default-edge-ttl-min", edge.DefaultEdgeTTL(200).Minutes()},
	}
	for _, c := range cases {
		f := pack.Fact(c.fact)
		if f == nil || f.Value == nil {
			t.Errorf("content has no figure %q", c.fact)
			continue
		}
		if *f.Value != c.sim {
			t.Errorf("%s: content says %v %s, the simulator uses %v", c.fact, *f.Value, f.Unit, c.sim)
		}
	}
}

// The far-caller figures the advisor quotes are read off kvdo's own
// network model, now calibrated on measured round trips: they must stay
// within 5% of what the model gives.
func TestFarCallerFactsMatchTheCalibratedNetworkModel(t *testing.T) {
	pack, err := content.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	topo := EdgeTopology(pack.Topology)
	place := func(code string) edge.Place {
		for _, p := range topo.PoPs {
			if p.Code == code {
				return edge.Place{Name: p.Code, Region: p.Region, Lat: p.Lat, Lon: p.Lon}
			}
		}
		t.Fatalf("no PoP %s", code)
		return edge.Place{}
	}
	for id, pair := range map[string][2]string{"do-far-caller-rtt-ms": {"LHR", "IAD"}, "do-far-caller-rtt-max-ms": {"LHR", "SYD"}} {
		f := pack.Fact(id)
		if f == nil || f.Value == nil || f.Unit != "ms" {
			t.Fatalf("fact %s missing or without a value in ms", id)
		}
		got := float64(topo.ModelRTT(place(pair[0]), place(pair[1]))) / float64(time.Millisecond)
		if diff := got - *f.Value; diff > 0.05*got || -diff > 0.05*got {
			t.Errorf("%s = %v ms, the calibrated model gives %.1f ms from %s to %s", id, *f.Value, got, pair[0], pair[1])
		}
	}
}
