package evidence

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/demos"
)

// benchItems are 20,000 reads/s over the default topology: on one key
// (nothing to sample by key, a single object overloaded) and over 10,000
// keys.
var benchItems = []advisor.Item{
	{Name: "one-key", Answers: advisor.Answers{
		"read_your_writes": false, "concurrent_writers": false, "atomic_update": false,
		"staleness_tolerance_s": 300.0, "reads_per_s": 20000.0, "writes_per_s_per_key": 1.0,
		"value_bytes": 4000.0, "reader_regions": "global", "origin_owned": true,
	}},
	{Name: "10k-keys", Answers: advisor.Answers{
		"read_your_writes": false, "concurrent_writers": false, "atomic_update": false,
		"staleness_tolerance_s": 300.0, "reads_per_s": 20000.0, "writes_per_s_per_key": 0.1,
		"value_bytes": 4000.0, "reader_regions": "global", "entities": 10000.0, "origin_owned": true,
	}},
}

// BenchmarkReplay20kReads replays 10 simulated minutes at 20,000 reads/s
// on every option (each made viable, so none is left out) and reports the
// wall time of all of them together and the peak heap.
//
//	go test ./evidence -run XXX -bench Replay20k -benchtime 1x
func BenchmarkReplay20kReads(b *testing.B) {
	pack, err := content.LoadDefault()
	if err != nil {
		b.Fatal(err)
	}
	top := demos.EdgeTopology(pack.Topology)
	for _, it := range benchItems {
		b.Run(it.Name, func(b *testing.B) {
			rec := advisor.Evaluate(pack, it)
			for i := range rec.Ranking {
				rec.Ranking[i].Viable = true
			}
			var peak uint64
			var ms runtime.MemStats
			sample := func(Progress) {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			var options int
			var simReads, events int64
			start := time.Now()
			for range b.N {
				e, err := Run(context.Background(), pack, it, rec, Config{Topology: top, Seed: 1, Progress: sample})
				if err != nil {
					b.Fatal(err)
				}
				options = len(e.Options)
				for _, o := range e.Options {
					simReads += o.Simulated.Reads
					events += o.Simulated.Events
				}
			}
			wall := time.Since(start).Seconds() / float64(b.N)
			runtime.ReadMemStats(&ms)
			b.ReportMetric(wall, "s/item")
			b.ReportMetric(float64(options), "options")
			b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
			b.ReportMetric(float64(ms.Sys)/1e6, "sys-MB")
			b.ReportMetric(float64(events)/float64(b.N), "events")
			b.ReportMetric(float64(simReads)/float64(b.N), "simulated-reads")
		})
	}
}
