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
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
