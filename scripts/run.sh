#!/usr/bin/env bash
# Installs whatever is missing, builds Warden, and serves it on http://127.0.0.1:3000 with the
# embedded SQLite database in data/. On the first start the log shows how to sign in.
source "$(dirname "$0")/lib.sh"

ensure_build_tools
build_release
say "Serving Warden on http://127.0.0.1:3000 (Ctrl-C stops it)"
exec target/release/warden serve
