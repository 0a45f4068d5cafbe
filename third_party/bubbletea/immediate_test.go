package tea

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// frameWatcher is an output that reports when a text first reaches it.
type frameWatcher struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *frameWatcher) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(b)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(b), nil
}

type firstFrameModel struct{}

func (firstFrameModel) Init() Cmd                 { return nil }
func (m firstFrameModel) Update(Msg) (Model, Cmd) { return m, nil }
func (firstFrameModel) View() View                { return NewView("first frame") }

// TestImmediateFirstFrameIsWrittenBeforeTheFirstTick: at one frame a
// second, a program with WithImmediateFirstFrame shows its first view well
// before the ticker's first flush, which comes a second after start; one
// without the option shows nothing until then.
func TestImmediateFirstFrameIsWrittenBeforeTheFirstTick(t *testing.T) {
	for _, immediate := range []bool{true, false} {
		out := &frameWatcher{want: "first frame", seen: make(chan struct{})}
		opts := []ProgramOption{
			WithFPS(1), WithWindowSize(80, 24),
			WithInput(&bytes.Buffer{}), WithOutput(out),
			WithEnvironment([]string{"TERM=xterm-256color"}),
		}
		if immediate {
			opts = append(opts, WithImmediateFirstFrame())
		}
		p := NewProgram(firstFrameModel{}, opts...)
		done := make(chan error, 1)
		go func() { _, err := p.Run(); done <- err }()
		var shown bool
		select {
		case <-out.seen:
			shown = true
		case <-time.After(500 * time.Millisecond):
		}
		p.Quit()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if shown != immediate {
			t.Errorf("immediate first frame %v: frame shown within half a tick = %v", immediate, shown)
		}
	}
}
