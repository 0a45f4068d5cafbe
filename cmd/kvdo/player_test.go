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

// --no-motion belongs to the root, so the player opened from home is as
// still as one opened by `kvdo demo`; KVDO_NO_MOTION sets it for a room's
// laptop, and the flag wins over it.
func TestNoMotionReachesEveryTUIStart(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		env  string
		want bool
	}{
		{"the root flag", []string{"--no-motion"}, "", true},
		{"the flag after demo", []string{"demo", "race", "--no-motion"}, "", true},
		{"nothing", []string{"demo", "race"}, "", false},
		{"the variable", []string{}, "1", true},
		{"the variable off", []string{"demo", "race"}, "0", false},
		{"the flag over the variable", []string{"--no-motion=false"}, "true", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("KVDO_NO_MOTION", c.env)
			root := newRootCmd()
			cmd, rest, err := root.Find(c.args)
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Fatal(err)
			}
			opts, err := tuiOptions(cmd)
			if err != nil {
				t.Fatal(err)
			}
			if opts.NoMotion != c.want {
				t.Errorf("NoMotion %v, want %v", opts.NoMotion, c.want)
			}
		})
	}
}

func TestABadNoMotionVariableIsBadInput(t *testing.T) {
	t.Setenv("KVDO_NO_MOTION", "maybe")
	_, err := tuiOptions(newRootCmd())
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "KVDO_NO_MOTION=maybe: expected 1 or 0") {
		t.Fatalf("error %v (exit %d)", err, exitCode(err))
	}
}
