package main

import (
	"strings"
	"testing"
)

func TestDemoRecordWithoutThePlayerIsBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "race", "--headless", "--record", t.TempDir() + "/s.cast"},
		{"demo", "race", "--record", t.TempDir() + "/s.cast"}, // not a terminal: no player
	} {
		code, out, errOut := runDemoCmd(t, args...)
		if code != 2 || !strings.Contains(errOut, "--record needs the player") || out != "" {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q", args, code, len(out), errOut)
		}
	}
}

func TestDemoNoMotionIsAcceptedHeadless(t *testing.T) {
	code, out, errOut := runDemoCmd(t, "demo", "race", "--headless", "--no-motion")
	if code != 0 || !strings.Contains(out, "verdict") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}
