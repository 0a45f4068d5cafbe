package tui

import (
	"maps"
	"path/filepath"

	tea "charm.land/bubbletea/v2"
	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/internal/app"
)

// session is the review being worked on: the one copy the interview and
// the recommendation both edit, and its autosave. Screens hold a pointer;
// only Update code changes it.
type session struct {
	path   string
	review advisor.Review
	saver  *app.Saver
	seq    uint64 // snapshots handed to the saver
	saved  uint64 // the latest snapshot known to be on disk
	err    error  // the last save's error, nil once a later save works
}

// savedMsg reports one autosave.
type savedMsg struct {
	sess *session
	seq  uint64
	err  error
}

// newSession starts a session on a review; without a path (a workshop
// room, Common.NoFiles) the review lives in memory only.
func newSession(a *app.App, path string, r advisor.Review, fresh bool) *session {
	s := &session{path: path, review: r}
	if path != "" {
		s.saver = app.NewSaver(path, a.Pack, fresh)
	}
	return s
}

// save snapshots the review and writes it in a command. Snapshots carry
// increasing numbers and the saver never lets an older one replace a
// newer, whatever order the commands finish in.
func (s *session) save() tea.Cmd {
	s.seq++
	if s.saver == nil {
		s.saved = s.seq // kept in memory: nothing to write
		return nil
	}
	seq, snap, saver := s.seq, cloneReview(s.review), s.saver
	return func() tea.Msg {
		_, err := saver.Save(seq, snap)
		return savedMsg{sess: s, seq: seq, err: err}
	}
}

func (s *session) onSaved(msg savedMsg) {
	if msg.err != nil {
		s.err = msg.err
		return
	}
	if msg.seq >= s.saved {
		s.saved = msg.seq
		s.err = nil
	}
}

// flush writes the latest snapshot if a save is still outstanding: Run
// calls it once the program has stopped, so quitting never races a save.
func (s *session) flush() error {
	if s == nil || s.seq == 0 || s.saver == nil {
		return nil
	}
	_, err := s.saver.Save(s.seq, cloneReview(s.review))
	return err
}

// status is the header's account of the autosave.
func (s *session) status() string {
	switch {
	case s == nil:
		return ""
	case s.saver == nil:
		return "kept in this session only"
	case s.err != nil:
		return "not saved: " + s.err.Error()
	case s.seq == 0:
		return filepath.Base(s.path)
	case s.saved < s.seq:
		return "saving " + filepath.Base(s.path) + "…"
	}
	return "saved " + filepath.Base(s.path) + " ✓"
}

func cloneReview(r advisor.Review) advisor.Review {
	c := r
	c.DecidedBy = append([]string(nil), r.DecidedBy...)
	c.Items = make([]advisor.Item, len(r.Items))
	for i, it := range r.Items {
		c.Items[i] = it
		c.Items[i].Answers = maps.Clone(it.Answers)
		if c.Items[i].Answers == nil {
			c.Items[i].Answers = advisor.Answers{}
		}
	}
	return c
}
