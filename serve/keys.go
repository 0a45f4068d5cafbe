package serve

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kvdo/kvdo/internal/app"
	gossh "golang.org/x/crypto/ssh"
)

// LoadHostKey reads the server's host key from path, or, when there is no
// file there, generates an Ed25519 key and writes it (0600, through a
// temporary file and a hard link, so a half-written key never exists and
// an existing file is never replaced): participants' ssh clients then
// recognise the room from one workshop to the next. It reports whether
// the key was made now.
func LoadHostKey(path string) (gossh.Signer, bool, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		s, err := gossh.ParsePrivateKey(data)
		if err != nil {
			return nil, false, app.BadInput("%s: not an unencrypted OpenSSH private key (%v): expected the file kvdo serve wrote, or a path where it may write a new one", path, err)
		}
		return s, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("reading the host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "kvdo serve host key")
	if err != nil {
		return nil, false, err
	}
	data = pem.EncodeToMemory(block)
	if err := writePrivate(path, data); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return LoadHostKey(path) // another kvdo serve made it meanwhile
		}
		return nil, false, fmt.Errorf("writing the host key: %w", err)
	}
	s, err := gossh.ParsePrivateKey(data)
	return s, true, err
}

// writePrivate writes a new file readable by its owner only, whole or not
// at all, and never over an existing one.
func writePrivate(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*") // 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}

// DefaultHostKey is where the host key is kept without --host-key: the
// user's configuration directory.
func DefaultHostKey() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "kvdo", "serve_host_ed25519")
}

// Keys is a set of public keys read from an authorized_keys file, each
// with its comment (the name the facilitator sees).
type Keys struct {
	byKey map[string]string // marshalled key -> comment
}

// LoadKeys reads an authorized_keys file: one key per line, blank lines
// and # comments ignored. A line that is not a key is bad input, named
// by file and line.
func LoadKeys(path string) (Keys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Keys{}, app.BadInput("%s: %v: expected an authorized_keys file (one public key per line)", path, errors.Unwrap(err))
	}
	return ParseKeys(path, data)
}

// ParseKeys reads authorized_keys text; file names it in errors.
func ParseKeys(file string, data []byte) (Keys, error) {
	k := Keys{byKey: map[string]string{}}
	for i, line := range bytes.Split(data, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		pub, comment, _, _, err := gossh.ParseAuthorizedKey(t)
		if err != nil {
			return Keys{}, app.BadInput("%s:%d:1: %v: expected a public key as ssh-keygen writes it (ssh-ed25519 AAAA... name)", file, i+1, err)
		}
		k.byKey[string(pub.Marshal())] = strings.TrimSpace(comment)
	}
	if len(k.byKey) == 0 {
		return Keys{}, app.BadInput("%s: no public key in the file: expected one per line (ssh-ed25519 AAAA... name)", file)
	}
	return k, nil
}

// Lookup reports whether key is in the set, with its comment.
func (k Keys) Lookup(key gossh.PublicKey) (string, bool) {
	if k.byKey == nil || key == nil {
		return "", false
	}
	c, ok := k.byKey[string(key.Marshal())]
	return c, ok
}

// Len is the number of keys.
func (k Keys) Len() int { return len(k.byKey) }

// NewRoomCode makes a passphrase for the room: twelve letters and digits
// without look-alikes (no 0/o, 1/l/i), in three groups, about 60 bits.
func NewRoomCode() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	var sb strings.Builder
	buf := make([]byte, 1)
	for n := 0; n < 12; {
		if _, err := rand.Read(buf); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		if int(buf[0]) >= 256-256%len(alphabet) {
			continue // rejected: every letter stays equally likely
		}
		if n > 0 && n%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(buf[0])%len(alphabet)])
		n++
	}
	return sb.String()
}
