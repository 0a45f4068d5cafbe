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
