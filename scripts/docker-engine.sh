#!/usr/bin/env bash
# A Docker engine that answers, for the containers provider and `npm run env:images`:
#  - an engine that already answers `docker info` is used as it is (nothing installed or started);
#  - else, as root on Debian, docker.io is installed if missing and dockerd started in the background
#    (the package does not start it on machines without systemd), then waited for;
#  - debootstrap (which env:images needs for its Debian base) and Debian's docker-compose (which .ci/run
#    brings docker-compose.yml up with) are installed if missing, as root.
# Prints one line saying what it did; exits non-zero with the reason when no engine can answer.
set -euo pipefail
log=${DOCKERD_LOG:-/var/log/dockerd.log}
is_root() { [ "$(id -u)" -eq 0 ]; }
need=()
if is_root && ! command -v debootstrap >/dev/null 2>&1 && [ ! -x /usr/sbin/debootstrap ]; then need+=(debootstrap); fi
if is_root && ! command -v docker-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then need+=(docker-compose); fi
if docker info >/dev/null 2>&1; then
  [ ${#need[@]} -eq 0 ] || { apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; } >/dev/null
  echo "docker engine: already answering ($(docker info --format '{{.ServerVersion}}'))"
  exit 0
fi
if ! is_root; then
  echo "docker engine: none answers, and only root may install or start one here: start Docker, or use E2E_ENV=native" >&2
  exit 1
fi
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
# Detached into its own session: the engine outlives this script, like a service would.
setsid dockerd >"$log" 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "docker engine: started dockerd $(docker info --format '{{.ServerVersion}}') (log $log)"
    exit 0
  fi
  sleep 0.5
done
echo "docker engine: dockerd did not answer within 30 s; see $log" >&2
tail -5 "$log" >&2 || true
exit 1
