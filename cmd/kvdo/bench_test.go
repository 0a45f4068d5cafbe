package main

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkStartToFirstFrame measures a process start as a person sees
// it: from exec of the built binary on a pseudo-terminal to the home menu
// on the screen (bar: under 30 ms).
//
//	go test ./cmd/kvdo -run XXX -bench StartToFirstFrame -benchtime 20x
func BenchmarkStartToFirstFrame(b *testing.B) {
	kvdoBinary(b)
	dir := b.TempDir()
	var total time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		p := startPTY(b, dir, 80, 24)
		p.waitText(b, "Open review")
		total += time.Since(start)
		b.StopTimer()
		p.send(b, "\x03")
		p.wait(b)
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/first-frame")
}

// BenchmarkInterviewPeakRSS runs a whole interview on the built binary,
// two items answered key by key, the recommendation and its record
// opened, and reports the process's peak resident memory.
//
//	go test ./cmd/kvdo -run XXX -bench InterviewPeakRSS -benchtime 3x
func BenchmarkInterviewPeakRSS(b *testing.B) {
	kvdoBinary(b)
	var peak int64
	for range b.N {
		dir := b.TempDir()
		p := startPTY(b, dir, 120, 40, "advise", "--save", "review.yaml")
		p.waitText(b, "A new review")
		p.send(b, "Checkout\rAna\rseat-counter\r\r")
		p.waitText(b, "Must a read see")
		p.send(b, terminalKeys(b, seatCounter))
		p.waitText(b, "is answered")
		p.send(b, "\r") // add another piece of state
		p.waitText(b, "The new item")
		p.send(b, "session-flag\r")
		p.waitText(b, "session-flag")
		p.send(b, terminalKeys(b, sessionFlag))
		p.waitText(b, "session-flag is answered")
		p.send(b, "\x12") // ctrl+r
		p.waitText(b, "full record")
		p.send(b, "m")
		p.waitText(b, "status: proposed")
		p.send(b, "\x03")
		st := p.wait(b)
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss) // KiB on Linux
		}
		if !strings.Contains(p.screenText(), "Durable Object") {
			b.Fatal("no recommendation on the screen")
		}
	}
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
}
