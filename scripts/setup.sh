#!/usr/bin/env bash
# Installs what building and testing deskbridge needs, and only what is missing. Each check is
# cheap, so a second run takes about a second. Meant for root on Debian 12 with rustup/cargo and
# node/npm already present; every version is pinned here or in package-lock.json / Cargo.lock.
#
#   wasm32-unknown-unknown   rustup target (and the rustfmt/clippy components for `make lint`)
#   chromium, chromium-driver, firefox-esr   Debian packages (the distribution's current build)
#   wasm-pack                cargo install, WASM_PACK_VERSION below
#   wasm-bindgen-cli         cargo install, the wasm-bindgen version in Cargo.lock (they must match)
#   geckodriver              cargo install, GECKODRIVER_VERSION below
#   cargo-fuzz               cargo install, CARGO_FUZZ_VERSION below, only with `setup.sh fuzz`
#                            (make fuzz; it also needs the nightly toolchain, make test does not)
#   node_modules             npm ci from package-lock.json (wasm-opt from binaryen, playwright-core,
#                            typescript, benchmark peers)
set -euo pipefail

WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1
CARGO_FUZZ_VERSION=0.13.2
APT_PACKAGES=(chromium chromium-driver firefox-esr)
RUST_TARGET=wasm32-unknown-unknown
RUST_COMPONENTS=(rustfmt clippy)

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$cargo_bin:$PATH"

say() { printf '  %-24s %s\n' "$1" "$2"; }

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "setup: $1 is required but not on PATH ($2)" >&2
    exit 1
  fi
}
need rustup "install Rust with rustup first"
need cargo "install Rust with rustup first"
need node "install Node.js 20 first"
need npm "install Node.js 20 first"

echo "setup: checking tools"

# --- Rust target and components -----------------------------------------------------------------
if rustup target list --installed | grep -qx "$RUST_TARGET"; then
  say "$RUST_TARGET" "present"
else
  rustup target add "$RUST_TARGET"
  say "$RUST_TARGET" "installed"
fi
installed_components=$(rustup component list --installed)
for component in "${RUST_COMPONENTS[@]}"; do
  if grep -q "^$component" <<<"$installed_components"; then
    say "$component" "present"
  else
    rustup component add "$component"
    say "$component" "installed"
  fi
done

# --- Debian packages ----------------------------------------------------------------------------
missing_apt=()
# A C compiler and linker: rustc links with `cc`, and the cargo installs below build C code.
if ! command -v cc >/dev/null 2>&1; then
  missing_apt+=(build-essential)
fi
for pkg in "${APT_PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ]; then
    say "$pkg" "present ($(dpkg-query -W -f='${Version}' "$pkg"))"
  else
    missing_apt+=("$pkg")
  fi
done
if [ ${#missing_apt[@]} -gt 0 ]; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q "${missing_apt[@]}"
  for pkg in "${missing_apt[@]}"; do
    say "$pkg" "installed ($(dpkg-query -W -f='${Version}' "$pkg"))"
  done
fi

# --- cargo-installed tools, each at an exact version --------------------------------------------
# installed_version BIN -> the version BIN reports, or nothing.
# (Reads all the output first: geckodriver prints several lines and fails on a closed pipe.)
installed_version() {
  local out
  [ -x "$cargo_bin/$1" ] || return 0
  out=$("$cargo_bin/$1" --version 2>/dev/null) || return 0
  awk 'NR == 1 { sub(/^v/, "", $2); print $2 }' <<<"$out"
}

# cargo_tool BIN CRATE VERSION LOCKED: installs CRATE@VERSION unless BIN already reports VERSION.
# With LOCKED=yes it tries the crate's own Cargo.lock first and falls back to a fresh resolution
# if the registry lacks a locked version.
cargo_tool() {
  local bin=$1 crate=$2 version=$3 locked=$4 have
  have=$(installed_version "$bin")
  if [ "$have" = "$version" ]; then
    say "$crate" "present ($version)"
    return
  fi
  echo "setup: cargo install $crate $version (have: ${have:-none}); this takes a few minutes"
  if [ "$locked" = yes ] && cargo install --locked --force "$crate" --version "=$version"; then
    :
  else
    cargo install --force "$crate" --version "=$version"
  fi
  have=$(installed_version "$bin")
  if [ "$have" != "$version" ]; then
    echo "setup: $bin reports '${have:-nothing}' after installing $crate $version" >&2
    exit 1
  fi
  say "$crate" "installed ($version)"
}

# --- fuzzing tools, for `make fuzz` only -----------------------------------------------------------
if [ "${1:-}" = fuzz ]; then
  if ! rustup toolchain list | grep -q '^nightly'; then
    echo "setup: make fuzz needs Rust's nightly toolchain (cargo-fuzz builds with -Zsanitizer)" >&2
    exit 1
  fi
  say "nightly" "present ($(rustup run nightly rustc --version | awk '{ print $2 }'))"
  cargo_tool cargo-fuzz cargo-fuzz "$CARGO_FUZZ_VERSION" yes
  exit 0
fi

wasm_bindgen_version=$(awk '
  $0 == "[[package]]" { in_pkg = 0 }
  $0 == "name = \"wasm-bindgen\"" { in_pkg = 1; next }
  in_pkg && /^version = / { gsub(/"/, "", $3); print $3; exit }
' Cargo.lock)
if [ -z "$wasm_bindgen_version" ]; then
  echo "setup: no wasm-bindgen version found in Cargo.lock" >&2
  exit 1
fi

cargo_tool wasm-pack wasm-pack "$WASM_PACK_VERSION" yes
# Not --locked: a version in wasm-bindgen-cli's own lock file is missing from the registry here.
cargo_tool wasm-bindgen wasm-bindgen-cli "$wasm_bindgen_version" no
cargo_tool geckodriver geckodriver "$GECKODRIVER_VERSION" yes

# --- npm packages -------------------------------------------------------------------------------
stamp=node_modules/.deskbridge-npm-ci
if [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ] && [ ! package.json -nt "$stamp" ]; then
  say "node_modules" "present"
else
  npm ci --no-audit --no-fund
  touch "$stamp"
  say "node_modules" "installed (npm ci)"
fi
say "wasm-opt" "$("$root/node_modules/.bin/wasm-opt" --version)"
