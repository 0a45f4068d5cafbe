package player

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
)

// fakeClock advances 100 ms per reading.
func fakeClock() func() time.Time {
	t := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(100 * time.Millisecond)
		return t
	}
}

func TestRecordingIsAsciicastV2WithOnlyChangedLines(t *testing.T) {
	r := NewRecorder("kvdo race", fakeClock())
	r.Frame("ignored: drawn before the terminal said its size", 80, 24)
	r.Sized()
	r.Frame("one\ntwo\nthree", 20, 3)
	r.Frame("one\ntwo\nthree", 20, 3) // unchanged: nothing recorded
	r.Frame("one\nTWO\nthree", 20, 3)
	r.Frame("one\nTWO", 30, 2) // a resize
	var buf bytes.Buffer
	if err := r.Encode(&buf, colorprofile.TrueColor); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	sc.Scan()
	var head struct {
		Version, Width, Height int
		Title                  string
	}
	if err := json.Unmarshal(sc.Bytes(), &head); err != nil || head.Version != 2 || head.Width != 20 || head.Height != 3 {
		t.Fatalf("header %s: %+v %v", sc.Text(), head, err)
	}
	var events [][]any
	for sc.Scan() {
		var ev []any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || len(ev) != 3 {
			t.Fatalf("event %s: %v", sc.Text(), err)
		}
		events = append(events, ev)
	}
	if len(events) != 4 {
		t.Fatalf("%d events, want first frame, one change, a resize and its frame: %v", len(events), events)
	}
	if d := events[1][2].(string); !strings.Contains(d, "TWO") || strings.Contains(d, "one") {
		t.Errorf("the second frame redraws more than its changed line: %q", d)
	}
	if events[2][1] != "r" || events[2][2] != "30x2" {
		t.Errorf("resize event %v", events[2])
	}
	if at := events[1][0].(float64); at <= events[0][0].(float64) {
		t.Errorf("time does not advance: %v", events)
	}
}

func TestRecordingLowersColoursToTheTerminalsProfile(t *testing.T) {
	r := NewRecorder("", fakeClock())
	r.Sized()
	r.Frame("\x1b[38;2;255;0;0mred\x1b[m", 10, 1)
	var buf bytes.Buffer
	if err := r.Encode(&buf, colorprofile.NoTTY); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "38;2") {
		t.Fatalf("NO_COLOR recording keeps truecolour: %s", buf.String())
	}
}

func TestRecordingIsWrittenAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.cast")
	r := NewRecorder("", fakeClock())
	r.Sized()
	r.Frame("hello", 10, 1)
	if err := r.WriteFile(path, colorprofile.ANSI256); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "s.cast" {
		t.Fatalf("the directory holds %v", entries)
	}
	err := r.WriteFile(filepath.Join(dir, "missing", "s.cast"), colorprofile.ANSI256)
	if err == nil || !strings.Contains(err.Error(), "--record") {
		t.Fatalf("writing into a missing directory: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("a failed write left %v", entries)
	}
}
