package tui

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// crashMsg makes crashModel's screen panic.
type crashMsg struct{}

// crashModel is kvdo's root with a screen that panics on crashMsg.
type crashModel struct{ *Model }

func (c crashModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(crashMsg); ok {
		panic("a bug in a screen")
	}
	_, cmd := c.Model.Update(msg)
	return c, cmd
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAPanicInAScreenRestoresTheTerminal: the program stops with an
// error (kvdo then exits 1) and the last thing written to the terminal
// leaves the alternate screen and shows the cursor again.
func TestAPanicInAScreenRestoresTheTerminal(t *testing.T) {
	m := newTestModel(t, 80, 24, true)
	var out lockedBuffer
	p := tea.NewProgram(crashModel{m}, tea.WithInput(nil), tea.WithOutput(&out), tea.WithWindowSize(80, 24),
		tea.WithoutSignals(), tea.WithColorProfile(colorprofile.Ascii))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "Open review") {
		if time.Now().After(deadline) {
			t.Fatal("the home screen never showed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.Send(crashMsg{})
	select {
	case err := <-done:
		if !errors.Is(err, tea.ErrProgramPanic) {
			t.Fatalf("Run returned %v, want a panic error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not stop after the panic")
	}
	s := out.String()
	leave := strings.LastIndex(s, "\x1b[?1049l")
	if leave < 0 || leave < strings.LastIndex(s, "\x1b[?1049h") {
		t.Error("the alternate screen was not left")
	}
	if strings.LastIndex(s, "\x1b[?25h") < strings.LastIndex(s, "\x1b[?25l") {
		t.Error("the cursor was left hidden")
	}
}
