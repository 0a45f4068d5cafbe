package edge

import (
	"fmt"
	"time"
)

// KV Instant (private beta since 2026-10-01; kv/platform/limits, October
// 2026): a namespace mode with fast global replication (a p99 of about
// 256 ms to all locations), one write per second per namespace rather
// than per key, at most 1 MB and 10,000 pairs per namespace, keys of at
// most 300 bytes, no metadata, and list without pagination. kvdo models
// the replication as a push of every accepted write from the store to
// every PoP's cache.

// KV Instant's documented limits.
const (
	instantMaxBytes = 1 << 20 // 1 MB per namespace (kvdo reads MB as MiB)
	instantMaxPairs = 10_000
	instantMaxKey   = 300
)

// instantPushMin and instantPushMax bound the store's own time to push a
// write to one PoP, on top of the network hop: kvdo's assumption, chosen
// so that the farthest PoP of the default topology gets it within the
// documented p99 of about 256 ms.
const (
	instantPushMin = 5 * time.Millisecond
	instantPushMax = 30 * time.Millisecond
)

// KVInstant returns the KV Instant namespace bound as name, creating it
// empty. A name already bound to a classic namespace stays classic.
func (w *World) KVInstant(name string) *KVNamespace {
	if ns, ok := w.kv[name]; ok {
		return ns
	}
	ns := w.KV(name)
	ns.instant = true
	ns.limitAt = -1 << 62
	return ns
}

// Instant reports whether the namespace is a KV Instant one (beta).
func (ns *KVNamespace) Instant() bool { return ns.instant }

// checkInstant applies KV Instant's limits to a put: no metadata, short
// keys, and a namespace that stays within its size and pair limits.
func (ns *KVNamespace) checkInstant(key, value string, opt PutOptions) error {
	if len(key) > instantMaxKey {
		return &KVError{Code: "key-too-large", Msg: fmt.Sprintf("KV Instant key of %d bytes exceeds the %d-byte limit", len(key), instantMaxKey)}
	}
	if opt.Metadata != "" {
		return &KVError{Code: "no-metadata", Msg: "KV Instant namespaces do not support metadata"}
	}
	old, had := ns.stores[0][key]
	pairs, bytes := ns.pairs, ns.bytes+len(key)+len(value)
	if had && old.found {
		bytes -= len(key) + len(old.value)
	} else {
		pairs++
	}
	if pairs > instantMaxPairs {
		return &KVError{Code: "namespace-full", Msg: fmt.Sprintf("KV Instant namespace holds at most %d pairs", instantMaxPairs)}
	}
	if bytes > instantMaxBytes {
		return &KVError{Code: "namespace-full", Msg: fmt.Sprintf("KV Instant namespace holds at most %d bytes", instantMaxBytes)}
	}
	return nil
}

// sizeAfter keeps the namespace's pair and byte counts as writes land.
func (ns *KVNamespace) sizeAfter(key string, rec *kvRecord) {
	old := ns.sizes[key]
	if old > 0 {
		ns.pairs--
		ns.bytes -= old
	}
	if rec.found {
		n := len(key) + len(rec.value)
		ns.sizes[key] = n
		ns.pairs++
		ns.bytes += n
		return
	}
	delete(ns.sizes, key)
}
