#!/usr/bin/env bash
# Installs the Debian packages the project needs on a fresh Debian 12 machine (run as root, or it
# only checks). Everything Python comes from requirements.txt into .venv.
set -euo pipefail
need=()
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv python3-pip)
command -v git >/dev/null || need+=(git)
command -v make >/dev/null || need+=(make)
command -v curl >/dev/null || need+=(curl)
command -v gcc >/dev/null || need+=(gcc python3-dev)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
