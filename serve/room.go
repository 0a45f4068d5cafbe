package serve

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kvdo/kvdo/advisor"
	"github.com/kvdo/kvdo/content"
	"github.com/kvdo/kvdo/internal/app"
	"github.com/kvdo/kvdo/tui"
)

// Role is what a session may do in the room.
type Role int

// The roles.
const (
	Participant Role = iota
	Facilitator
)

func (r Role) String() string {
	if r == Facilitator {
		return "facilitator"
	}
	return "participant"
}

// room is the shared state of a workshop: who is here and where, the lead
// the facilitator gives, and the poll. Sessions only reach each other
// through it, under its lock; it never blocks on a session (messages to a
// session go to that session's mailbox).
type room struct {
	pack *content.Pack

	mu      sync.Mutex
	members map[int]*member
	nextID  int
	perAddr map[string]int
	closing bool

	leadNum int
	lead    *lead // nil when nobody leads

	pollNum int
	poll    *poll           // the current poll (open or closed), nil before the first
	history []*poll         // every poll asked, oldest first
	item    string          // the piece of state the polls are about
	answers advisor.Answers // the room's majority answer to each question polled
}

// lead is the facilitator's player as the room follows it.
type lead struct {
	num int
	by  int            // the facilitator's member id
	msg *tui.FollowMsg // the latest position; nil until their player is open
}

// poll is one question to the room and its answers, one per participant.
type poll struct {
	id       int
	item     string
	question *content.Question
	answers  map[int]any // member id -> answer
	open     bool
}

func newRoom(pack *content.Pack) *room {
	return &room{pack: pack, members: map[int]*member{}, perAddr: map[string]int{}, item: "the room's state"}
}

// admission problems: a clear sentence for the person refused.
type refusal string

func (r refusal) Error() string { return string(r) }

// admit adds a session to the room, within the limits.
func (r *room) admit(m *member, maxSessions, maxPerAddr int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closing:
		return refusal("the workshop has ended")
	case m.role == Participant && r.count(Participant) >= maxSessions:
		return refusal(fmt.Sprintf("the room is full (%d sessions): ask the facilitator", maxSessions))
	case m.role == Participant && maxPerAddr > 0 && r.perAddr[m.addr] >= maxPerAddr:
		return refusal(fmt.Sprintf("too many sessions from %s (%d at most): close one first", m.addr, maxPerAddr))
	}
	r.nextID++
	m.id = r.nextID
	r.members[m.id] = m
	r.perAddr[m.addr]++
	if m.role == Participant && r.lead != nil && r.lead.msg != nil {
		m.box.follow(*r.lead.msg)
	}
	if m.role == Participant && r.poll != nil && r.poll.open {
		m.box.put(tui.PollMsg{ID: r.poll.id, Item: r.poll.item, Question: r.poll.question.ID})
	}
	return nil
}

func (r *room) count(role Role) int {
	n := 0
	for _, m := range r.members {
		if m.role == role {
			n++
		}
	}
	return n
}

// leave removes a session; a facilitator who leads stops leading.
func (r *room) leave(m *member) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.members[m.id]; !ok {
		return
	}
	delete(r.members, m.id)
	if r.perAddr[m.addr]--; r.perAddr[m.addr] <= 0 {
		delete(r.perAddr, m.addr)
	}
	if r.lead != nil && r.lead.by == m.id {
		r.endLeadLocked()
	}
}

// close refuses newcomers and ends every session with reason.
func (r *room) close(reason string) {
	r.mu.Lock()
	r.closing = true
	ms := make([]*member, 0, len(r.members))
	for _, m := range r.members {
		ms = append(ms, m)
	}
	r.mu.Unlock()
	for _, m := range ms {
		m.end(reason, 0)
	}
}

// size is the number of sessions.
func (r *room) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.members)
}

// moved records where a member is: a store of its own, without the
// room's lock (every playing session reports at every frame). A leading
// facilitator's player position goes to every participant.
func (r *room) moved(m *member, w tui.Where) {
	m.where.Store(&w)
	if m.role != Facilitator || w.Player == nil || w.Demo == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lead == nil || r.lead.by != m.id {
		return
	}
	msg := tui.FollowMsg{Lead: r.lead.num, Demo: w.Demo, Pos: *w.Player}
	r.lead.msg = &msg
	for _, p := range r.members {
		if p.role == Participant {
			p.box.follow(msg)
		}
	}
}

// following reports whether a member follows a lead (and so is not
// idle, however long since their last key).
func (r *room) following(id int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.members[id]
	return ok && r.lead != nil && m.reported().Following
}

// startLead makes facilitator id the leader: the room follows their
// player from its next position on.
func (r *room) startLead(id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.leadNum++
	r.lead = &lead{num: r.leadNum, by: id}
}

// endLead lets the room go.
func (r *room) endLead() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.endLeadLocked()
}

func (r *room) endLeadLocked() {
	if r.lead == nil {
		return
	}
	r.lead = nil
	for _, p := range r.members {
		if p.role == Participant {
			p.box.endLead()
		}
	}
}

// setItem names the piece of state the next polls are about.
func (r *room) setItem(item string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if item != r.item {
		r.item = item
		r.answers = nil // answers about another piece of state
	}
}

// ask opens a poll on question q about item, closing any other.
func (r *room) ask(item string, q *content.Question) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closePollLocked()
	r.pollNum++
	if item != "" {
		r.item = item
	}
	p := &poll{id: r.pollNum, item: r.item, question: q, answers: map[int]any{}, open: true}
	r.poll = p
	r.history = append(r.history, p)
	for _, m := range r.members {
		if m.role == Participant {
			m.box.put(tui.PollMsg{ID: p.id, Item: p.item, Question: q.ID})
		}
	}
	return p.id
}

// closePoll stops taking answers to the current poll.
func (r *room) closePoll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closePollLocked()
}

func (r *room) closePollLocked() {
	if r.poll == nil || !r.poll.open {
		return
	}
	r.poll.open = false
	for _, m := range r.members {
		if m.role == Participant {
			m.box.put(tui.PollCloseMsg{ID: r.poll.id})
		}
	}
}

// answer records a participant's answer to an open poll (a later answer
// replaces theirs) and updates the room's majority answer.
func (r *room) answer(id, pollID int, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.poll
	if p == nil || p.id != pollID || !p.open {
		return
	}
	if m, ok := r.members[id]; !ok || m.role != Participant {
		return
	}
	p.answers[id] = v
	if mv, ok := majority(p.question, p.answers); ok {
		if r.answers == nil {
			r.answers = advisor.Answers{}
		}
		r.answers[p.question.ID] = mv
	}
}

// kick ends a participant's session.
func (r *room) kick(id int) bool {
	r.mu.Lock()
	m, ok := r.members[id]
	r.mu.Unlock()
	if !ok || m.role != Participant {
		return false
	}
	m.end("the facilitator closed this session", 1)
	return true
}

// bucket is one answer and how many gave it.
type bucket struct {
	Label string
	Count int
}

// tally counts a poll's answers: yes/no and choices in the question's
// order, numbers each value once in ascending order.
func tally(q *content.Question, answers map[int]any) []bucket {
	var out []bucket
	add := func(label string) {
		for i := range out {
			if out[i].Label == label {
				out[i].Count++
				return
			}
		}
		out = append(out, bucket{Label: label, Count: 1})
	}
	switch q.Type {
	case content.TypeBool:
		out = []bucket{{Label: "yes"}, {Label: "no"}}
	case content.TypeChoice:
		for _, o := range q.Options {
			out = append(out, bucket{Label: o})
		}
	}
	ids := make([]int, 0, len(answers))
	for id := range answers {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		add(answerLabel(answers[id]))
	}
	if q.Type != content.TypeBool && q.Type != content.TypeChoice {
		slices.SortFunc(out, func(a, b bucket) int {
			return cmp.Compare(numberOf(answers, a.Label), numberOf(answers, b.Label))
		})
	}
	return out
}

func numberOf(answers map[int]any, label string) float64 {
	for _, v := range answers {
		if f, ok := v.(float64); ok && answerLabel(f) == label {
			return f
		}
	}
	return 0
}

func answerLabel(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		return content.FormatNumber(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// majority is the answer the room gives: the most given for yes/no and
// choices (ties go to the earlier option: "no" before "yes" is not
// assumed; the question's order decides), the median for numbers (the
// lower middle value of an even count).
func majority(q *content.Question, answers map[int]any) (any, bool) {
	if len(answers) == 0 {
		return nil, false
	}
	switch q.Type {
	case content.TypeBool, content.TypeChoice:
		best, bestN := "", -1
		for _, b := range tally(q, answers) {
			if b.Count > bestN {
				best, bestN = b.Label, b.Count
			}
		}
		for _, v := range answers {
			if answerLabel(v) == best {
				return v, true
			}
		}
		return nil, false
	}
	var xs []float64
	for _, v := range answers {
		if f, ok := v.(float64); ok {
			xs = append(xs, f)
		}
	}
	if len(xs) == 0 {
		return nil, false
	}
	slices.Sort(xs)
	return xs[(len(xs)-1)/2], true
}

// roomView is what the facilitator's panel draws: a copy taken under the
// lock, so drawing never holds it.
type roomView struct {
	People  []personView
	Leading bool
	LeadBy  int
	Lead    *tui.FollowMsg
	Poll    *pollView
	Item    string
	Answers advisor.Answers
	Lean    *app.Leaning // the room's answers through advisor.Evaluate
	Why     string       // the demo that shows why, "" when none
}

type personView struct {
	ID    int
	Name  string
	Role  Role
	Addr  string
	Where tui.Where
	Since time.Duration // connected for
	Idle  time.Duration // since the last key
}

type pollView struct {
	ID       int
	Item     string
	Question *content.Question
	Buckets  []bucket
	Total    int
	Open     bool
}

// view copies the room for drawing, at now.
func (r *room) view(now time.Time) roomView {
	r.mu.Lock()
	v := roomView{Item: r.item, Answers: maps(r.answers)}
	for _, m := range r.members {
		w := m.reported()
		v.People = append(v.People, personView{ID: m.id, Name: cmpOr(w.Name, m.name), Role: m.role, Addr: m.addr, Where: w,
			Since: now.Sub(m.start).Truncate(time.Second), Idle: now.Sub(m.lastInput()).Truncate(time.Second)})
	}
	if r.lead != nil {
		v.Leading, v.LeadBy, v.Lead = true, r.lead.by, r.lead.msg
	}
	if p := r.poll; p != nil {
		v.Poll = &pollView{ID: p.id, Item: p.item, Question: p.question, Buckets: tally(p.question, p.answers), Total: len(p.answers), Open: p.open}
	}
	r.mu.Unlock()
	slices.SortFunc(v.People, func(a, b personView) int {
		return cmp.Or(cmp.Compare(b.Role, a.Role), cmp.Compare(a.ID, b.ID))
	})
	if len(v.Answers) > 0 {
		l := app.Lean(r.pack, advisor.Item{Name: v.Item, Answers: v.Answers}, nil)
		v.Lean = &l
		v.Why = whyDemo(l.Rec, v.Poll)
	}
	return v
}

func maps(a advisor.Answers) advisor.Answers {
	if a == nil {
		return nil
	}
	c := make(advisor.Answers, len(a))
	for k, x := range a {
		c[k] = x
	}
	return c
}

// whyDemo is the demo that shows why the room's answers lead where they
// do: the first reason for the recommendation (one reading the question
// just polled first) resting on a fact a demo makes visible.
func whyDemo(rec advisor.Recommendation, p *pollView) string {
	reasons := slices.Clone(rec.Reasons)
	if p != nil {
		slices.SortStableFunc(reasons, func(a, b advisor.Reason) int {
			return cmp.Compare(rank(a, p.Question.ID), rank(b, p.Question.ID))
		})
	}
	for _, r := range reasons {
		for _, f := range r.Facts {
			if d, ok := tui.DemoForFact(f); ok {
				return d
			}
		}
	}
	return ""
}

func rank(r advisor.Reason, q string) int {
	if slices.Contains(r.Questions, q) {
		return 0
	}
	return 1
}

// mailbox holds what the room sends one session until its loop delivers
// it: the leader's latest position (older ones are dropped: a slow
// session skips frames rather than slowing the room) and, in order, the
// other messages.
type mailbox struct {
	mu     sync.Mutex
	latest *tui.FollowMsg
	queue  []tea.Msg
	wake   chan struct{}
}

// maxQueued bounds a session's undelivered messages (polls, lead ends);
// past it the oldest go.
const maxQueued = 32

func newMailbox() *mailbox { return &mailbox{wake: make(chan struct{}, 1)} }

func (b *mailbox) follow(msg tui.FollowMsg) {
	b.mu.Lock()
	b.latest = &msg
	b.mu.Unlock()
	b.ring()
}

func (b *mailbox) endLead() {
	b.mu.Lock()
	b.latest = nil
	b.queue = append(b.queue, tui.LeadEndMsg{})
	b.trim()
	b.mu.Unlock()
	b.ring()
}

func (b *mailbox) put(msg tea.Msg) {
	b.mu.Lock()
	if b.latest != nil {
		// Keep the order: a position given before this message goes first.
		b.queue = append(b.queue, *b.latest)
		b.latest = nil
	}
	b.queue = append(b.queue, msg)
	b.trim()
	b.mu.Unlock()
	b.ring()
}

func (b *mailbox) trim() {
	if n := len(b.queue); n > maxQueued {
		b.queue = append(b.queue[:0], b.queue[n-maxQueued:]...)
	}
}

func (b *mailbox) ring() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// take empties the box.
func (b *mailbox) take() []tea.Msg {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.queue
	b.queue = nil
	if b.latest != nil {
		out = append(out, *b.latest)
		b.latest = nil
	}
	return out
}
