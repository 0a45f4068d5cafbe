package demos

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvdo/kvdo/edge"
)

// fanoutRow is one reader PoP's line of the config-fanout table.
type fanoutRow struct {
	code         string
	reads, stale int
	torn         int
	window       float64 // seconds
	windowOpen   bool
	finalAfter   float64 // seconds; -1: never
}

func fanoutRows(t *testing.T, r *Result) []fanoutRow {
	t.Helper()
	var rows []fanoutRow
	for _, row := range r.Tables[0].Rows {
		f := fanoutRow{code: row[0], finalAfter: -1}
		f.reads, _ = strconv.Atoi(row[1])
		f.stale, _ = strconv.Atoi(row[2])
		f.torn, _ = strconv.Atoi(row[3])
		win := strings.TrimSuffix(row[4], " s")
		win, f.windowOpen = strings.CutPrefix(win, "over ")
		f.window, _ = strconv.ParseFloat(win, 64)
		if row[5] != "never" {
			f.finalAfter, _ = strconv.ParseFloat(strings.TrimSuffix(row[5], " s"), 64)
		}
		rows = append(rows, f)
	}
	return rows
}

func TestConfigFanoutDOAppliesEveryEditOnceAndNoReaderSeesATornConfig(t *testing.T) {
	for _, set := range []map[string]string{nil, {"writers": "6", "edits": "4", "readers": "6"}} {
		writers, edits, readers := 3, 3, 4
		if set != nil {
			writers, edits, readers = 6, 4, 6
		}
		for seed := uint64(1); seed <= seeds; seed++ {
			r := run(t, "config-fanout", "do-plus-kv", seed, set)
			n := float64(writers * edits)
			if acked, log := metric(t, r, "edits acknowledged"), metric(t, r, "changelog entries"); acked != n || log != n {
				t.Errorf("%v seed %d: %v edits acknowledged, %v changelog entries; want all %v, each with its entry", set, seed, acked, log, n)
			}
			if !r.Verdict.Linearizable || r.Verdict.Checked != writers*edits {
				t.Errorf("%v seed %d: counter verdict on the changelog: %+v; want every edit one step of one order", set, seed, r.Verdict)
			}
			if torn := metric(t, r, "torn reads"); torn != 0 {
				t.Errorf("%v seed %d: %v torn reads through one KV value", set, seed, torn)
			}
			if got := metric(t, r, "KV writes refused (429)"); got != 0 {
				t.Errorf("%v seed %d: the DO's publishes got %v 429s; publishing at most once per publish_every should get none", set, seed, got)
			}
			if pub := metric(t, r, "publishes to KV"); pub < 1 || pub >= n {
				t.Errorf("%v seed %d: %v publishes for %v edits; want edits coalesced into fewer KV writes", set, seed, pub, n)
			}
			if got := metric(t, r, "PoPs on the final config"); got != float64(readers) {
				t.Errorf("%v seed %d: %v of %d PoPs on the final config", set, seed, got, readers)
			}
			if metric(t, r, "stale reads") == 0 {
				t.Errorf("%v seed %d: no stale read, yet every PoP had cached the initial config before the edits", set, seed)
			}
			if !strings.Contains(r.Outcome, "none read a torn config") || !strings.Contains(r.Outcome, "every PoP converged") {
				t.Errorf("%v seed %d: outcome %q", set, seed, r.Outcome)
			}
		}
	}
}

func TestConfigFanoutStaleWindowIsBoundedByPublishDelayPlusCacheTTL(t *testing.T) {
	for _, c := range []struct{ ttl, every time.Duration }{
		{30 * time.Second, time.Second},
		{60 * time.Second, 2 * time.Second},
		{60 * time.Second, 10 * time.Second},
		{120 * time.Second, 5 * time.Second},
	} {
		readEvery := 5.0
		for seed := uint64(1); seed <= seeds; seed++ {
			r := run(t, "config-fanout", "do-plus-kv", seed, map[string]string{"cache_ttl": c.ttl.String(), "publish_every": c.every.String()})
			// A commit waits up to publish_every for its KV write; a PoP's
			// copy then lives at most cacheTtl; the next read comes within
			// read_every. Network time is well under a second.
			bound := secs(c.every) + secs(c.ttl) + readEvery + 1
			for _, row := range fanoutRows(t, r) {
				if row.windowOpen || row.window > bound {
					t.Errorf("ttl %v every %v seed %d: %s's longest stale window %v s (open %v); want at most %v s", c.ttl, c.every, seed, row.code, row.window, row.windowOpen, bound)
				}
				// The copies cached before the first edit stay until they
				// near the end of their cacheTtl: at least half of it.
				if row.window < secs(c.ttl)/2 {
					t.Errorf("ttl %v every %v seed %d: %s's longest stale window %v s; its copy of the old config should have lasted", c.ttl, c.every, seed, row.code, row.window)
				}
				if row.finalAfter < 0 || row.finalAfter > bound {
					t.Errorf("ttl %v every %v seed %d: %s read the final config %v s after its commit", c.ttl, c.every, seed, row.code, row.finalAfter)
				}
			}
		}
	}
}

func TestConfigFanoutDOPublishesAfterCommitAtMostOncePerInterval(t *testing.T) {
	for _, every := range []time.Duration{time.Second, 2 * time.Second, 5 * time.Second} {
		for seed := uint64(1); seed <= seeds; seed++ {
			r := run(t, "config-fanout", "do-plus-kv", seed, map[string]string{"publish_every": every.String()})
			committed := map[int]time.Duration{}
			last := time.Duration(-1)
			for _, ev := range r.Trace {
				switch {
				case ev.Kind == edge.EvDOStorage && ev.Key == "config" && ev.Op == "put":
					c, _ := decodeConfig(ev.Value)
					committed[c.Version] = -1 // written, not yet durable
				case ev.Kind == edge.EvDOCommit && ev.Count == 3:
					for v, at := range committed {
						if at < 0 {
							committed[v] = ev.At
						}
					}
				case ev.Kind == edge.EvKVPut && ev.Key == "config":
					c, _ := decodeConfig(ev.Value)
					if at, ok := committed[c.Version]; !ok || at < 0 {
						t.Fatalf("every %v seed %d: version %d went to KV at %v before the DO committed it", every, seed, c.Version, ev.At)
					}
					if last >= 0 && ev.At-last < every {
						t.Errorf("every %v seed %d: two publishes %v apart", every, seed, ev.At-last)
					}
					last = ev.At
				}
			}
			if last < 0 {
				t.Errorf("every %v seed %d: nothing published", every, seed)
			}
		}
	}
}

func TestConfigFanoutKVDirectLosesEditsAndTearsReads(t *testing.T) {
	tornRuns := 0
	for seed := uint64(1); seed <= seeds; seed++ {
		r := run(t, "config-fanout", "kv-direct", seed, nil)
		if metric(t, r, "KV writes refused (429)") == 0 {
			t.Errorf("seed %d: three editors writing the same three keys within a second got no 429", seed)
		}
		if metric(t, r, "edits that reused a version") == 0 || r.Verdict.Linearizable {
			t.Errorf("seed %d: %v edits reused a version, verdict %+v; want the read-add-write race to show", seed, metric(t, r, "edits that reused a version"), r.Verdict)
		}
		if metric(t, r, "torn reads") > 0 {
			tornRuns++
		}
		if got := metric(t, r, "PoPs on the final config"); got != 4 {
			t.Errorf("seed %d: %v of 4 PoPs on KV's final state; KV still converges", seed, got)
		}
	}
	if tornRuns < int(seeds)*8/10 {
		t.Errorf("readers saw a torn config in only %d of %d runs; separately cached keys should tear most runs", tornRuns, seeds)
	}
}

func TestConfigFanoutCheckRejectsAConfigTheChangelogDoesNotHold(t *testing.T) {
	d, _ := Get("config-fanout")
	vals, err := d.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := playConfigFanout(&scenario{demo: d, variant: "do-plus-kv", seed: 1, topo: testTopology(), p: vals})
	if err != nil {
		t.Fatal(err)
	}
	entry, ok := f.do.Stored(f.doID, logKey(3))
	if !ok {
		t.Fatal("no changelog entry 3")
	}
	good, _ := decodeConfig(entry)
	mixed := good
	mixed.Percent = good.Percent + 5 // version 3's flag with another edit's percentage
	unknown := good
	unknown.Version = 999
	for _, c := range []struct {
		cfg  flagConfig
		torn bool
	}{{good, false}, {initialConfig, false}, {mixed, true}, {unknown, true}} {
		rd := &fanoutRead{ok: true, cfg: c.cfg}
		f.judge(rd)
		if (rd.torn != "") != c.torn {
			t.Errorf("config %+v judged torn=%q; want torn %v", c.cfg, rd.torn, c.torn)
		}
	}

	direct := &fanoutRun{direct: true}
	for body, torn := range map[string]bool{"2@B1 on@B1 40@B1": false, "2@B1 on@A2 40@B1": true} {
		rd := &fanoutRead{ok: true}
		direct.parseRead(rd, body)
		if (rd.torn != "") != torn {
			t.Errorf("kv-direct read %q judged torn=%q; want torn %v", body, rd.torn, torn)
		}
	}
}
