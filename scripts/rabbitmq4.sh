#!/usr/bin/env bash
# Starts RabbitMQ 4 (Debian 13's rabbitmq-server) on 127.0.0.1:5673, beside the host's own broker.
#
# Debian 13's Erlang needs a newer glibc than a Debian 12 host has, so the broker runs in a
# Debian 13 root made with debootstrap, entered with chroot. The root is built once per machine,
# outside any checkout, and reused. Nothing here touches the host's RabbitMQ (its own node name,
# ports, epmd and Erlang cookie).
#
#   bash scripts/rabbitmq4.sh          # build the root if missing, start the node if not answering
#   bash scripts/rabbitmq4.sh stop     # stop the node (the root stays)
#
# Settings (environment):
#   PARAPRINT_RABBITMQ4_ROOT    the Debian 13 root (/var/lib/paraprint-ci/rabbitmq4-trixie)
#   PARAPRINT_RABBITMQ4_PORT    AMQP port (5673); the node's distribution port is 20000 above it
#   PARAPRINT_RABBITMQ4_MIRROR  Debian mirror (http://deb.debian.org/debian)
# Needs root (debootstrap, mount, chroot).
set -euo pipefail

ROOT=${PARAPRINT_RABBITMQ4_ROOT:-/var/lib/paraprint-ci/rabbitmq4-trixie}
PORT=${PARAPRINT_RABBITMQ4_PORT:-5673}
MIRROR=${PARAPRINT_RABBITMQ4_MIRROR:-http://deb.debian.org/debian}
NODE=rabbit4@localhost
# epmd of the host's broker listens on 4369: this node has its own.
EPMD_PORT=4370

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

in_root() {
  chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/rabbitmq \
    LANG=C.UTF-8 RABBITMQ_NODENAME="$NODE" RABBITMQ_NODE_PORT="$PORT" \
    RABBITMQ_DIST_PORT=$((PORT + 20000)) ERL_EPMD_PORT="$EPMD_PORT" "$@"
}

if [[ ${1:-} == stop ]]; then
  if [[ -x $ROOT/usr/sbin/rabbitmqctl ]] && answers "$PORT"; then
    in_root rabbitmqctl stop
  fi
  exit 0
fi

if answers "$PORT"; then
  echo "RabbitMQ answers on 127.0.0.1:$PORT already"
  exit 0
fi

if [[ ! -x $ROOT/usr/sbin/rabbitmq-server ]]; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "== installing debootstrap"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
  fi
  echo "== building a Debian 13 root with rabbitmq-server in $ROOT (about a minute)"
  # Built aside and moved into place: an interrupted build is never mistaken for a root.
  partial="$ROOT.partial"
  rm -rf "$partial"
  mkdir -p "$(dirname "$ROOT")"
  debootstrap --variant=minbase --include=rabbitmq-server trixie "$partial" "$MIRROR" \
    >"$(dirname "$ROOT")/debootstrap.log" 2>&1 ||
    { tail -20 "$(dirname "$ROOT")/debootstrap.log"; echo "debootstrap failed"; exit 1; }
  mv "$partial" "$ROOT"
fi

# Erlang reads /proc; mounted once, left for the next start.
mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"

echo "== starting RabbitMQ $(chroot "$ROOT" dpkg-query -W -f '${Version}' rabbitmq-server) on 127.0.0.1:$PORT"
in_root rabbitmq-server -detached
for _ in $(seq 1 120); do answers "$PORT" && break; sleep 1; done
in_root rabbitmqctl await_startup >/dev/null
answers "$PORT" || { echo "RabbitMQ 4 does not answer on 127.0.0.1:$PORT; logs in $ROOT/var/log/rabbitmq"; exit 1; }
echo "RabbitMQ 4 answers on 127.0.0.1:$PORT"
