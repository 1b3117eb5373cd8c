#!/usr/bin/env bash
# The broker integration tests (tests/it) and the silent-partition scenarios of tests/restarts
# against RabbitMQ 4, the version users deploy.
#
# The README's test command runs them against the RabbitMQ on 127.0.0.1:5672 (3.10 on the CI
# machine); this runs the same tests again on RabbitMQ 4.0 on 127.0.0.1:5673, started by
# scripts/rabbitmq4.sh (which builds its Debian 13 root on first use). Tests that check what
# differs between versions ask the broker its version and assert what that version does.
#
#   bash scripts/test-rabbitmq4.sh               # every test of tests/it
#   bash scripts/test-rabbitmq4.sh delivery      # a filter of tests/it, as cargo test takes it
#
# The other tests of tests/restarts stop and start the broker with the host's rabbitmqctl, so
# they run on the host's broker only.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/rabbitmq4.sh
port=${PARAPRINT_RABBITMQ4_PORT:-5673}
export PARAPRINT_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:$port/%2f"
echo "== tests/it on RabbitMQ 4 ($PARAPRINT_TEST_AMQP_URL)"
cargo test --test it -- "$@"
if [[ $# -eq 0 ]]; then
  echo "== silent partitions on RabbitMQ 4"
  cargo test --features restart-tests --test restarts silent_partition -- --test-threads=1
fi
