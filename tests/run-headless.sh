#!/bin/sh
# Runs a command with its own X server (Xvfb), its own session bus, an
# unlocked throwaway GNOME keyring and a throwaway HOME, all torn down after.
# UI tests and benchmarks run under it; nothing touches the user's session.
set -eu
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dlv-headless.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
       XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR/keyring"
chmod 700 "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR/keyring"
export GDK_BACKEND=x11 NO_AT_BRIDGE=1
export GSK_RENDERER="${GSK_RENDERER:-cairo}"
export GNOME_KEYRING_CONTROL="$XDG_RUNTIME_DIR/keyring"
exec xvfb-run -a -s '-screen 0 1280x800x24 -nolisten tcp' dbus-run-session -- sh -c '
    printf x | gnome-keyring-daemon --foreground --unlock --components=secrets \
        --control-directory="$GNOME_KEYRING_CONTROL" >/dev/null 2>&1 &
    kpid=$!
    i=0; while [ ! -S "$GNOME_KEYRING_CONTROL/control" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
    rc=0; "$@" || rc=$?
    kill $kpid 2>/dev/null; wait $kpid 2>/dev/null
    exit $rc' sh "$@"
