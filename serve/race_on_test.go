//go:build race

package serve

// raceEnabled is true when the race detector is on: it makes every session
// several times slower, so the crowd tests use fewer sessions.
const raceEnabled = true
