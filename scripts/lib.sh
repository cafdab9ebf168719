# Shared by scripts/run.sh and scripts/test.sh: installs what is missing, idempotently.
# Everything comes from a package registry (Debian, crates.io, npm); nothing downloads a binary.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.10
SCHEMATHESIS_VERSION=4.32.5

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=no
apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  if [ "$apt_updated" = no ]; then as_root apt-get update -qq; apt_updated=yes; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock
}

ensure_build_tools() {
  command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
  command -v npm >/dev/null || apt_install nodejs npm
  command -v cc >/dev/null || apt_install build-essential

  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if [ "$(cargo-leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 13 minutes, once)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
  fi

  local wbg
  wbg=$(wasm_bindgen_version)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg" ]; then
    say "Installing wasm-bindgen-cli $wbg"
    cargo install wasm-bindgen-cli --version "$wbg"
  fi

  # Tailwind CSS, wasm-opt (binaryen) and playwright-core, pinned exactly in package.json.
  # (`npm install`, not `npm ci`: with npm's omit-lockfile-registry-resolved setting, `npm ci`
  # rejects the lock file's platform-specific optional packages.)
  if [ ! -f node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing npm packages"
    npm install --no-audit --no-fund --loglevel=error
  fi
}

# Schemathesis (PyPI), pinned, in a virtual environment of its own under target/.
ensure_schemathesis() {
  local venv=target/schemathesis
  if [ "$("$venv/bin/st" --version 2>/dev/null | awk '{print $NF}')" != "$SCHEMATHESIS_VERSION" ]; then
    say "Installing Schemathesis $SCHEMATHESIS_VERSION into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}

ensure_browser() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

# `--split`: every page but sign-in is a WebAssembly chunk of its own (src/ui/pages/lazy.rs);
# a build without it leaves the chunks' loader out and the console cannot hydrate.
build_release() {
  say "Building Warden (server, WebAssembly and CSS)"
  cargo leptos build --release --split --precompress
}

# The release WebAssembly, stylesheet and script alone (precompressed), for the first-load check.
build_release_frontend() {
  say "Building the release WebAssembly for the first-load check"
  cargo leptos build --release --split --precompress --frontend-only
}

# The browser tests check behaviour, not speed: the debug build (target/debug/warden, the site in
# target/site) takes a third of the release build's time and reuses what `cargo test` compiled.
build_for_browser_tests() {
  say "Building Warden for the browser tests (debug build)"
  cargo leptos build --split
}
