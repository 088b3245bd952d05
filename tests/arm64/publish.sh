#!/usr/bin/env bash
# Publishes the gateway self-contained for linux-arm64 into artifacts/edge-linux-arm64, and installs qemu-user-static
# with the arm64 C libraries, so Arm64GatewayTests can run it under emulation. Never fails the test command: when a
# step fails it writes one line (the step and its last error line) to artifacts/edge-linux-arm64.skip, which the test
# prints when it skips.
set -uo pipefail
cd "$(dirname "$0")/../.."

out=artifacts/edge-linux-arm64
skip=artifacts/edge-linux-arm64.skip
mkdir -p artifacts
rm -rf "$out" "$skip"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

skip_because() {
  echo "$1: $(grep -v '^[[:space:]]*$' "$log" | tail -n1)" > "$skip"
  echo "arm64 gateway not published: $(cat "$skip")"
  exit 0
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -n"; fi

# The arm64 C libraries the runtime loads: libssl for the terminal API's token checks (libssl3t64 from Debian 13 on).
need=()
command -v qemu-aarch64-static >/dev/null 2>&1 || need+=(qemu-user-static)
for lib in libc6 libstdc++6 zlib1g; do dpkg -s "$lib:arm64" >/dev/null 2>&1 || need+=("$lib:arm64"); done
dpkg -s libssl3:arm64 >/dev/null 2>&1 || dpkg -s libssl3t64:arm64 >/dev/null 2>&1 || need+=(libssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} from apt"
  export DEBIAN_FRONTEND=noninteractive
  # The arm64 packages come from the same mirror once dpkg knows the architecture; its package lists need an update.
  { dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64; } >"$log" 2>&1 \
    || skip_because "dpkg --add-architecture arm64"
  $SUDO apt-get update >"$log" 2>&1 || skip_because "apt-get update"
  if [[ " ${need[*]} " == *" libssl "* ]]; then
    ssl=libssl3; apt-cache show libssl3t64:arm64 >/dev/null 2>&1 && ssl=libssl3t64
    need=("${need[@]/#libssl/$ssl:arm64}")
  fi
  $SUDO apt-get install -y --no-install-recommends "${need[@]}" >"$log" 2>&1 || skip_because "apt-get install ${need[*]}"
fi

# Its own intermediate and output folders (--artifacts-path): a RID restore in edge/obj would rewrite the
# project.assets.json the x64 Release build of the solution uses.
started=$(date +%s)
dotnet publish edge/GridEdge.Edge.csproj -c Release -r linux-arm64 --self-contained -p:InvariantGlobalization=true \
  --artifacts-path artifacts/arm64-build -o "$out" >"$log" 2>&1 \
  || { rm -rf "$out"; skip_because "dotnet publish -r linux-arm64"; }
echo "Published the arm64 gateway to $out in $(( $(date +%s) - started )) s"
