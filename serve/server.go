// Package serve is kvdo's workshop room: the TUI served over SSH (charm
// wish) to each participant in a session of their own, with a facilitator,
// known by public key, who sees who is here and where, leads the room
// through a demo and asks it questions.
//
// Each SSH session runs one tea.Program on the root model of tui, sized
// from the client's PTY and following its resizes, in the client's colour
// profile. Nothing a participant does reaches another participant or the
// host's files (tui.Options.NoFiles): sessions meet only in the room's
// state, under its lock. Only the TUI is served: no shell, no exec, no
// port or agent forwarding, no SFTP.
package serve

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui"
	"github.com/kvdo/kvdo/tui/common"
)

// Config is a room's setup. Zero limits take the defaults.
type Config struct {
	App *app.App
	// Listen is the address to listen on: 127.0.0.1:2222 by default, so
	// a room is opened to the network only on purpose.
	Listen  string
	HostKey gossh.Signer // required
	// RoomCode is the passphrase participants type; empty with
	// AllowedKeys set means keys only.
	RoomCode    string
	AllowedKeys Keys // participants who may come in by public key
	// FacilitatorKeys are the only way to the facilitator's role (user
	// "facilitator"); without them nobody has it.
	FacilitatorKeys Keys

	MaxSessions   int           // participants at once (200)
	MaxPerAddress int           // participants from one source address (20)
	IdleTimeout   time.Duration // without a key (30 min); following a lead is not idle
	MaxLength     time.Duration // of one session (8 h)
	InputRate     int           // bytes per second a session may type (2048; bursts of 10 s)
	// FPS is the demo player's frames a second (15): every frame of every
	// session is drawn on this machine.
	FPS int

	Date     string // dates exported records (YYYY-MM-DD)
	NoMotion bool
	// Log, when set, gets one line per session and refusal.
	Log io.Writer
}

// Defaults for the limits.
const (
	DefaultListen        = "127.0.0.1:2222"
	DefaultMaxSessions   = 200
	DefaultMaxPerAddress = 20
	DefaultIdleTimeout   = 30 * time.Minute
	DefaultMaxLength     = 8 * time.Hour
	DefaultInputRate     = 2048
	DefaultFPS           = 15
)

// FacilitatorUser is the user name that asks for the facilitator's role.
const FacilitatorUser = "facilitator"

// Server is a running room.
type Server struct {
	cfg  Config
	ssh  *ssh.Server
	room *room

	conns     atomic.Int64 // TCP connections, authenticated or not
	sessions  sync.WaitGroup
	closeOnce sync.Once
	logMu     sync.Mutex
}

// New builds a room's server; Serve runs it.
func New(cfg Config) (*Server, error) {
	if cfg.App == nil || cfg.HostKey == nil {
		return nil, errors.New("serve: Config.App and Config.HostKey are required")
	}
	if cfg.RoomCode == "" && cfg.AllowedKeys.Len() == 0 {
		return nil, app.BadInput("no way in for participants: expected a room code or a file of allowed keys")
	}
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	cfg.MaxSessions = cmpOr(cfg.MaxSessions, DefaultMaxSessions)
	cfg.MaxPerAddress = cmpOr(cfg.MaxPerAddress, DefaultMaxPerAddress)
	cfg.IdleTimeout = cmpOr(cfg.IdleTimeout, DefaultIdleTimeout)
	cfg.MaxLength = cmpOr(cfg.MaxLength, DefaultMaxLength)
	cfg.InputRate = cmpOr(cfg.InputRate, DefaultInputRate)
	cfg.FPS = min(cmpOr(cfg.FPS, DefaultFPS), 60)
	s := &Server{cfg: cfg, room: newRoom(cfg.App.Pack)}
	srv, err := wish.NewServer(
		// The host key goes in first: a wish server made without one
		// writes a new key pair, id_ed25519, into the current directory.
		func(srv *ssh.Server) error { srv.AddHostKey(cfg.HostKey); return nil },
		wish.WithAddress(cfg.Listen),
		wish.WithVersion("kvdo"),
		wish.WithBannerHandler(func(ssh.Context) string {
			return "kvdo workshop room: type the room code when asked.\r\n"
		}),
		wish.WithMiddleware(
			s.farewell,
			bubbletea.MiddlewareWithProgramHandler(s.program),
			s.gate,
		),
	)
	if err != nil {
		return nil, err
	}
	srv.PublicKeyHandler = s.publicKey
	if cfg.RoomCode != "" {
		srv.PasswordHandler = s.password
		srv.KeyboardInteractiveHandler = s.keyboard
	}
	srv.ServerConfigCallback = func(ssh.Context) *gossh.ServerConfig {
		// Agents offer many keys before the room code is asked.
		return &gossh.ServerConfig{MaxAuthTries: 12}
	}
	srv.HandshakeTimeout = 30 * time.Second
	srv.ConnCallback = s.admitConn
	// Only a shell request starts the TUI: exec and subsystems (SFTP)
	// are refused; no forwarding handler is installed, so port
	// forwarding is refused; agent and X11 requests are refused below.
	srv.SessionRequestCallback = func(_ ssh.Session, kind string) bool { return kind == "shell" }
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": sessionOnly}
	srv.RequestHandlers = map[string]ssh.RequestHandler{}
	srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
	srv.LocalPortForwardingCallback = nil
	srv.ReversePortForwardingCallback = nil
	s.ssh = srv
	return s, nil
}

func cmpOr[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}

// Serve accepts sessions on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.ssh.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown ends every session with "the workshop has ended" (each
// program quits, so terminals are restored) and waits for them to end
// until ctx is done; then it closes the listener and every connection (a
// connection with no session left has nothing more to say).
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() { s.room.close("the workshop has ended") })
	done := make(chan struct{})
	go func() {
		s.sessions.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if cerr := s.ssh.Close(); err == nil {
		err = cerr
	}
	return err
}

// Sessions is the number of sessions in the room.
func (s *Server) Sessions() int { return s.room.size() }

func (s *Server) logf(format string, a ...any) {
	if s.cfg.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.cfg.Log, time.Now().Format("15:04:05")+" "+format+"\n", a...)
}

// admitConn bounds the connections that have not yet become sessions, so
// a flood of half-open connections cannot exhaust the host.
func (s *Server) admitConn(_ ssh.Context, c net.Conn) net.Conn {
	if s.conns.Add(1) > int64(2*s.cfg.MaxSessions+16) {
		s.conns.Add(-1)
		_ = c.Close()
		return nil
	}
	return &countedConn{Conn: c, n: &s.conns}
}

type countedConn struct {
	net.Conn
	n    *atomic.Int64
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.n.Add(-1) })
	return c.Conn.Close()
}

// Authentication: participants by the room code (password or
// keyboard-interactive) or an allowed key; the facilitator only by a
// facilitator key, never by the code.
func (s *Server) publicKey(ctx ssh.Context, key ssh.PublicKey) bool {
	if ctx.User() == FacilitatorUser {
		_, ok := s.cfg.FacilitatorKeys.Lookup(key)
		return ok
	}
	_, ok := s.cfg.AllowedKeys.Lookup(key)
	return ok
}

func (s *Server) password(ctx ssh.Context, pw string) bool {
	return ctx.User() != FacilitatorUser && s.codeMatches(pw)
}

func (s *Server) keyboard(ctx ssh.Context, ask gossh.KeyboardInteractiveChallenge) bool {
	if ctx.User() == FacilitatorUser {
		return false
	}
	ans, err := ask("", "", []string{"Room code: "}, []bool{true})
	return err == nil && len(ans) == 1 && s.codeMatches(ans[0])
}

func (s *Server) codeMatches(pw string) bool {
	pw = strings.TrimSpace(pw)
	return s.cfg.RoomCode != "" && subtle.ConstantTimeCompare([]byte(pw), []byte(s.cfg.RoomCode)) == 1
}

type memberKey struct{}

// gate admits a session: a terminal, within the limits, with its role
// and name; it runs the rest of the chain (the program) and leaves the
// room after it.
func (s *Server) gate(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if _, _, ok := sess.Pty(); !ok {
			wish.Errorf(sess, "kvdo serve only shows its full-screen program, which needs a terminal: connect with plain ssh (no command, no -T).\r\n")
			_ = sess.Exit(1)
			return
		}
		role, name := Participant, ""
		if sess.User() == FacilitatorUser {
			var ok bool
			name, ok = s.cfg.FacilitatorKeys.Lookup(sess.PublicKey())
			if !ok { // authentication makes this impossible; refuse anyway
				_ = sess.Exit(1)
				return
			}
			role = Facilitator
		} else if c, ok := s.cfg.AllowedKeys.Lookup(sess.PublicKey()); ok {
			name = c
		}
		if name == "" && role == Facilitator {
			name = "facilitator"
		}
		addr := sess.RemoteAddr().String()
		if h, _, err := net.SplitHostPort(addr); err == nil {
			addr = h
		}
		m := newMember(sess.Context(), role, addr, name, time.Now())
		if err := s.room.admit(m, s.cfg.MaxSessions, s.cfg.MaxPerAddress); err != nil {
			s.logf("refused %s from %s: %v", role, addr, err)
			wish.Errorf(sess, "%s\r\n", err)
			m.cancel()
			_ = sess.Exit(1)
			return
		}
		s.sessions.Add(1)
		defer s.sessions.Done()
		s.logf("%s %d joined from %s (%d in the room)", role, m.id, addr, s.room.size())
		sess.Context().SetValue(memberKey{}, m)
		next(sess) // builds the program (which starts the member's loop) and runs it
		s.room.leave(m)
		m.cancel()
		if m.loopDone != nil {
			<-m.loopDone
		}
		reason, _ := m.farewell()
		s.logf("%s %d left (%s)", role, m.id, cmpOr(reason, "quit"))
	}
}

// program builds the session's tea.Program: the TUI's root model with no
// access to files, linked to the room, in the client's terminal.
func (s *Server) program(sess ssh.Session) *tea.Program {
	m, _ := sess.Context().Value(memberKey{}).(*member)
	if m == nil {
		return nil
	}
	env := environ(sess.Environ())
	opts := tui.Options{
		Start:      tui.StartHome,
		App:        s.cfg.App,
		Date:       s.cfg.Date,
		NoMotion:   s.cfg.NoMotion,
		FPS:        s.cfg.FPS,
		NoFiles:    true,
		Room:       link{room: s.room, m: m},
		Name:       m.name,
		Background: tui.BackgroundFromColorFGBG(env["COLORFGBG"]),
		NoColor:    env["NO_COLOR"] != "",
	}
	if m.role == Facilitator {
		opts.Panel = func(com *common.Common) tui.Panel { return newPanel(com, s.room, m.id) }
	}
	model, err := tui.New(opts)
	if err != nil {
		m.end("kvdo could not start: "+err.Error(), 1)
		return nil
	}
	burst := max(s.cfg.InputRate*10, 4096)
	in := &input{r: sess, m: m, lim: rate.NewLimiter(rate.Limit(s.cfg.InputRate), burst),
		msg: fmt.Sprintf("closed: more input than a room allows (%d bytes a second)", s.cfg.InputRate)}
	// Signals are the server's: a program of its own would take SIGINT
	// as its user's ctrl+c and die without its farewell.
	// The program reads a keyboard that never types (see keyboard): its
	// events come from m.keyboard instead.
	popts := append(bubbletea.MakeOptions(sess), tea.WithInput(quiet{m.ctx}), tea.WithOutput(&output{w: sess, m: m}),
		tea.WithContext(m.ctx), tea.WithoutSignalHandler(), tea.WithFPS(min(2*s.cfg.FPS, 60)),
		// A participant sees the screen as soon as it is drawn, not a tick later.
		tea.WithImmediateFirstFrame())
	m.prog = tea.NewProgram(model, popts...)
	pty, _, _ := sess.Pty()
	go m.keyboard(in, pty.Term)
	m.loopDone = make(chan struct{})
	go func() {
		defer close(m.loopDone)
		m.loop(limits{idle: s.cfg.IdleTimeout, maxLength: s.cfg.MaxLength}, func() bool { return s.room.following(m.id) })
	}()
	return m.prog
}

// farewell runs after the program has quit (and restored the terminal):
// it says why the session ended, when the room ended it.
func (s *Server) farewell(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		m, _ := sess.Context().Value(memberKey{}).(*member)
		if m != nil {
			if reason, code := m.farewell(); reason != "" {
				// Whatever the program left, leave a plain terminal: main
				// screen, cursor shown, mouse off, default colours.
				wish.Printf(sess, "\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[0m\r\nkvdo: %s.\r\n", reason)
				_ = sess.Exit(code)
			}
		}
		next(sess)
	}
}

func environ(kv []string) map[string]string {
	out := map[string]string{}
	for _, e := range kv {
		if k, v, ok := strings.Cut(e, "="); ok {
			out[k] = v
		}
	}
	return out
}

// link is one session's tui.Room: its reports return at once.
type link struct {
	room *room
	m    *member
}

func (l link) Moved(w tui.Where)            { l.room.moved(l.m, w) }
func (l link) Answered(poll int, value any) { l.room.answer(l.m.id, poll, value) }

// sessionOnly is the session channel without agent or X11 forwarding:
// those requests are refused before the session sees them.
func sessionOnly(srv *ssh.Server, conn *gossh.ServerConn, ch gossh.NewChannel, ctx ssh.Context) {
	ssh.DefaultSessionHandler(srv, conn, refusingChannel{ch}, ctx)
}

type refusingChannel struct{ gossh.NewChannel }

func (c refusingChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		// Ends when the channel's requests end, with the channel.
		defer close(out)
		for req := range reqs {
			switch req.Type {
			case "auth-agent-req@openssh.com", "x11-req":
				if req.WantReply {
					_ = req.Reply(false, nil)
				}
				continue
			}
			out <- req
		}
	}()
	return ch, out, nil
}
