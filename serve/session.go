package serve

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"golang.org/x/time/rate"

	"github.com/kvdo/kvdo/tui"
)

// member is one SSH session in the room: its program, its mailbox, and
// the one goroutine that delivers messages to the program and watches
// the session's limits. Everything it starts ends with the session.
type member struct {
	id    int
	role  Role
	addr  string // the source address, without the port
	start time.Time
	box   *mailbox

	name  string                    // from the key's comment; the participant may type another
	where atomic.Pointer[tui.Where] // the program's last report

	ctx      context.Context // the program's: cancelled to kill it
	cancel   context.CancelFunc
	prog     *tea.Program  // set before the loop starts
	loopDone chan struct{} // closed when the loop has returned; nil without a program

	lastKey atomic.Int64 // unix nanoseconds of the last input
	frames  atomic.Int64 // writes to the terminal: the renderer writes once a frame
	sent    atomic.Int64 // bytes written

	mu       sync.Mutex
	reason   string // why the session ended, for the farewell line
	code     int    // its exit status
	stopping bool
	stop     chan struct{} // closed when the session should end
}

func newMember(parent context.Context, role Role, addr, name string, now time.Time) *member {
	ctx, cancel := context.WithCancel(parent)
	m := &member{role: role, addr: addr, name: name, start: now, box: newMailbox(), ctx: ctx, cancel: cancel, stop: make(chan struct{})}
	m.lastKey.Store(now.UnixNano())
	return m
}

// reported is where the program last said it was.
func (m *member) reported() tui.Where {
	if w := m.where.Load(); w != nil {
		return *w
	}
	return tui.Where{}
}

func (m *member) lastInput() time.Time { return time.Unix(0, m.lastKey.Load()) }

// end asks the session to end with reason (the first reason given wins);
// it returns at once, the member's loop does the rest.
func (m *member) end(reason string, code int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopping {
		return
	}
	m.stopping, m.reason, m.code = true, reason, code
	close(m.stop)
}

// farewell is why the session ended, "" when the participant left.
func (m *member) farewell() (string, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reason, m.code
}

// limits the loop enforces.
type limits struct {
	idle, maxLength time.Duration
}

// quitGrace is how long a program may take to quit when asked before it
// is killed.
const quitGrace = 2 * time.Second

// loop delivers the room's messages to the program and ends the session
// at its limits or when asked. It returns when the session ends.
func (m *member) loop(l limits, following func() bool) {
	every := time.Second
	for _, d := range []time.Duration{l.idle, l.maxLength} {
		if d > 0 {
			every = min(every, max(d/4, 10*time.Millisecond))
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.ctx.Done():
			return
		case <-m.box.wake:
			for _, msg := range m.box.take() {
				m.prog.Send(msg) // returns at once if the program has ended
			}
		case now := <-t.C:
			switch {
			case l.maxLength > 0 && now.Sub(m.start) >= l.maxLength:
				m.end("the session reached its maximum length ("+l.maxLength.String()+")", 1)
			case l.idle > 0 && now.Sub(m.lastInput()) >= l.idle && !following():
				m.end("closed after "+l.idle.String()+" without a key", 1)
			}
		case <-m.stop:
			// Quit restores the terminal (the alternate screen, the
			// cursor, the mouse); a program that does not answer in time
			// is killed.
			kill := time.AfterFunc(quitGrace, m.cancel)
			m.prog.Quit()
			<-m.ctx.Done() // cancelled when the session's handler returns
			kill.Stop()
			return
		}
	}
}

// input is the session's keyboard as the program reads it: every read is
// noted for the idle timeout and counted against the input rate. Past the
// rate the session ends (a flood of input costs every session CPU).
type input struct {
	r   io.Reader
	m   *member
	lim *rate.Limiter
	msg string
}

func (in *input) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	if n > 0 {
		now := time.Now()
		in.m.lastKey.Store(now.UnixNano())
		if in.lim != nil && !in.lim.AllowN(now, n) {
			in.m.end(in.msg, 1)
		}
	}
	return n, err
}

// keyboard turns the session's input into events and hands each to the
// program with Send, which gives up once the program has ended. bubbletea
// v2.1.1's own reader hands them over with a plain channel send: input
// that arrives as a program quits leaves that reader, and with it the
// session's whole model, waiting for ever. keyboard returns when the
// session's input ends, which it does when the session closes.
func (m *member) keyboard(in io.Reader, term string) {
	events := make(chan uv.Event)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = uv.NewTerminalReader(in, term).StreamEvents(m.ctx, events)
	}()
	for {
		select {
		case ev := <-events:
			m.prog.Send(ev)
		case <-done:
			return
		}
	}
}

// quiet is the input the program itself reads: nothing, until the
// session's context ends. Its reader then stops; it never holds an event.
type quiet struct{ ctx context.Context }

func (q quiet) Read([]byte) (int, error) {
	<-q.ctx.Done()
	return 0, io.EOF
}

// output is the session's screen as the program writes it, counted: the
// renderer writes each frame in one call.
type output struct {
	w io.Writer
	m *member
}

func (o *output) Write(p []byte) (int, error) {
	o.m.frames.Add(1)
	o.m.sent.Add(int64(len(p)))
	return o.w.Write(p)
}
