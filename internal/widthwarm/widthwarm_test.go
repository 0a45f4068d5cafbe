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
		"":                          true,
		"--content pack":            true,
		"--content=pack":            true,
		"advise":                    true,
		"advise --resume r.yaml":    true,
		"advise --save=r.yaml":      true,
		"advise -o r.md":            true, // the interview; -o is used by --answers
		"demo race":                 true,
		"demo --seed 3 race":        true,
		"demo race --format json":   true, // on a terminal without --headless: the player
		"demo":                      false,
		"demo --list":               false,
		"demo --list=true":          false,
		"demo race --headless":      false,
		"demo race --headless=true": false,
		"--version":                 false,
		"-v":                        false,
		"advise --answers r.yaml":   false,
		"advise --answers=r.yaml":   false,
		"advise --template":         false,
		"advise --template=true":    false,
		"advise --accessible":       false,
		"advise -h":                 false,
		"simulate propagation":      false,
		"serve --listen :2222":      false,
		"verify race":               false,
		"content check pack":        false,
		"help":                      false,
		"man":                       false,
	} {
		if got := Wanted(strings.Fields(args)); got != want {
			t.Errorf("Wanted(%q) = %v, want %v", args, got, want)
		}
	}
}
