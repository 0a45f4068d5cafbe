package edge

import (
	"testing"
	"time"
)

// The two ways "Worker code" could be run on the kernel, measured on the
// same job: requests that each await a few results in virtual time. The
// simulator uses callbacks; the README quotes these figures for the choice.

const (
	execRequests = 1000
	execAwaits   = 8
)

func execWorld(b *testing.B) *World {
	w, err := New(Config{Seed: 1, Topology: Topology{PoPs: []PoP{{Code: "LHR"}}, FibreKmPerMs: 200}})
	if err != nil {
		b.Fatal(err)
	}
	return w
}

// BenchmarkAwaitAsCallback: an await is a callback scheduled on the queue.
func BenchmarkAwaitAsCallback(b *testing.B) {
	for b.Loop() {
		w := execWorld(b)
		for i := range execRequests {
			left := execAwaits
			var step func()
			step = func() {
				if left == 0 {
					return
				}
				left--
				w.After(time.Millisecond, step) // await kv.get(...)
			}
			w.At(time.Duration(i)*time.Microsecond, step)
		}
		w.Run()
	}
	b.ReportMetric(float64(b.N*execRequests*execAwaits)/b.Elapsed().Seconds(), "awaits/s")
}

// BenchmarkAwaitAsGoroutine: each request is a goroutine written in
// straight-line style; an await hands the baton back to the kernel and
// blocks until the kernel hands it back, so one goroutine runs at a time
// and the run stays deterministic, at the price of two channel hand-offs
// (and goroutine switches) per await.
func BenchmarkAwaitAsGoroutine(b *testing.B) {
	for b.Loop() {
		w := execWorld(b)
		yield := make(chan struct{})
		for i := range execRequests {
			w.At(time.Duration(i)*time.Microsecond, func() {
				me := make(chan struct{})
				await := func(d time.Duration) {
					w.After(d, func() { me <- struct{}{}; <-yield })
					yield <- struct{}{}
					<-me
				}
				go func() {
					for range execAwaits {
						await(time.Millisecond) // kv.get(...) in straight-line code
					}
					yield <- struct{}{}
				}()
				<-yield
			})
		}
		w.Run()
	}
	b.ReportMetric(float64(b.N*execRequests*execAwaits)/b.Elapsed().Seconds(), "awaits/s")
}
