#!/usr/bin/env bash
# Drives the built kvdo in tmux at 80x24 as a person would: the home menu,
# a question with the current-leaning panel, a recommendation, and q back
# to a clean shell prompt. Run by .ci/run; needs tmux.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
sess="kvdo-ci-$$"
cleanup() {
  tmux kill-session -t "$sess" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/kvdo" ./cmd/kvdo

# A clean shell with a recognisable prompt, so "q leaves a clean prompt"
# can be checked on the screen itself.
tmux new-session -d -s "$sess" -x 80 -y 24 -c "$work" \
  "env -i HOME=$work PATH=$PATH TERM=xterm-256color COLORFGBG='15;0' PS1='kvdo-ci\$ ' bash --norc --noprofile"

screen() { tmux capture-pane -p -t "$sess"; }

# wait_for PATTERN: until the pane shows PATTERN (grep -E), or fail with
# the pane's content.
wait_for() {
  for _ in $(seq 1 150); do
    if screen | grep -Eq -- "$1"; then
      return 0
    fi
    sleep 0.1
  done
  echo "tui-tmux: timed out waiting for: $1" >&2
  screen >&2
  exit 1
}

expect_all() {
  for p in "$@"; do
    screen | grep -Eq -- "$p" || { echo "tui-tmux: the screen lacks: $p" >&2; screen >&2; exit 1; }
  done
}

keys() { tmux send-keys -t "$sess" "$@"; sleep 0.15; }

wait_for 'kvdo-ci\$'
keys './kvdo' Enter
wait_for 'Open review'
expect_all 'Advise' 'Open review' 'Demos' 'Learn' 'Quit' '\? help'
echo "tui-tmux: home menu ok"

keys a
wait_for 'A new review'
keys 'Checkout' Enter 'Ana, Ravi' Enter 'seat-counter' Enter Enter
wait_for 'Must a read see the latest write'
expect_all 'Current leaning' 'correctness 1 of 5'
echo "tui-tmux: first question and leaning panel ok"

keys y
wait_for 'Last answer'
expect_all 'Durable Object' 'read_your_writes: yes'

# The seat counter's required answers, by the question on the screen; tab
# skips every optional question, however many the content pack asks.
for _ in $(seq 1 40); do
  s=$(screen)
  case "$s" in
    *"is answered"*) break ;;
    *"Can two writers update"*) keys y ;;
    *"Does an update read the current value"*) keys y ;;
    *"How old may a value be"*) keys C-u 0 Enter ;;
    *"Peak reads per second, counting every location"*) keys C-u 300 Enter ;;
    *"Peak writes per second to one key"*) keys C-u 40 Enter ;;
    *"How large is the largest value"*) keys C-u 64 Enter ;;
    *"Where are the readers"*) keys 3 ;;
    *"optional: tab"*) keys Tab ;;
    *) echo "tui-tmux: a question this script does not know:" >&2; echo "$s" >&2; exit 1 ;;
  esac
done
wait_for 'seat-counter is answered'
echo "tui-tmux: interview answered"

keys C-r
wait_for 'full record \(m\)'
expect_all 'Durable Object  ·  [a-z]+ confidence' 'Why'
echo "tui-tmux: recommendation ok"

keys q
for _ in $(seq 1 100); do
  screen | grep -v '^$' | tail -1 | grep -Eq '^kvdo-ci\$ ?$' && break
  sleep 0.1
done
screen | grep -v '^$' | tail -1 | grep -Eq '^kvdo-ci\$ ?$' || { echo "tui-tmux: no shell prompt after q" >&2; screen >&2; exit 1; }
if screen | grep -Eq 'Current leaning|full record|Durable Object'; then
  echo "tui-tmux: the TUI left text behind after q" >&2
  screen >&2
  exit 1
fi
echo "tui-tmux: q leaves a clean prompt"

keys './kvdo advise --answers kvdo-review.yaml --format json > out.json; echo "exit=$?"' Enter
wait_for 'exit=0'
grep -q '"primary": "durable-object"' "$work/out.json" || { echo "tui-tmux: the autosaved review does not evaluate to a Durable Object" >&2; exit 1; }
echo "tui-tmux: the autosaved review evaluates with advise --answers"
