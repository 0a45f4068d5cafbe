package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServeRefusesBadFlagsWithExitTwo(t *testing.T) {
	dir := t.TempDir()
	badKeys := filepath.Join(dir, "keys")
	os.WriteFile(badKeys, []byte("# facilitators\nssh-ed25519 not-base64 Fiona\n"), 0o600)
	badHost := filepath.Join(dir, "host")
	os.WriteFile(badHost, []byte("not a key"), 0o600)
	hk := filepath.Join(dir, "hk")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"an address without a port", []string{"--listen", "localhost"}, "--listen \"localhost\": expected HOST:PORT"},
		{"no sessions allowed", []string{"--max-sessions", "0"}, "--max-sessions 0: expected a whole number of at least 1"},
		{"a zero idle timeout", []string{"--idle-timeout", "0s"}, "--idle-timeout 0s: expected a duration above zero"},
		{"a keys file that is not there", []string{"--facilitator-keys", filepath.Join(dir, "none")}, "expected an authorized_keys file"},
		{"a keys file with a bad line", []string{"--facilitator-keys", badKeys}, badKeys + ":2:1:"},
		{"a host key that is not a key", []string{"--host-key", badHost}, badHost + ": not an unencrypted OpenSSH private key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"serve", "--listen", "127.0.0.1:0", "--host-key", hk}, c.args...)
			code, _, errs := runCapture(t, args...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, %q; expected 2 and %q", code, errs, c.want)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServePrintsHowToJoinAndEndsWhenStopped(t *testing.T) {
	hk := filepath.Join(t.TempDir(), "host_key")
	var out, errb syncBuffer
	root := newRootCmd()
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs([]string{"serve", "--listen", "127.0.0.1:0", "--host-key", hk, "--room-code", "blue-fox"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "ctrl+c ends the workshop") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no start-up text; stdout %q stderr %q", out.String(), errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve ended with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not end when its context was cancelled")
	}
	text := out.String()
	for _, want := range []string{"room code  blue-fox", "join       ssh -p ", "room@127.0.0.1", "host key   SHA256:", "made now, kept in " + hk,
		"Only this machine can join", "lead       nobody: --facilitator-keys FILE"} {
		if !strings.Contains(text, want) {
			t.Errorf("the start-up text lacks %q:\n%s", want, text)
		}
	}
	if fi, err := os.Stat(hk); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("host key file: %v %v", fi, err)
	}
}
