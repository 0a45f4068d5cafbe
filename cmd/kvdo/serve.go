package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	charmlog "charm.land/log/v2"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/serve"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"
)

func newServeCmd() *cobra.Command {
	var (
		listen, hostKey, roomCode, allowed, facilitators string
		maxSessions, maxPerAddr, inputRate, fps          int
		idle, maxLength                                  time.Duration
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run a workshop room: kvdo over SSH for every participant, led by a facilitator",
		Long: `Serve kvdo's full-screen program over SSH to a workshop room. Each participant
types "ssh -p PORT room@HOST" and the room code, and gets their own kvdo:
home, demos, learn and their own interview, with nothing reaching another
participant or this machine's files (an export is shown as text to copy).

The facilitator connects as "facilitator@HOST" with a key from
--facilitator-keys, and gets a Room entry on the home menu: who is
connected and where, a lead that puts every participant's player on the
demo the facilitator plays, a poll of the room with the recommendation its
answers lead to, and a way to close a session.

The room listens on 127.0.0.1 unless --listen says otherwise. ctrl+c (or
SIGTERM) ends the workshop: every participant sees "the workshop has
ended" and gets their terminal back.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, _, err := net.SplitHostPort(listen); err != nil {
				return badInput("--listen %q: expected HOST:PORT, such as 127.0.0.1:2222 or 0.0.0.0:2222", listen)
			}
			for _, l := range []struct {
				name string
				v    int
			}{{"--max-sessions", maxSessions}, {"--max-per-address", maxPerAddr}, {"--input-rate", inputRate}, {"--fps", fps}} {
				if l.v < 1 {
					return badInput("%s %d: expected a whole number of at least 1", l.name, l.v)
				}
			}
			for _, l := range []struct {
				name string
				v    time.Duration
			}{{"--idle-timeout", idle}, {"--max-session", maxLength}} {
				if l.v <= 0 {
					return badInput("%s %s: expected a duration above zero, such as 30m or 8h", l.name, l.v)
				}
			}
			dir, _ := cmd.Flags().GetString("content")
			still, err := noMotion(cmd)
			if err != nil {
				return err
			}
			a, err := app.Load(dir)
			if err != nil {
				return err
			}
			cfg := serve.Config{App: a, Listen: listen, RoomCode: roomCode, MaxSessions: maxSessions,
				MaxPerAddress: maxPerAddr, IdleTimeout: idle, MaxLength: maxLength, InputRate: inputRate, FPS: fps,
				Date: time.Now().Format(time.DateOnly), NoMotion: still, Log: cmd.ErrOrStderr()}
			if allowed != "" {
				if cfg.AllowedKeys, err = serve.LoadKeys(allowed); err != nil {
					return err
				}
			}
			if facilitators != "" {
				if cfg.FacilitatorKeys, err = serve.LoadKeys(facilitators); err != nil {
					return err
				}
			}
			if cfg.RoomCode == "" && allowed == "" {
				cfg.RoomCode = serve.NewRoomCode()
			}
			signer, made, err := serve.LoadHostKey(hostKey)
			if err != nil {
				return err
			}
			cfg.HostKey = signer
			srv, err := serve.New(cfg)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", listen, err)
			}
			printRoom(cmd, cfg, ln.Addr().String(), hostKey, made, allowed, facilitators)
			// wish logs every program that ends with an error, and a
			// participant closing their laptop is one: the room's own
			// log (cfg.Log) says who came and went, and why.
			charmlog.SetLevel(charmlog.FatalLevel)
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			served := make(chan error, 1)
			go func() { served <- srv.Serve(ln) }()
			select {
			case err := <-served:
				return err
			case <-ctx.Done():
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "ending the workshop…")
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
			// A ctrl+c in the instant after start can come before Serve
			// has taken the listener, which the server's Close then
			// misses; closing it here ends that Serve too.
			_ = ln.Close()
			<-served
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", serve.DefaultListen, "address to listen on (HOST:PORT); 0.0.0.0:2222 opens the room to the network")
	f.StringVar(&hostKey, "host-key", serve.DefaultHostKey(), "the server's SSH host key: made once (0600) and kept, so clients recognise the room")
	f.StringVar(&roomCode, "room-code", "", "the passphrase participants type (default: a new one, printed at start; none with --allowed-keys alone)")
	f.StringVar(&allowed, "allowed-keys", "", "an authorized_keys file of participants who come in by key (the comment is their name)")
	f.StringVar(&facilitators, "facilitator-keys", "", "an authorized_keys file of the facilitators' keys (user \"facilitator\")")
	f.IntVar(&maxSessions, "max-sessions", serve.DefaultMaxSessions, "participants connected at once")
	f.IntVar(&maxPerAddr, "max-per-address", serve.DefaultMaxPerAddress, "participants from one source address (raise it behind a NAT)")
	f.DurationVar(&idle, "idle-timeout", serve.DefaultIdleTimeout, "close a session after this long without a key (following the facilitator is not idle)")
	f.DurationVar(&maxLength, "max-session", serve.DefaultMaxLength, "the longest a session may last")
	f.IntVar(&fps, "fps", serve.DefaultFPS, "frames a second a playing demo draws in each session (every frame is drawn on this machine)")
	f.IntVar(&inputRate, "input-rate", serve.DefaultInputRate, "bytes a second a session may type (bursts of ten seconds' worth); past it the session closes")
	return cmd
}

func printRoom(cmd *cobra.Command, cfg serve.Config, addr, hostKey string, made bool, allowed, facilitators string) {
	w := cmd.OutOrStdout()
	host, port, _ := net.SplitHostPort(addr)
	kept := "kept in " + hostKey
	if made {
		kept = "made now, kept in " + hostKey
	}
	fmt.Fprintf(w, "kvdo workshop room on %s\n", addr)
	fmt.Fprintf(w, "  host key   %s (%s)\n", gossh.FingerprintSHA256(cfg.HostKey.PublicKey()), kept)
	if cfg.RoomCode != "" {
		fmt.Fprintf(w, "  room code  %s\n", cfg.RoomCode)
	}
	if allowed != "" {
		fmt.Fprintf(w, "  by key     %d participant key(s) from %s\n", cfg.AllowedKeys.Len(), allowed)
	}
	fmt.Fprintf(w, "  join       ssh -p %s room@%s\n", port, host)
	if facilitators != "" {
		fmt.Fprintf(w, "  lead       ssh -p %s %s@%s (a key from %s)\n", port, serve.FacilitatorUser, host, facilitators)
	} else {
		fmt.Fprintf(w, "  lead       nobody: --facilitator-keys FILE names the facilitators' keys\n")
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		fmt.Fprintf(w, "Only this machine can join: --listen 0.0.0.0:%s opens the room to the network.\n", port)
	}
	fmt.Fprintln(w, "ctrl+c ends the workshop.")
}
