package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui"
)

// Keys as a terminal sends them.
const (
	keyEnter = "\r"
	keyTab   = "\t"
	keyRight = "\x1b[C"
)

// crowd is how many participants the crowd tests connect: the race
// detector makes each session several times slower.
func crowd() int {
	if raceEnabled {
		return 20
	}
	return 100
}

// join connects n participants named p1..pn and waits for each to reach
// the home screen.
func join(t testing.TB, r *testRoom, n int) []*term {
	t.Helper()
	ts := make([]*term, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := r.dial("room", gossh.Password(testCode))
			if err != nil {
				errs <- err
				return
			}
			ts[i] = openQuiet(c)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i, tm := range ts {
		tm.t = t
		t.Cleanup(tm.close)
		tm.send(fmt.Sprintf("p%d%s", i+1, keyEnter))
	}
	r.waitAll(t, 60*time.Second, "every participant on the home screen", func(w tui.Where) bool { return w.Screen == "home" })
	return ts
}

// openQuiet is open without a testing.TB (it runs on other goroutines).
func openQuiet(c *gossh.Client) *term {
	sess, err := c.NewSession()
	if err != nil {
		panic(err)
	}
	tm := &term{client: c, sess: sess, closed: make(chan struct{})}
	sess.Stdout, sess.Stderr = tm, tm
	if tm.stdin, err = sess.StdinPipe(); err != nil {
		panic(err)
	}
	if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		panic(err)
	}
	if err := sess.Shell(); err != nil {
		panic(err)
	}
	go func() {
		tm.exit = sess.Wait()
		close(tm.closed)
	}()
	return tm
}

// waitAll waits until every participant's report satisfies cond.
func (r *testRoom) waitAll(t testing.TB, d time.Duration, what string, cond func(tui.Where) bool) {
	t.Helper()
	var bad []string
	ok := eventually(d, func() bool {
		bad = bad[:0]
		for id, mw := range r.wheres() {
			if mw.role == Participant && !cond(mw.where) {
				bad = append(bad, fmt.Sprintf("#%d %+v", id, mw.where))
			}
		}
		return len(bad) == 0
	})
	if !ok {
		t.Fatalf("%s: not after %s; %d still not: %s", what, d, len(bad), strings.Join(bad[:min(len(bad), 5)], "; "))
	}
}

// leader is the facilitator's report.
func (r *testRoom) leader(t testing.TB) tui.Where {
	t.Helper()
	for _, mw := range r.wheres() {
		if mw.role == Facilitator {
			return mw.where
		}
	}
	t.Fatal("no facilitator in the room")
	return tui.Where{}
}

func facilitator(t *testing.T, r *testRoom, k keyPair) *term {
	t.Helper()
	c, err := r.dial(FacilitatorUser, gossh.PublicKeys(k.signer))
	if err != nil {
		t.Fatal(err)
	}
	return open(t, c, 120, 30)
}

func TestAParticipantSeesTheHomeScreenWithoutFiles(t *testing.T) {
	before := runtime.NumGoroutine()
	r := startRoom(t, Config{})
	p := participant(t, r)
	p.waitText("Your name", 10*time.Second)
	p.send("Ana" + keyEnter)
	p.waitText("Demos", 10*time.Second)
	home := p.text()
	for _, want := range []string{"Advise", "Demos", "Learn"} {
		if !strings.Contains(home, want) {
			t.Errorf("the home screen lacks %q", want)
		}
	}
	if strings.Contains(home, "Open review") {
		t.Error("a participant is offered Open review: the host's files are not theirs")
	}
	r.waitAll(t, 5*time.Second, "Ana on the home screen", func(w tui.Where) bool { return w.Name == "Ana" && w.Screen == "home" })
	p.close()
	r.stop(t)
	checkGoroutines(t, before)
}

func TestAWrongRoomCodeIsRefused(t *testing.T) {
	r := startRoom(t, Config{})
	if c, err := r.dial("room", gossh.Password("not-the-code")); err == nil {
		c.Close()
		t.Fatal("a wrong room code was let in")
	}
	answer := gossh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
		return make([]string, len(qs)), nil
	})
	if c, err := r.dial("room", answer); err == nil {
		c.Close()
		t.Fatal("an empty room code was let in")
	}
	right := gossh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
		return []string{testCode}, nil
	})
	c, err := r.dial("room", right)
	if err != nil {
		t.Fatalf("the right room code, typed at the prompt, was refused: %v", err)
	}
	c.Close()
}

func TestOnlyAFacilitatorKeyGivesTheFacilitatorsRole(t *testing.T) {
	fac, other := newKey(t, "Fiona"), newKey(t, "Mallory")
	r := startRoom(t, Config{FacilitatorKeys: keysOf(t, fac), AllowedKeys: keysOf(t, other), RoomCode: testCode})
	if c, err := r.dial(FacilitatorUser, gossh.Password(testCode)); err == nil {
		c.Close()
		t.Error("the room code opened the facilitator's role")
	}
	if c, err := r.dial(FacilitatorUser, gossh.PublicKeys(other.signer)); err == nil {
		c.Close()
		t.Error("a participant's key opened the facilitator's role")
	}
	// The participant's own key still lets them in as a participant,
	// named by its comment.
	c, err := r.dial("room", gossh.PublicKeys(other.signer))
	if err != nil {
		t.Fatalf("an allowed key was refused: %v", err)
	}
	p := open(t, c, 100, 30)
	p.waitText("Demos", 10*time.Second)
	if strings.Contains(p.text(), "Room") {
		t.Error("a participant's home offers the Room view")
	}
	f := facilitator(t, r, fac)
	f.waitText("Room", 10*time.Second)
	f.send("r")
	f.waitText("Mallory", 10*time.Second) // who is connected, by the key's comment
	if w := r.leader(t); w.Name != "Fiona" || w.Screen != "room" {
		t.Errorf("the facilitator reports %+v, expected Fiona on the room view", w)
	}
}

func TestOnlyTheTUIIsServed(t *testing.T) {
	r := startRoom(t, Config{})
	c, err := r.dial("room", gossh.Password(testCode))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	t.Run("exec is refused", func(t *testing.T) {
		s, _ := c.NewSession()
		defer s.Close()
		if out, err := s.CombinedOutput("cat /etc/passwd"); err == nil {
			t.Fatalf("exec ran: %q", out)
		}
	})
	t.Run("SFTP is refused", func(t *testing.T) {
		s, _ := c.NewSession()
		defer s.Close()
		if err := s.RequestSubsystem("sftp"); err == nil {
			t.Fatal("the sftp subsystem was granted")
		}
	})
	t.Run("agent forwarding is refused", func(t *testing.T) {
		s, _ := c.NewSession()
		defer s.Close()
		ok, err := s.SendRequest("auth-agent-req@openssh.com", true, nil)
		if err == nil && ok {
			t.Fatal("agent forwarding was granted")
		}
	})
	t.Run("local port forwarding is refused", func(t *testing.T) {
		if conn, err := c.Dial("tcp", r.addr); err == nil {
			conn.Close()
			t.Fatal("a direct-tcpip channel was opened")
		}
	})
	t.Run("remote port forwarding is refused", func(t *testing.T) {
		if l, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
			l.Close()
			t.Fatal("a tcpip-forward was granted")
		}
	})
	t.Run("a session without a terminal is told why and closed", func(t *testing.T) {
		s, _ := c.NewSession()
		defer s.Close()
		var out strings.Builder
		s.Stdout, s.Stderr = &out, &out
		if err := s.Shell(); err != nil {
			t.Fatal(err)
		}
		err := s.Wait()
		var ee *gossh.ExitError
		if !asExit(err, &ee) || ee.ExitStatus() != 1 {
			t.Errorf("exit: %v, expected status 1", err)
		}
		if !strings.Contains(out.String(), "needs a terminal") {
			t.Errorf("the message was %q", out.String())
		}
	})
}

func asExit(err error, ee **gossh.ExitError) bool {
	e, ok := err.(*gossh.ExitError)
	*ee = e
	return ok
}

func TestAnIdleSessionIsClosedAtTheTimeout(t *testing.T) {
	before := runtime.NumGoroutine()
	r := startRoom(t, Config{IdleTimeout: 400 * time.Millisecond})
	p := participant(t, r)
	p.waitText("Your name", 10*time.Second)
	start := time.Now()
	if !p.waitClosed(10 * time.Second) {
		t.Fatal("the idle session was not closed")
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("closed after %s, before the timeout", d)
	}
	if !strings.Contains(p.text(), "without a key") {
		t.Errorf("no reason given: %q", tail(p.text(), 300))
	}
	if !strings.Contains(string(p.raw()), "\x1b[?1049l") {
		t.Error("the alternate screen was not left")
	}
	r.stop(t)
	checkGoroutines(t, before)
}

func TestTheSessionCapsHold(t *testing.T) {
	r := startRoom(t, Config{MaxSessions: 3, MaxPerAddress: 3})
	join(t, r, 3)
	extra := participant(t, r)
	if !extra.waitClosed(10 * time.Second) {
		t.Fatal("a fourth session stayed open in a room of three")
	}
	if !strings.Contains(extra.text(), "the room is full (3 sessions)") {
		t.Errorf("the refusal said %q", extra.text())
	}
	if n := r.srv.Sessions(); n != 3 {
		t.Errorf("%d sessions in the room, expected 3", n)
	}

	r2 := startRoom(t, Config{MaxSessions: 10, MaxPerAddress: 2})
	join(t, r2, 2)
	third := participant(t, r2)
	if !third.waitClosed(10 * time.Second) {
		t.Fatal("a third session from one address stayed open")
	}
	if !strings.Contains(third.text(), "too many sessions from 127.0.0.1 (2 at most)") {
		t.Errorf("the refusal said %q", third.text())
	}
}

func TestInputPastTheRateClosesTheSession(t *testing.T) {
	r := startRoom(t, Config{InputRate: 100}) // bursts of 4 KiB
	p := participant(t, r)
	p.waitText("Your name", 10*time.Second)
	p.send(strings.Repeat("x", 6000))
	if !p.waitClosed(10 * time.Second) {
		t.Fatal("a flood of input did not close the session")
	}
	if !strings.Contains(p.text(), "more input than a room allows") {
		t.Errorf("the reason was %q", tail(p.text(), 300))
	}
}

func TestShutdownEndsTheWorkshopForEveryone(t *testing.T) {
	before := runtime.NumGoroutine()
	r := startRoom(t, Config{})
	ts := join(t, r, 5)
	ts[0].send("d" + keyEnter + " ") // one of them playing a demo
	r.stop(t)
	for i, tm := range ts {
		if !tm.waitClosed(10 * time.Second) {
			t.Fatalf("participant %d still connected after shutdown", i+1)
		}
		if !strings.Contains(tm.text(), "the workshop has ended") {
			t.Errorf("participant %d was not told the workshop ended: %q", i+1, tail(tm.text(), 200))
		}
		if !strings.Contains(string(tm.raw()), "\x1b[?1049l") {
			t.Errorf("participant %d's terminal was left on the alternate screen", i+1)
		}
	}
	if c, err := r.dial("room", gossh.Password(testCode)); err == nil {
		c.Close()
		t.Error("a newcomer got in after the workshop ended")
	}
	checkGoroutines(t, before)
}

func TestTheFacilitatorClosesASession(t *testing.T) {
	fac := newKey(t, "Fiona")
	r := startRoom(t, Config{FacilitatorKeys: keysOf(t, fac)})
	ts := join(t, r, 2)
	f := facilitator(t, r, fac)
	f.waitText("Room", 10*time.Second)
	f.send("r")
	f.waitText("p2", 10*time.Second)
	// The facilitator is listed first: down to p1, x, then y to confirm.
	// The facilitator is listed first, then participants in the order
	// they came: the first to come is closed (down, x, yes).
	first, firstID := -1, 0
	for id, mw := range r.wheres() {
		if mw.role == Participant && (firstID == 0 || id < firstID) {
			firstID = id
			fmt.Sscanf(mw.where.Name, "p%d", &first)
		}
	}
	f.send("j" + "x" + "y")
	kicked, kept := ts[first-1], ts[2-first]
	if !kicked.waitClosed(10 * time.Second) {
		t.Fatalf("p%d's session was not closed", first)
	}
	if !strings.Contains(kicked.text(), "the facilitator closed this session") {
		t.Errorf("p%d was told %q", first, tail(kicked.text(), 200))
	}
	if kept.waitClosed(300 * time.Millisecond) {
		t.Error("the other participant's session was closed too")
	}
}

func TestFollowModeMovesEveryParticipantsCursor(t *testing.T) {
	before := runtime.NumGoroutine()
	fac := newKey(t, "Fiona")
	r := startRoom(t, Config{FacilitatorKeys: keysOf(t, fac), MaxPerAddress: 200})
	ts := join(t, r, crowd())
	f := facilitator(t, r, fac)
	f.waitText("Room", 10*time.Second)
	f.send("r" + keyTab + keyEnter) // Room, Lead, the first demo
	r.waitAll(t, 60*time.Second, "every participant on the leader's demo", func(w tui.Where) bool {
		return w.Following && w.Demo == "race" && w.Player != nil
	})
	if !eventually(30*time.Second, func() bool { l := r.leader(t); return l.Player != nil && l.Player.Total > 0 }) {
		t.Fatal("the leader's run never became ready")
	}

	f.send(" ") // play
	r.waitAll(t, 30*time.Second, "every cursor moving", func(w tui.Where) bool { return w.Player.At > 0 && w.Player.Playing })
	f.send(" ") // pause: every cursor comes to rest where the leader's is
	var lead tui.Where
	eventually(5*time.Second, func() bool { lead = r.leader(t); return lead.Player != nil && !lead.Player.Playing })
	r.waitAll(t, 30*time.Second, "every cursor at the leader's", func(w tui.Where) bool { return w.Player.Equal(*lead.Player) })

	f.send(keyRight) // one event on
	eventually(5*time.Second, func() bool { l := r.leader(t); return l.Player.K == lead.Player.K+1 })
	lead = r.leader(t)
	r.waitAll(t, 30*time.Second, "every cursor one event on", func(w tui.Where) bool { return w.Player.Equal(*lead.Player) })

	// One participant goes their own way, then rejoins with one key.
	own := ts[0]
	own.send(keyRight)
	id := 0
	eventually(5*time.Second, func() bool {
		for i, mw := range r.wheres() {
			if mw.where.Name == "p1" && !mw.where.Following {
				id = i
				return true
			}
		}
		return false
	})
	if id == 0 {
		t.Fatal("a key of p1's did not end their following")
	}
	if w := r.wheres()[id].where; w.Player.K != lead.Player.K+1 {
		t.Errorf("p1 stepped to %d, expected %d", w.Player.K, lead.Player.K+1)
	}
	own.send("F")
	if !eventually(5*time.Second, func() bool {
		w := r.wheres()[id].where
		return w.Following && w.Player.Equal(*lead.Player)
	}) {
		t.Errorf("F did not bring p1 back: %+v", r.wheres()[id].where)
	}

	// A participant who comes in while the lead runs lands on it, at the
	// leader's cursor.
	c, err := r.dial("room", gossh.Password(testCode))
	if err != nil {
		t.Fatal(err)
	}
	late := openQuiet(c)
	late.t = t
	late.send("late" + keyEnter)
	var lw tui.Where
	if !eventually(30*time.Second, func() bool {
		for _, mw := range r.wheres() {
			if mw.where.Name == "late" {
				lw = mw.where
				return lw.Following && lw.Demo == "race" && lw.Player != nil && lw.Player.Equal(*lead.Player)
			}
		}
		return false
	}) {
		t.Errorf("a participant who joined during the lead is not at the leader's cursor: %+v", lw)
	}

	f.close()
	late.close()
	for _, tm := range ts {
		tm.close()
	}
	r.stop(t)
	checkGoroutines(t, before)
}

func TestAPollsAnswersAddUp(t *testing.T) {
	fac := newKey(t, "Fiona")
	r := startRoom(t, Config{FacilitatorKeys: keysOf(t, fac)})
	n := 10
	ts := join(t, r, n)
	f := facilitator(t, r, fac)
	f.waitText("Room", 10*time.Second)
	f.send("r" + keyTab + keyTab + keyEnter) // Room, Poll, the first question
	r.waitAll(t, 30*time.Second, "every participant asked", func(w tui.Where) bool { return w.Screen == "poll" })
	q := r.srv.room.poll.question
	if q.Type != "bool" {
		t.Fatalf("the first question is %s, a %s; the test answers yes/no", q.ID, q.Type)
	}
	yes := 7
	for i, tm := range ts {
		if i < yes {
			tm.send("y")
		} else {
			tm.send("n")
		}
	}
	var v roomView
	if !eventually(10*time.Second, func() bool { v = r.srv.room.view(time.Now()); return v.Poll.Total == n }) {
		t.Fatalf("%d answers arrived of %d", v.Poll.Total, n)
	}
	sum := 0
	counts := map[string]int{}
	for _, b := range v.Poll.Buckets {
		sum += b.Count
		counts[b.Label] = b.Count
	}
	if sum != n || counts["yes"] != yes || counts["no"] != n-yes {
		t.Errorf("the tally is %v (sum %d), expected yes %d, no %d", v.Poll.Buckets, sum, yes, n-yes)
	}
	if got := v.Answers[q.ID]; got != true {
		t.Errorf("the room's answer to %s is %v, expected the majority's yes", q.ID, got)
	}
	want := advisor.Evaluate(loadApp(t).Pack, advisor.Item{Name: v.Item, Answers: advisor.Answers{q.ID: true}})
	if v.Lean == nil || v.Lean.Rec.Primary != want.Primary {
		t.Fatalf("the room's recommendation is %v, advisor.Evaluate says %s", v.Lean, want.Primary)
	}
	if v.Why == "" {
		t.Error("no demo shows why")
	}
	f.waitText(fmt.Sprintf("%d answers", n), 10*time.Second)
	// Everyone is back where they were.
	r.waitAll(t, 10*time.Second, "every participant back home", func(w tui.Where) bool { return w.Screen == "home" })

	// d leads the room into the demo that shows why.
	f.send("d")
	r.waitAll(t, 30*time.Second, "every participant on the demo that shows why", func(w tui.Where) bool {
		return w.Demo == v.Why && w.Following
	})
}

func TestAHundredParticipantsPlayAndAllGetFrames(t *testing.T) {
	r := startRoom(t, Config{MaxPerAddress: 200})
	ts := join(t, r, crowd())
	for _, tm := range ts {
		tm.send("d" + keyEnter) // Demos, the first
	}
	r.waitAll(t, 60*time.Second, "every run ready", func(w tui.Where) bool { return w.Player != nil && w.Player.Total > 0 })
	for _, tm := range ts {
		tm.send(" ") // play
	}
	r.waitAll(t, 60*time.Second, "every participant playing", func(w tui.Where) bool { return w.Player != nil && w.Player.Playing })
	// Every session gets frames while it plays: at least 3 each, within
	// 30 s (on a loaded 2-core machine a session draws a few a second).
	ms := r.members()
	start := make([]int64, len(ms))
	got := make([]int, len(ts))
	for i, m := range ms {
		start[i] = m.frames.Load()
	}
	for i, tm := range ts {
		got[i], _ = tm.received()
	}
	var slow []string
	ok := eventually(30*time.Second, func() bool {
		slow = slow[:0]
		for i, m := range ms {
			if n := m.frames.Load() - start[i]; n < 3 {
				slow = append(slow, fmt.Sprintf("#%d sent %d", m.id, n))
			}
		}
		for i, tm := range ts {
			if n, _ := tm.received(); n <= got[i] {
				slow = append(slow, fmt.Sprintf("p%d received nothing", i+1))
			}
		}
		return len(slow) == 0
	})
	if !ok {
		t.Errorf("after 30 s of play, sessions with fewer than 3 frames sent or none received: %v", slow)
	}
}

func TestTheHostKeyIsMadeOnceAndKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "host_key")
	s1, made, err := LoadHostKey(path)
	if err != nil || !made {
		t.Fatalf("first start: made=%v err=%v", made, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the key file is %v, expected -rw-------", fi.Mode().Perm())
	}
	s2, made, err := LoadHostKey(path)
	if err != nil || made {
		t.Fatalf("second start: made=%v err=%v", made, err)
	}
	if gossh.FingerprintSHA256(s1.PublicKey()) != gossh.FingerprintSHA256(s2.PublicKey()) {
		t.Error("the second start has another key")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(bad, []byte("not a key"), 0o600)
	if _, _, err := LoadHostKey(bad); !app.IsBadInput(err) || !strings.Contains(err.Error(), bad) {
		t.Errorf("a bad key file gave %v", err)
	}
}

func TestAKeysFileWithABadLineNamesIt(t *testing.T) {
	k := newKey(t, "Ana")
	_, err := ParseKeys("keys", []byte("# participants\n"+k.line+"\nssh-ed25519 garbage Bob\n"))
	if !app.IsBadInput(err) || !strings.HasPrefix(err.Error(), "keys:3:1:") {
		t.Errorf("got %v, expected keys:3:1: ...", err)
	}
	ks, err := ParseKeys("keys", []byte(k.line+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if name, ok := ks.Lookup(k.signer.PublicKey()); !ok || name != "Ana" {
		t.Errorf("lookup: %q %v", name, ok)
	}
}

func TestRoomCodesAreReadable(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		c := NewRoomCode()
		if len(c) != 14 || strings.Count(c, "-") != 2 || strings.ContainsAny(c, "01ilo") {
			t.Fatalf("code %q: expected xxxx-xxxx-xxxx without look-alikes", c)
		}
		seen[c] = true
	}
	if len(seen) < 50 {
		t.Error("room codes repeat")
	}
}

// A room writes nothing where it is started: its host key is the one it
// is given (wish, given none, writes a new key pair into the current
// directory).
func TestARoomWritesNothingInTheCurrentDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	r := startRoom(t, Config{})
	p := participant(t, r)
	p.waitText("Your name", 10*time.Second)
	p.close()
	r.stop(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("the room wrote %s into the directory it was started in", e.Name())
	}
}
