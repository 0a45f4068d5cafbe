package player

import (
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/edge"
)

// actor is one column of the lanes: a participant the Result names, with
// the PoP it sits at (scenario speakers have no column).
type actor struct {
	id    string // as events name it: "LHR", "central:LHR", "do:counter", "origin"
	label string // lane header
	kind  edge.ActorKind
	pop   string
}

// point is a PoP drawn on the map, with the roles it plays.
type point struct {
	code     string
	city     string
	lat, lon float64
	central  bool
	origin   bool
	objects  []string // Durable Objects placed here (actor ids)
	involved bool     // Workers of the run ran here (not just a landmark)
}

// message is one network hop: a send and its arrival.
type message struct {
	send, arrive     int // event indices; arrive -1 when it never arrives
	from, to         string
	fromPt, toPt     int // indices into run.points, -1 unplaced
	fromCol, toCol   int // lane columns, -1 none
	sendAt, arriveAt time.Duration
	cat              role // colour by what it carries
}

// run is one demos.Result prepared for drawing: everything a frame needs
// that does not depend on the cursor, computed once per Result, plus
// per-cursor prefix tables so that a frame at any cursor costs the same.
type run struct {
	res      *demos.Result
	demo     demos.Demo
	actors   []actor
	actorCol map[string]int // lane column of an actor, absent when none
	points   []point
	pointIdx map[string]int
	msgs     []message // in send order

	// n-indexed tables, n = number of trace events applied (0..len).
	capCur   []int32   // index of the caption on screen, -1 none
	codeLine []int32   // source line of the latest event with a site, 0 none
	laneRows []int32   // lane rows among the first n events
	inFlight []int32   // messages sent and not yet arrived
	live     [][]int32 // per metric (nil when final): matching events so far
	capIdx   []int     // per caption: the trace index of its event

	rowEvent []int   // per lane row: its trace index
	rowOf    []int32 // per trace index: its lane row, -1 none
	code     []codeLine
	state    *stateTrack

	mapCache   map[[2]int]*mapLayout
	codeCache  map[[3]int][]line // code panel by width, height and current line
	sparkCache map[int][]uint8
}

// newRun prepares a Result for drawing; its actors carry their places.
func newRun(d demos.Demo, res *demos.Result) *run {
	r := &run{res: res, demo: d, actorCol: map[string]int{}, pointIdx: map[string]int{},
		mapCache: map[[2]int]*mapLayout{}, sparkCache: map[int][]uint8{}, codeCache: map[[3]int][]line{}}
	r.placeActors()
	r.pairMessages()
	r.buildTables()
	r.code = highlightGo(res.Source.Code)
	r.state = newStateTrack(res, r.points, r.pointIdx)
	return r
}

func (r *run) trace() []edge.Event { return r.res.Trace }

// placeActors takes the lanes and the map's points from the Result's
// actors: PoPs in topology order, then central stores, objects and the
// origin (the order edge lists them in), each at its PoP.
func (r *run) placeActors() {
	addPoint := func(a edge.Actor) int {
		if i, ok := r.pointIdx[a.PoP]; ok {
			return i
		}
		r.pointIdx[a.PoP] = len(r.points)
		r.points = append(r.points, point{code: a.PoP, city: a.City, lat: a.Lat, lon: a.Lon})
		return len(r.points) - 1
	}
	// Involved PoPs first, so they get the first pick of label places.
	for _, a := range r.res.Actors {
		if a.Kind == edge.ActorPoP && a.PoP != "" {
			r.points[addPoint(a)].involved = true
		}
	}
	for _, a := range r.res.Actors {
		if a.Kind == edge.ActorScenario {
			continue
		}
		r.actorCol[a.ID] = len(r.actors)
		label := a.Label
		switch a.Kind {
		case edge.ActorCentral:
			label = "KV " + a.PoP
		case edge.ActorObject:
			label = strings.TrimPrefix(a.ID, "do:")
		}
		r.actors = append(r.actors, actor{id: a.ID, label: label, kind: a.Kind, pop: a.PoP})
		if a.PoP == "" {
			continue
		}
		i := addPoint(a)
		switch a.Kind {
		case edge.ActorCentral:
			r.points[i].central = true
		case edge.ActorOrigin:
			r.points[i].origin = true
		case edge.ActorObject:
			r.points[i].objects = append(r.points[i].objects, a.ID)
		}
	}
}

// pairMessages links each send to its arrival by message id.
func (r *run) pairMessages() {
	byID := map[int]int{}
	for i, ev := range r.trace() {
		switch ev.Kind {
		case edge.EvSend:
			byID[ev.Msg] = len(r.msgs)
			r.msgs = append(r.msgs, message{send: i, arrive: -1, from: ev.From, to: ev.To,
				fromPt: r.pointOf(r.popOf(ev.From)), toPt: r.pointOf(r.popOf(ev.To)),
				fromCol: r.colOf(ev.From), toCol: r.colOf(ev.To),
				sendAt: ev.At, arriveAt: ev.Arrive, cat: messageRole(ev.Op)})
		case edge.EvArrive:
			if m, ok := byID[ev.Msg]; ok && r.msgs[m].arrive < 0 {
				r.msgs[m].arrive = i
			}
		}
	}
}

// popOf is the PoP an actor sits at.
func (r *run) popOf(id string) string {
	for _, a := range r.actors {
		if a.id == id {
			return a.pop
		}
	}
	return id
}

func (r *run) pointOf(code string) int {
	if i, ok := r.pointIdx[code]; ok {
		return i
	}
	return -1
}

func (r *run) colOf(name string) int {
	if c, ok := r.actorCol[name]; ok {
		return c
	}
	return -1
}

// messageRole colours a message by what it carries (its MsgKind).
func messageRole(op string) role {
	switch {
	case strings.HasPrefix(op, "kv."):
		return rMsgKV
	case strings.HasPrefix(op, "do."):
		return rMsgDO
	case strings.HasPrefix(op, "origin."):
		return rMsgOrigin
	}
	return rMsgOther
}

func (r *run) buildTables() {
	tr := r.trace()
	n := len(tr)
	r.capCur = make([]int32, n+1)
	r.codeLine = make([]int32, n+1)
	r.laneRows = make([]int32, n+1)
	r.inFlight = make([]int32, n+1)
	r.rowOf = make([]int32, n)

	seqIdx := make(map[int]int, n)
	for i, ev := range tr {
		seqIdx[ev.Seq] = i
	}
	capAt := make([]int, n) // caption index + 1 attached to event i
	r.capIdx = make([]int, len(r.res.Captions))
	for ci, c := range r.res.Captions {
		i, ok := seqIdx[c.Seq]
		if !ok {
			i = 0
		}
		r.capIdx[ci] = i
		capAt[i] = ci + 1
	}
	arrives := make([]bool, n)
	for _, m := range r.msgs {
		if m.arrive >= 0 {
			arrives[m.arrive] = true
		}
	}
	r.live = make([][]int32, len(r.res.Metrics))
	for mi, m := range r.res.Metrics {
		if m.Live != nil {
			r.live[mi] = make([]int32, n+1)
		}
	}
	file := r.res.Source.File
	cur, line, rows, fly := int32(-1), int32(0), int32(0), int32(0)
	for i, ev := range tr {
		if capAt[i] > 0 {
			cur = int32(capAt[i] - 1)
		}
		if f, l, ok := strings.Cut(ev.Site, ":"); ok && f == file {
			if x, err := strconv.Atoi(l); err == nil {
				line = int32(x)
			}
		}
		r.rowOf[i] = -1
		if _, ok := r.actorCol[ev.Actor]; ok {
			r.rowOf[i] = rows
			r.rowEvent = append(r.rowEvent, i)
			rows++
		}
		if ev.Kind == edge.EvSend {
			fly++
		}
		if arrives[i] {
			fly--
		}
		r.capCur[i+1], r.codeLine[i+1], r.laneRows[i+1], r.inFlight[i+1] = cur, line, rows, fly
		for mi, m := range r.res.Metrics {
			if m.Live != nil {
				v := r.live[mi][i]
				if m.Live.Match(ev) {
					v++
				}
				r.live[mi][i+1] = v
			}
		}
	}
	r.capCur[0] = -1
}

// laneCols is the number of lane columns.
func (r *run) laneCols() int { return len(r.actorCol) }

// inFlight reports whether the message has left and not arrived with n
// events applied and the clock at t.
func (m *message) inFlight(n int, t time.Duration) bool {
	if m.send >= n {
		return false
	}
	if m.arrive < 0 {
		return t < m.arriveAt
	}
	return m.arrive >= n
}

// progress is how far along its hop the message is at t, from 0 to 1.
func (m *message) progress(t time.Duration) float64 {
	if m.arriveAt <= m.sendAt {
		return 1
	}
	f := float64(t-m.sendAt) / float64(m.arriveAt-m.sendAt)
	return min(max(f, 0), 1)
}
