package player

import (
	"strconv"
	"strings"
	"time"

	"github.com/kvdo/kvdo/demos"
	"github.com/kvdo/kvdo/edge"
)

// actorKind says how an actor is drawn.
type actorKind uint8

const (
	akPoP     actorKind = iota // a PoP running Workers
	akDO                       // a Durable Object
	akCentral                  // a KV central store
	akOrigin                   // the origin server
	akOther                    // a scenario voice (clients, check...): captions only
)

// actor is one column of the lanes and, when it has a place, one point of
// the map.
type actor struct {
	name  string // as the trace names it: "LHR", "do:counter", "origin"
	label string // lane header
	kind  actorKind
	pop   string // PoP code it sits at, "" when unplaced
}

// point is a PoP drawn on the map, with the roles it plays.
type point struct {
	code     string
	lat, lon float64
	central  bool
	origin   bool
	objects  []string // Durable Objects placed here (names without "do:")
	involved bool     // an actor of the run (not just a landmark)
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
	topo     edge.Topology
	actors   []actor
	actorCol map[string]int // lane column of an actor, absent when none
	points   []point
	pointIdx map[string]int
	msgs     []message // in send order
	placeAt  []int     // per point: trace index of the first object placed there, -1 none

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

// newRun prepares a Result. topo is the topology the run used; it places
// the PoPs on the map.
func newRun(d demos.Demo, res *demos.Result, topo edge.Topology) *run {
	r := &run{res: res, demo: d, topo: topo, actorCol: map[string]int{}, pointIdx: map[string]int{},
		mapCache: map[[2]int]*mapLayout{}, sparkCache: map[int][]uint8{}, codeCache: map[[3]int][]line{}}
	r.placeActors()
	r.placeAt = make([]int, len(r.points))
	for i := range r.placeAt {
		r.placeAt[i] = -1
	}
	for i, ev := range r.trace() {
		if p, ok := r.pointIdx[ev.To]; ok && ev.Kind == edge.EvDOPlace && r.placeAt[p] < 0 {
			r.placeAt[p] = i
		}
	}
	r.pairMessages()
	r.buildTables()
	r.code = highlightGo(res.Source.Code)
	r.state = newStateTrack(res.Trace, r.points, r.pointIdx)
	return r
}

func (r *run) trace() []edge.Event { return r.res.Trace }

// placeActors lists the actors in order of first appearance (PoPs first,
// then objects, central stores and the origin, so messages between
// Workers and what they call read left to right) and places them.
//
// The run's Result does not yet name its actors and their places (that
// belongs to edge/demos), so this reads them off the trace: a trace actor
// that is a topology code is a PoP, "do:NAME" an object placed where its
// do.place event says, "origin" the origin at the topology's first PoP
// (edge's default; no demo moves it).
func (r *run) placeActors() {
	codes := map[string]edge.PoP{}
	for _, p := range r.topo.PoPs {
		codes[p.Code] = p
	}
	seen := map[string]bool{}
	var pops, rest []actor
	add := func(name string) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		a := actor{name: name, label: name, kind: akOther}
		switch {
		case codes[name].Code != "":
			a.kind, a.pop = akPoP, name
		case strings.HasPrefix(name, "do:"):
			a.kind, a.label = akDO, strings.TrimPrefix(name, "do:")
		case name == "origin":
			a.kind = akOrigin
			if len(r.topo.PoPs) > 0 {
				a.pop = r.topo.PoPs[0].Code
			}
		case strings.HasPrefix(name, "central"):
			a.kind = akCentral
			if i, j := strings.Index(name, "("), strings.Index(name, ")"); i >= 0 && j > i {
				a.pop = name[i+1 : j]
			}
		}
		if a.kind == akPoP {
			pops = append(pops, a)
		} else {
			rest = append(rest, a)
		}
	}
	usesKV := false
	for _, ev := range r.trace() {
		add(ev.Actor)
		if ev.Kind == edge.EvSend || ev.Kind == edge.EvArrive {
			add(ev.From)
			add(ev.To)
		}
		if strings.HasPrefix(string(ev.Kind), "kv.") {
			usesKV = true
		}
	}
	r.actors = append(pops, rest...)
	// Objects get their place from their first placement.
	for _, ev := range r.trace() {
		if ev.Kind != edge.EvDOPlace {
			continue
		}
		for i := range r.actors {
			if r.actors[i].name == ev.Actor && r.actors[i].pop == "" {
				r.actors[i].pop = ev.To
			}
		}
	}
	col := 0
	for _, a := range r.actors {
		if a.kind != akOther {
			r.actorCol[a.name] = col
			col++
		}
	}

	// Map points: the PoPs the run involves, then the landmarks it relies
	// on (central stores when it uses KV, the origin's and objects' PoPs).
	addPoint := func(code string, involved bool) int {
		if i, ok := r.pointIdx[code]; ok {
			r.points[i].involved = r.points[i].involved || involved
			return i
		}
		p, ok := codes[code]
		if !ok {
			return -1
		}
		r.pointIdx[code] = len(r.points)
		r.points = append(r.points, point{code: code, lat: p.Lat, lon: p.Lon, involved: involved})
		return len(r.points) - 1
	}
	for _, a := range r.actors {
		if a.kind == akPoP {
			addPoint(a.pop, true)
		}
	}
	if usesKV {
		for _, c := range r.topo.CentralStores {
			if i := addPoint(c, false); i >= 0 {
				r.points[i].central = true
			}
		}
	}
	for _, a := range r.actors {
		switch a.kind {
		case akOrigin:
			if i := addPoint(a.pop, false); i >= 0 {
				r.points[i].origin = true
			}
		case akDO:
			if i := addPoint(a.pop, false); i >= 0 {
				r.points[i].objects = append(r.points[i].objects, a.label)
			}
		case akCentral:
			if i := addPoint(a.pop, false); i >= 0 {
				r.points[i].central = true
			}
		}
	}
}

// msgKey identifies an arrival's send: the simulator stamps each send
// with its arrival time, and nothing else in a trace shares all of these.
type msgKey struct {
	from, to, detail, site string
	req                    int
	at                     time.Duration
}

// pairMessages links each send to its arrival. (The trace has no message
// id yet; see the report: edge is adding one.)
func (r *run) pairMessages() {
	pending := map[msgKey][]int{}
	tr := r.trace()
	for i, ev := range tr {
		switch ev.Kind {
		case edge.EvSend:
			k := msgKey{ev.From, ev.To, ev.Detail, ev.Site, ev.Req, ev.Arrive}
			pending[k] = append(pending[k], len(r.msgs))
			r.msgs = append(r.msgs, message{send: i, arrive: -1, from: ev.From, to: ev.To,
				fromPt: r.pointOf(ev.From), toPt: r.pointOf(ev.To),
				fromCol: r.colOf(ev.From), toCol: r.colOf(ev.To),
				sendAt: ev.At, arriveAt: ev.Arrive, cat: messageRole(ev.Detail)})
		case edge.EvArrive:
			k := msgKey{ev.From, ev.To, ev.Detail, ev.Site, ev.Req, ev.At}
			if q := pending[k]; len(q) > 0 {
				r.msgs[q[0]].arrive = i
				pending[k] = q[1:]
			}
		}
	}
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

// messageRole colours a message by what it carries, read from the first
// word of the send's description ("kv read count", "do fetch /x").
func messageRole(detail string) role {
	w, _, _ := strings.Cut(detail, " ")
	switch w {
	case "kv", "429":
		return rMsgKV
	case "do":
		return rMsgDO
	case "fetch", "response":
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
