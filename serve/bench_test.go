package serve

import (
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/kvdo/kvdo/tui"
)

// The room's figures, each a benchmark over real SSH clients on loopback
// (the clients run in the same process, so CPU figures include them):
//
//	go test ./serve -run XXX -bench . -benchtime 1x
//
// Each iteration is one measuring window; -benchtime 3x takes three.

// cpuTime is the process's CPU time so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// liveHeap is the bytes of live objects, measured after two collections.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc // live bytes: just after a collection nothing else is counted
}

// benchCrowd is the number of sessions of the crowd benchmarks.
const benchCrowd = 100

// playAll opens the first demo on every participant's screen and plays.
func playAll(t testing.TB, r *testRoom, ts []*term) {
	for _, tm := range ts {
		tm.send("d" + keyEnter)
	}
	r.waitAll(t, 120*time.Second, "every run ready", func(w tui.Where) bool { return w.Player != nil && w.Player.Total > 0 })
	for _, tm := range ts {
		tm.send(" ")
	}
	r.waitAll(t, 60*time.Second, "every participant playing", func(w tui.Where) bool { return w.Player != nil && w.Player.Playing })
}

// measure measures CPU and the frames sent to members over d.
func measure(r *testRoom, d time.Duration, role Role) (cores, framesPerSession float64) {
	ms := r.members()
	var f0 int64
	n := 0
	for _, m := range ms {
		if m.role == role {
			f0 += m.frames.Load()
			n++
		}
	}
	c0, w0 := cpuTime(), time.Now()
	time.Sleep(d)
	el := time.Since(w0)
	var f1 int64
	for _, m := range ms {
		if m.role == role {
			f1 += m.frames.Load()
		}
	}
	return float64(cpuTime()-c0) / float64(el), float64(f1-f0) / el.Seconds() / float64(max(n, 1))
}

// BenchmarkSessionMemory reports the heap each session holds, idle on the
// home screen and playing a demo.
func BenchmarkSessionMemory(b *testing.B) {
	const n = 50
	base := runtime.NumGoroutine()
	for range b.N {
		// The last round's sessions end after its room stops: until their
		// goroutines are gone, their memory would count as "before".
		eventually(10*time.Second, func() bool { return runtime.NumGoroutine() <= base })
		before := liveHeap()
		r := startRoom(b, Config{MaxPerAddress: n})
		ts := join(b, r, n)
		time.Sleep(time.Second)
		idle := liveHeap()
		playAll(b, r, ts)
		time.Sleep(2 * time.Second)
		playing := liveHeap()
		b.ReportMetric((float64(idle)-float64(before))/n/(1<<20), "MiB/idle-session")
		b.ReportMetric((float64(playing)-float64(before))/n/(1<<20), "MiB/playing-session")
		for _, tm := range ts {
			tm.close()
		}
		r.stop(b)
	}
}

// BenchmarkHundredPlaying reports the CPU that 100 sessions playing a
// demo take, and the frames each is sent per second.
func BenchmarkHundredPlaying(b *testing.B) {
	r := startRoom(b, Config{MaxPerAddress: benchCrowd})
	ts := join(b, r, benchCrowd)
	playAll(b, r, ts)
	time.Sleep(time.Second)
	b.ResetTimer()
	var cores, fps float64
	for range b.N {
		c, f := measure(r, 3*time.Second, Participant)
		cores, fps = cores+c, fps+f
	}
	b.ReportMetric(cores/float64(b.N), "cores")
	b.ReportMetric(fps/float64(b.N), "frames/s/session")
}

// BenchmarkFirstFrame reports the time from dialling to the first frame
// (the name prompt) of one session, with the room otherwise empty.
func BenchmarkFirstFrame(b *testing.B) {
	r := startRoom(b, Config{})
	b.ResetTimer()
	var total time.Duration
	for range b.N {
		start := time.Now()
		c, err := r.dial("room", gossh.Password(testCode))
		if err != nil {
			b.Fatal(err)
		}
		tm := open(b, c, 100, 30)
		if !eventually(30*time.Second, func() bool { return strings.Contains(tm.text(), "Your name") }) {
			b.Fatal("no first frame")
		}
		total += time.Since(start)
		tm.close()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/first-frame")
}

// BenchmarkFollowHundred reports the frames a follower is sent per second
// while a facilitator plays a demo to 100 followers, and the CPU it
// takes.
func BenchmarkFollowHundred(b *testing.B) {
	fac := newKey(b, "Fiona")
	r := startRoom(b, Config{FacilitatorKeys: keysOf(b, fac), MaxPerAddress: benchCrowd})
	ts := join(b, r, benchCrowd)
	c, err := r.dial(FacilitatorUser, gossh.PublicKeys(fac.signer))
	if err != nil {
		b.Fatal(err)
	}
	f := open(b, c, 120, 30)
	defer func() {
		for _, tm := range ts {
			tm.close()
		}
	}()
	if !eventually(30*time.Second, func() bool { return strings.Contains(f.text(), "Room") }) {
		b.Fatal("no Room entry for the facilitator")
	}
	f.send("r" + keyTab + keyEnter)
	r.waitAll(b, 120*time.Second, "every participant following", func(w tui.Where) bool {
		return w.Following && w.Player != nil && w.Player.Total > 0
	})
	if !eventually(30*time.Second, func() bool { l := r.leader(b); return l.Player != nil && l.Player.Total > 0 }) {
		b.Fatal("the leader's run is not ready")
	}
	f.send(" ")
	if !eventually(30*time.Second, func() bool { return r.leader(b).Player.Playing }) {
		b.Fatal("the leader does not play")
	}
	time.Sleep(time.Second)
	b.ResetTimer()
	var cores, fps, lead float64
	for range b.N {
		c, fr := measure(r, 3*time.Second, Participant)
		cores, fps = cores+c, fps+fr
		_, l := measure(r, time.Second, Facilitator)
		lead += l
	}
	b.ReportMetric(cores/float64(b.N), "cores")
	b.ReportMetric(fps/float64(b.N), "frames/s/follower")
	b.ReportMetric(lead/float64(b.N), "frames/s/leader")
}
