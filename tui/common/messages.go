package common

// OpenDemoMsg asks the root to show a demo in the player. Screens send it
// (the demo list, a fact on the Learn screen); the root routes it. Seed 0
// means the default seed, 1; Variant "" the demo's first variant.
type OpenDemoMsg struct {
	ID, Variant string
	Seed        uint64
	Set         map[string]string
}

// BackMsg asks the root to leave the current screen for the one it was
// opened from (home when there is none).
type BackMsg struct{}
