package edge

// Origin is the simulated origin server (being built).
type Origin struct{}
