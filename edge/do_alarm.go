package edge

import (
	"time"
)

// An object's one alarm: set and deleted through storage, fired at least
// once, retried with exponential backoff when its handler fails.

func (s *DOStorage) SetAlarm(at time.Duration) {
	o := s.o
	w := o.ns.w
	o.alarmSeq++
	o.alarmAt, o.alarmSet = at, true
	seq := o.alarmSeq
	w.At(at, func() { o.fireAlarm(seq, 0) })
	site := w.callSite(1)
	o.alarmWrite(site)
	o.emit(Event{Kind: EvDOStorage, Req: o.curReq, Op: "setAlarm", Expires: at, Site: site})
}

// alarmWrite records setting or deleting the alarm as a storage write of
// the current callback: it is flushed with the others, and what leaves
// the object after it waits at the output gate until it is durable.
func (o *doObject) alarmWrite(site string) {
	o.batch = append(o.batch, doWrite{alarm: true, call: o.ns.w.now, req: o.curReq})
	o.batchSite = site
}

// DeleteAlarm cancels the alarm.
func (s *DOStorage) DeleteAlarm() {
	o := s.o
	o.alarmSeq++
	o.alarmSet = false
	site := o.ns.w.callSite(1)
	o.alarmWrite(site)
	o.emit(Event{Kind: EvDOStorage, Req: o.curReq, Op: "deleteAlarm", Site: site})
}

// GetAlarm returns when the alarm will fire (false: none set).
func (s *DOStorage) GetAlarm() (time.Duration, bool) { return s.o.alarmAt, s.o.alarmSet }

func (o *doObject) fireAlarm(seq uint64, retry int) {
	if o.alarmSeq != seq || !o.alarmSet {
		return
	}
	o.push(doTask{kind: taskAlarm, seq: seq, retry: retry, gen: o.gen})
	o.pump()
}

// DOAlarm is one attempt at running the alarm handler.
type DOAlarm struct {
	o     *doObject
	seq   uint64
	Retry int // 0 on the first attempt
	done  bool
}

func (o *doObject) runAlarm(t doTask) {
	if t.seq != o.alarmSeq {
		return // replaced or deleted while queued
	}
	a := &DOAlarm{o: o, seq: t.seq, Retry: t.retry}
	h, ok := o.inst.(DOAlarmHandler)
	if !ok {
		a.done = true
		return
	}
	o.open++
	o.alarm = a
	h.Alarm(o.ctx, a)
}

// Done reports that the alarm handler succeeded.
func (a *DOAlarm) Done() {
	if a.done {
		return
	}
	a.done = true
	o := a.o
	o.open--
	o.alarm = nil
	o.ns.mAlarmOK.Add(1)
	o.emit(Event{Kind: EvDOAlarm, Outcome: "ok", Count: a.Retry + 1, Site: o.ns.w.callSite(1)})
}

// Fail reports that the alarm handler threw: the alarm is retried with
// exponential backoff, up to the retry limit, unless a new one was set.
func (a *DOAlarm) Fail(err error) {
	if a.done {
		return
	}
	a.o.open--
	a.fail(err)
}

func (a *DOAlarm) fail(err error) {
	a.done = true
	o := a.o
	w, cfg := o.ns.w, o.ns.cfg
	o.alarm = nil
	if o.alarmSeq != a.seq {
		// The handler set a new alarm before failing: that one stands.
		o.emit(Event{Kind: EvDOAlarm, Outcome: "replaced", Count: a.Retry + 1, Detail: err.Error()})
		return
	}
	if a.Retry >= cfg.AlarmMaxRetries {
		o.ns.mAlarmGaveUp.Add(1)
		o.emit(Event{Kind: EvDOAlarm, Outcome: "gave-up", Count: a.Retry + 1, Detail: err.Error()})
		return
	}
	delay := cfg.AlarmRetryBase << a.Retry
	o.ns.mAlarmRetry.Add(1)
	o.alarmAt, o.alarmSet = w.now+delay, true
	o.emit(Event{Kind: EvDOAlarm, Outcome: "retry", Count: a.Retry + 1, Expires: o.alarmAt,
		Latency: delay, Detail: err.Error()})
	seq, retry := a.seq, a.Retry+1
	w.After(delay, func() { o.fireAlarm(seq, retry) })
}
