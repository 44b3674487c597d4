#!/usr/bin/env bash
# Regenerates the README's screenshots from the real program: the built
# binary runs `switchboard demo` in a detached tmux session, keys are sent as
# a person would, and each screen is captured with its colours
# (`tmux capture-pane -e`) and rendered to SVG with charmbracelet/freeze.
# Needs tmux; installs freeze into a temporary GOBIN when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
mkdir -p "$out"
command -v tmux >/dev/null || { echo "screenshots: tmux is not installed" >&2; exit 1; }
freeze=$(command -v freeze || true)
if [ -z "$freeze" ]; then
  GOBIN=$(mktemp -d) go install github.com/charmbracelet/freeze@v0.2.2
  freeze=$GOBIN/freeze
fi
bin=$(mktemp -d)/switchboard
go build -o "$bin" ./cmd/switchboard
sock=switchboard-shots-$$
t() { tmux -L "$sock" "$@"; }
trap 't kill-server 2>/dev/null || true' EXIT
t new-session -d -x 132 -y 36 -s shots "env TERM=xterm-256color COLORTERM=truecolor $bin demo --seed 3 --speed 20 --theme dark"
sleep 8 # the scripted crisis starts ~3 s in at this speed
shot() { # name, then keys to send first ("text:…" types literally)
  local name=$1; shift
  for k in "$@"; do
    case $k in
      text:*) t send-keys -t shots -l "${k#text:}" ;;
      *) t send-keys -t shots "$k" ;;
    esac
    sleep 0.7
  done
  sleep 1
  # freeze does not reset the background on SGR 49 ("default background"),
  # so it is spelled as freeze's own background colour; nothing else changes
  t capture-pane -e -p -t shots | sed 's/\x1b\[49m/\x1b[48;2;23;23;23m/g' |
    "$freeze" --language ansi --window=false --padding 20 -o "$out/$name.svg" >/dev/null
  echo "wrote $out/$name.svg"
}
shot inbox
shot detail Enter
shot composer Escape r
shot crisis Escape 2
shot incident a d
shot policy Escape 3 Enter "text:Use my code SAVE10 at the checkout! #sp" Escape
t send-keys -t shots 1
