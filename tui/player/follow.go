package player

import (
	"maps"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Position is where a player is: the runs on screen and the cursor on
// their shared track. A leader's player reports it (kvdo serve's
// facilitator) and a follower's takes it. The same runs give the same
// track, so K and At mean the same cursor in both players.
type Position struct {
	Runs    []RunSpec // one per run on screen; two in compare mode
	K       int       // track entries applied
	Total   int       // track entries: 0 until the runs are ready
	At      time.Duration
	Playing bool
	Speed   float64
}

// Equal reports whether two positions are the same.
func (a Position) Equal(b Position) bool {
	return a.K == b.K && a.Total == b.Total && a.At == b.At && a.Playing == b.Playing && a.Speed == b.Speed &&
		sameSpecs(a.Runs, b.Runs)
}

func sameSpecs(a, b []RunSpec) bool {
	return slices.EqualFunc(a, b, func(x, y RunSpec) bool {
		return x.Variant == y.Variant && x.Seed == y.Seed && maps.Equal(x.Set, y.Set)
	})
}

// Position reports where the player is. Before its first run is drawn,
// it is the run asked for, at the start.
func (p Player) Position() Position {
	pos := Position{Runs: p.cloneSpecs(), Playing: p.playing, Speed: speeds[p.speed]}
	if p.tr != nil {
		pos.K, pos.At, pos.Total = p.c.k, p.c.t, p.tr.len()
	}
	return pos
}

// Following reports whether the cursor is driven from outside.
func (p Player) Following() bool { return p.following }

// Follow puts the player where a leader's is and hands its clock to the
// leader: its own ticks stop, and each position that arrives is drawn as
// it is. Runs other than those on screen are made first (in a tea.Cmd)
// and the position applied when they are ready.
func (p Player) Follow(pos Position) (Player, tea.Cmd) {
	p.following = true
	p.tickGen++ // a tick of our own on its way finds itself stale
	p.playing, p.stopAt = pos.Playing, 0
	p.speed = speedIndex(pos.Speed)
	p.edit, p.seeking, p.showInfo = nil, false, false
	if len(pos.Runs) == 0 {
		return p, nil
	}
	if !sameSpecs(pos.Runs, p.specs) || p.tr == nil {
		p.pending = &pos
		if p.running && sameSpecs(pos.Runs, p.asked) {
			return p, nil // those runs are already being made
		}
		if p.tr == nil && !p.running && sameSpecs(pos.Runs, p.specs) {
			return p, nil // Init's first run is on its way
		}
		p.compare = len(pos.Runs) > 1
		cmd := p.rerun(pos.Runs, "")
		p.playing = pos.Playing // rerun pauses; the leader decides
		return p, cmd
	}
	p.pending = nil
	p.c = p.tr.place(pos.K, pos.At)
	p.status = ""
	return p, nil
}

// Unfollow gives the player its own clock back where the leader left it:
// a run that was playing goes on playing.
func (p Player) Unfollow() (Player, tea.Cmd) {
	if !p.following {
		return p, nil
	}
	p.following = false
	p.pending = nil
	if p.playing && p.tr != nil && !p.tr.atEnd(p.c) {
		return p, p.play()
	}
	p.playing = false
	return p, nil
}
