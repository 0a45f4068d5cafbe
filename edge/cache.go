package edge

// CacheAPI is the per-PoP Cache API (being built).
type CacheAPI struct{}
