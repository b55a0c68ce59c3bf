#!/usr/bin/env bash
# Debian packages the tests use as real peers: Chromium (browser tests), Caddy and coturn
# (the rendered Caddyfile and turnserver.conf are loaded by the real programs), and Python's
# venv module (the local Synapse). Installs what is missing when run as root; otherwise
# prints the one command to run.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v caddy >/dev/null 2>&1 || need+=(caddy)
command -v turnserver >/dev/null 2>&1 || need+=(coturn)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "atrium: missing Debian packages: ${need[*]}. Install them with: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "atrium: installing Debian packages: ${need[*]}" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
