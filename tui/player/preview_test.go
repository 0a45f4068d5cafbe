package player

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestPreview prints frames for a person to look at:
// PLAYER_PREVIEW=race,kv-in-do,120,40,30 go test ./tui/player -run Preview -v
// (demo, variant, width, height, events to step).
func TestPreview(t *testing.T) {
	spec := os.Getenv("PLAYER_PREVIEW")
	if spec == "" {
		t.Skip("set PLAYER_PREVIEW=demo,variant,w,h,steps[,keys]")
	}
	var id, variant string
	var w, h, steps int
	var keys string
	parts := splitComma(spec)
	id, variant = parts[0], parts[1]
	w, _ = strconv.Atoi(parts[2])
	h, _ = strconv.Atoi(parts[3])
	steps, _ = strconv.Atoi(parts[4])
	if len(parts) > 5 {
		keys = parts[5]
	}
	p := newTestPlayer(t, id, variant, w, h, true)
	for _, k := range keys {
		p = press(t, p, string(k))
	}
	for range steps {
		p = press(t, p, "right")
	}
	fmt.Println(ansi.Strip(p.View()))
}

func splitComma(s string) []string {
	var out []string
	cur := ""
	for _, r := range s {
		if r == ',' {
			out = append(out, cur)
			cur = ""
			continue
		}
		cur += string(r)
	}
	return append(out, cur)
}
