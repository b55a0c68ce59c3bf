#!/usr/bin/env bash
# Debian packages Atrium's local stack and tests use as real peers. `dev` (for `pnpm dev`):
# Python's venv module (the local Synapse). `test` (the default): also Chromium (browser
# tests), Caddy, coturn, HAProxy and rclone (the rendered Caddyfile, turnserver.conf, the
# Kubernetes router's haproxy.cfg and the encrypted offsite backup copy run in the real programs). Installs what is missing when run as root; otherwise prints the one command to run.
set -euo pipefail
mode="${1:-test}"
need=()
if ! command -v python3 >/dev/null 2>&1; then
  need+=(python3 python3-venv)
elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  need+=(python3-venv)
fi
if [ "$mode" = test ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v caddy >/dev/null 2>&1 || need+=(caddy)
  command -v turnserver >/dev/null 2>&1 || need+=(coturn)
  command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
  command -v rclone >/dev/null 2>&1 || need+=(rclone)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "atrium: missing Debian packages: ${need[*]}. Install them with: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "atrium: installing Debian packages: ${need[*]} (once; 1–3 minutes, Chromium is the largest)" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
