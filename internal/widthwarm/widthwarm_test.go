package widthwarm

import (
	"strings"
	"testing"
)

// TestWantedOnlyForTheFullScreenProgram: the warm-up runs for the home
// screen, the interview and the player, and never for a command that
// prints and exits, where it would only spend a core.
func TestWantedOnlyForTheFullScreenProgram(t *testing.T) {
	for args, want := range map[string]bool{
		"":                              true,
		"advise":                        true,
		"advise --resume r.yaml":        true,
		"advise --save r.yaml":          true,
		"demo race":                     true,
		"demo":                          true,
		"--content pack":                true,
		"--version":                     false,
		"advise --answers r.yaml":       false,
		"advise --template":             false,
		"advise --accessible":           false,
		"demo race --headless":          false,
		"demo --list":                   false,
		"demo race --format json":       false,
		"simulate propagation --seed 1": false,
		"serve --listen :2222":          false,
		"verify race":                   false,
		"content check pack":            false,
		"help":                          false,
		"advise -h":                     false,
	} {
		if got := Wanted(strings.Fields(args)); got != want {
			t.Errorf("Wanted(%q) = %v, want %v", args, got, want)
		}
	}
}
