package content

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEmbeddedNarrationParses(t *testing.T) {
	n, err := DefaultNarration()
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Demos) == 0 {
		t.Fatal("no demo has captions")
	}
}

func TestNarrationErrorsNameFileLineColumnAndTheExpectedForm(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"a wrong version", "version: 2\ndemos: {}\n", "narration.yaml:1:10: version \"2\": expected 1"},
		{"an unknown top-level field", "version: 1\ndemo: {}\n", "narration.yaml:2:1: unknown field \"demo\""},
		{"an unknown caption field", "version: 1\ndemos:\n  race:\n    - on: kv.get\n      txt: hi\n", "narration.yaml:5:7: unknown field \"txt\": expected on, text"},
		{"a caption without text", "version: 1\ndemos:\n  race:\n    - on: kv.get\n", "narration.yaml:4:7: caption without text"},
		{"a caption without on", "version: 1\ndemos:\n  race:\n    - text: hi\n", "narration.yaml:4:7: caption without on"},
		{"an unknown placeholder", "version: 1\ndemos:\n  race:\n    - on: kv.get\n      text: \"at {where}\"\n", "narration.yaml:5:13: unknown placeholder {where}"},
		{"once that is not a bool", "version: 1\ndemos:\n  race:\n    - on: kv.get\n      once: maybe\n      text: x\n", "narration.yaml:5:13: once: expected true or false"},
		{"captions that are not a list", "version: 1\ndemos:\n  race: hello\n", "narration.yaml:3:9: expected a list of captions"},
		{"a demo listed twice", "version: 1\ndemos:\n  race: []\n  race: []\n", "narration.yaml:4:3: demo \"race\" listed twice"},
	}
	for _, c := range cases {
		t.Run(c.name+" is rejected", func(t *testing.T) {
			_, err := ParseNarration(NarrationFile, []byte(c.yaml))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestLoadNarrationReadsThePackAndFallsBackToTheEmbeddedOne(t *testing.T) {
	fsys := fstest.MapFS{NarrationFile: {Data: []byte("version: 1\ndemos:\n  race:\n    - on: note\n      text: custom {detail}\n")}}
	n, err := LoadNarration(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Demos["race"][0].Text; got != "custom {detail}" {
		t.Errorf("caption text = %q", got)
	}
	def, err := LoadNarration(fstest.MapFS{})
	if err != nil || len(def.Demos) < 2 {
		t.Errorf("a pack without narration.yaml: %v, %d demos; want the embedded narration", err, len(def.Demos))
	}
}

func TestNarrationSyntaxErrorsNameFileLineAndColumn(t *testing.T) {
	_, err := ParseNarration("narration.yaml", []byte("version: 1\ndemos:\n  race:\n    - on: note\n\ttext: tabbed\n"))
	if err == nil {
		t.Fatal("a tab-indented narration file was accepted")
	}
	var pe *PosError
	if !errors.As(err, &pe) || pe.Pos.Line < 4 {
		t.Fatalf("error %v: want a *PosError at the offending line", err)
	}
	if !strings.HasPrefix(err.Error(), "narration.yaml:") {
		t.Errorf("error %q does not start with file:line:col", err)
	}
}
