package player

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/colorprofile"
)

// Recorder keeps a session as an asciicast v2 recording (the format
// `asciinema play` replays). The root hands it every frame it draws, from
// its View, and it keeps only the lines that changed, in memory: nothing
// touches a file until WriteFile, after the program has ended, so the
// update loop never waits on a disk.
type Recorder struct {
	mu     sync.Mutex
	now    func() time.Time
	title  string
	start  time.Time
	w, h   int // size of the first frame: the recording's terminal
	cw, ch int // size of the last frame
	sized  bool
	prev   []string
	events []castEvent
}

type castEvent struct {
	at   time.Duration
	kind string // "o" output, "r" resize
	data string
}

// NewRecorder starts an empty recording; now is the wall clock (tests pass
// a fake one).
func NewRecorder(title string, now func() time.Time) *Recorder {
	if now == nil {
		now = time.Now
	}
	return &Recorder{now: now, title: title}
}

// Sized tells the recorder the terminal has reported its size: frames
// drawn before that (at a guessed size) are not recorded.
func (r *Recorder) Sized() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.sized = true
	r.mu.Unlock()
}

// Frame records one drawn frame of w x h cells. Identical frames add
// nothing; a changed frame adds the changed lines, each drawn in place.
func (r *Recorder) Frame(content string, w, h int) {
	if r == nil || w <= 0 || h <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.sized {
		return
	}
	t := r.now()
	if r.start.IsZero() {
		r.start, r.w, r.h, r.cw, r.ch = t, w, h, w, h
	}
	lines := strings.Split(content, "\n")
	var b strings.Builder
	if r.prev == nil || w != r.cw || h != r.ch {
		if r.prev != nil {
			r.events = append(r.events, castEvent{at: t.Sub(r.start), kind: "r", data: strconv.Itoa(w) + "x" + strconv.Itoa(h)})
		}
		b.WriteString("\x1b[?25l\x1b[2J") // hide the cursor, clear the screen
		r.prev = nil
		r.cw, r.ch = w, h
	}
	for i, ln := range lines {
		if i >= h {
			break
		}
		if i < len(r.prev) && r.prev[i] == ln {
			continue
		}
		fmt.Fprintf(&b, "\x1b[%d;1H%s\x1b[m\x1b[K", i+1, ln)
	}
	for i := len(lines); i < len(r.prev) && i < h; i++ {
		fmt.Fprintf(&b, "\x1b[%d;1H\x1b[K", i+1)
	}
	r.prev = lines
	if b.Len() > 0 {
		r.events = append(r.events, castEvent{at: t.Sub(r.start), kind: "o", data: b.String()})
	}
}

// Frames is the number of recorded events (frames and resizes).
func (r *Recorder) Frames() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// Encode writes the recording in asciicast v2, its colours lowered to the
// profile the session's terminal had (NO_COLOR gives a recording without
// colour).
func (r *Recorder) Encode(w io.Writer, profile colorprofile.Profile) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	header := struct {
		Version   int               `json:"version"`
		Width     int               `json:"width"`
		Height    int               `json:"height"`
		Timestamp int64             `json:"timestamp,omitempty"`
		Title     string            `json:"title,omitempty"`
		Env       map[string]string `json:"env"`
	}{Version: 2, Width: max(r.w, 1), Height: max(r.h, 1), Title: r.title, Env: map[string]string{"TERM": "xterm-256color"}}
	if !r.start.IsZero() {
		header.Timestamp = r.start.Unix()
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(header); err != nil {
		return err
	}
	var conv bytes.Buffer
	cw := &colorprofile.Writer{Forward: &conv, Profile: profile}
	for _, ev := range r.events {
		data := ev.data
		if ev.kind == "o" {
			conv.Reset()
			if _, err := io.WriteString(cw, data); err != nil {
				return err
			}
			data = conv.String()
		}
		if err := enc.Encode([]any{ev.at.Seconds(), ev.kind, data}); err != nil {
			return err
		}
	}
	return nil
}

// WriteFile writes the recording to path atomically: to a temporary file
// beside it, renamed into place, so a failure leaves no half recording.
func (r *Recorder) WriteFile(path string, profile colorprofile.Profile) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("--record %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("--record %s: %w", path, err)
	}
	if err := r.Encode(f, profile); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("--record %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("--record %s: %w", path, err)
	}
	return nil
}
