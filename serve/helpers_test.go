package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	charmlog "charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui"
)

const testCode = "test-room-code"

func TestMain(m *testing.M) {
	// wish logs each program that ends with an error; a client hanging up
	// is one, and the tests hang up hundreds.
	charmlog.SetLevel(charmlog.FatalLevel)
	os.Exit(m.Run())
}

var (
	appOnce sync.Once
	testApp *app.App
)

func loadApp(t testing.TB) *app.App {
	appOnce.Do(func() {
		a, err := app.Load("")
		if err != nil {
			panic(err)
		}
		testApp = a
	})
	return testApp
}

// keyPair is a client key with its authorized_keys line.
type keyPair struct {
	signer gossh.Signer
	line   string
}

func newKey(t testing.TB, comment string) keyPair {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey()))) + " " + comment
	return keyPair{signer: s, line: line}
}

func keysOf(t testing.TB, ks ...keyPair) Keys {
	t.Helper()
	var b strings.Builder
	for _, k := range ks {
		b.WriteString(k.line + "\n")
	}
	out, err := ParseKeys("test_keys", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// room is a server on an ephemeral loopback port, shut down at the end of
// the test.
type testRoom struct {
	srv     *Server
	addr    string
	done    chan error
	stopped sync.Once
}

func startRoom(t testing.TB, cfg Config) *testRoom {
	t.Helper()
	cfg.App = loadApp(t)
	if cfg.HostKey == nil {
		_, priv, _ := ed25519.GenerateKey(rand.Reader)
		cfg.HostKey, _ = gossh.NewSignerFromKey(priv)
	}
	if cfg.RoomCode == "" && cfg.AllowedKeys.Len() == 0 {
		cfg.RoomCode = testCode
	}
	cfg.Date = "2026-11-30"
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &testRoom{srv: srv, addr: ln.Addr().String(), done: make(chan error, 1)}
	go func() { r.done <- srv.Serve(ln) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *testRoom) stop(t testing.TB) {
	r.stopped.Do(func() { r.shutdown(t) })
}

func (r *testRoom) shutdown(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = r.srv.Shutdown(ctx)
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Error("Serve did not return after Shutdown")
	}
}

func (r *testRoom) dial(user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", r.addr, &gossh.ClientConfig{
		User: user, Auth: auth, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
}

// term is a client with a PTY on the room: what it receives is kept (its
// last 256 KiB) and counted.
type term struct {
	t      testing.TB
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser

	mu     sync.Mutex
	out    []byte
	total  int
	writes int
	closed chan struct{}
	exit   error
}

const keepOut = 256 << 10

func (tm *term) Write(p []byte) (int, error) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.total += len(p)
	tm.writes++
	tm.out = append(tm.out, p...)
	if len(tm.out) > keepOut {
		tm.out = append(tm.out[:0], tm.out[len(tm.out)-keepOut/2:]...)
	}
	return len(p), nil
}

// open starts the TUI on a new session of client, w x h.
func open(t testing.TB, client *gossh.Client, w, h int) *term {
	t.Helper()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, client: client, sess: sess, closed: make(chan struct{})}
	sess.Stdout = tm
	sess.Stderr = tm
	if tm.stdin, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() {
		tm.exit = sess.Wait()
		close(tm.closed)
	}()
	t.Cleanup(func() { tm.close() })
	return tm
}

// participant connects with the room code and opens the TUI.
func participant(t testing.TB, r *testRoom) *term {
	t.Helper()
	c, err := r.dial("room", gossh.Password(testCode))
	if err != nil {
		t.Fatal(err)
	}
	return open(t, c, 100, 30)
}

func (tm *term) close() {
	_ = tm.sess.Close()
	_ = tm.client.Close()
}

func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.stdin, s); err != nil {
		tm.t.Fatalf("typing %q: %v", s, err)
	}
}

// text is what was received lately, without escape sequences.
func (tm *term) text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.Strip(string(tm.out))
}

func (tm *term) raw() []byte {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return bytes.Clone(tm.out)
}

func (tm *term) received() (bytes, writes int) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.total, tm.writes
}

// waitText waits until the screen has shown s.
func (tm *term) waitText(s string, d time.Duration) {
	tm.t.Helper()
	if !eventually(d, func() bool { return strings.Contains(tm.text(), s) }) {
		tm.t.Fatalf("after %s the terminal has not shown %q; it shows:\n%s", d, s, tail(tm.text(), 1500))
	}
}

// waitClosed waits for the session to end.
func (tm *term) waitClosed(d time.Duration) bool {
	select {
	case <-tm.closed:
		return true
	case <-time.After(d):
		return false
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// eventually polls cond until it holds or d passes.
func eventually(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// member finds the room's member for a session's position in joining
// order (1-based ids).
func (r *testRoom) members() []*member {
	r.srv.room.mu.Lock()
	defer r.srv.room.mu.Unlock()
	var out []*member
	for _, m := range r.srv.room.members {
		out = append(out, m)
	}
	return out
}

// wheres copies every participant's report.
func (r *testRoom) wheres() map[int]memberWhere {
	r.srv.room.mu.Lock()
	defer r.srv.room.mu.Unlock()
	out := map[int]memberWhere{}
	for id, m := range r.srv.room.members {
		out[id] = memberWhere{role: m.role, where: m.reported()}
	}
	return out
}

type memberWhere struct {
	role  Role
	where tui.Where
}

// checkGoroutines fails when, some time after a test's sessions ended,
// more goroutines run than before it started.
func checkGoroutines(t testing.TB, before int) {
	t.Helper()
	var now int
	if !eventually(10*time.Second, func() bool {
		runtime.GC()
		now = runtime.NumGoroutine()
		return now <= before
	}) {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Errorf("%d goroutines before, %d after every session ended:\n%s", before, now, buf[:n])
	}
}
