//go:build !race

package tui

// raceEnabled is true when the race detector is on: long soaks shrink.
const raceEnabled = false
