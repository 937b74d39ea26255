#!/usr/bin/env bash
# Prepares the broker the way Vigil expects it, as the administrator: one SCRAM-SHA-512 principal
# per service (and per team), the rights in rights.txt and nothing else, and every topic the services
# use (the services may not create topics). Idempotent: run it after every upgrade of Vigil.
#
# Reads, from the environment (never from arguments):
#   KAFKA_BOOTSTRAP                 host:port of the broker
#   KAFKA_ADMIN_USER / _PASSWORD    a super user (PLAIN or SCRAM, KAFKA_ADMIN_MECHANISM, default PLAIN)
#   VIGIL_KAFKA_<SERVICE>_PASSWORD  each service's password, e.g. VIGIL_KAFKA_DUMP_WORKER_PASSWORD
#   VIGIL_KAFKA_TEAMS               "name:ENV_VAR ..." teams that may request backups, each password in ENV_VAR
# and rights.txt and topics.txt beside this script (deploy/src/test/.../BrokerSetupConsistencyTest
# checks both against the contracts' BrokerRights).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${KAFKA_BIN:-/opt/kafka/bin}"
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
chmod 600 "$config"
mechanism="${KAFKA_ADMIN_MECHANISM:-PLAIN}"
module=org.apache.kafka.common.security.plain.PlainLoginModule
[ "$mechanism" = PLAIN ] || module=org.apache.kafka.common.security.scram.ScramLoginModule
cat > "$config" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=$mechanism
sasl.jaas.config=$module required username="$KAFKA_ADMIN_USER" password="$KAFKA_ADMIN_PASSWORD";
PROPERTIES
admin=(--bootstrap-server "$KAFKA_BOOTSTRAP" --command-config "$config")

credential() { # principal, name of the variable holding its password
    local password="${!2:-}"
    if [ -z "$password" ]; then
        echo "setup: $2 is empty: set it to $1's password" >&2
        exit 1
    fi
    # kafka-configs 4.1 takes a SCRAM credential only as an argument (its --add-config-file turns the
    # mechanism's name into SCRAM_SHA_512 and refuses it): the password is in this one-shot container's
    # process list for the length of the call, and masked in anything the tool prints.
    "$bin/kafka-configs.sh" "${admin[@]}" --alter --entity-type users --entity-name "$1" \
        --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]" 2>&1 > /dev/null | sed 's/password=[^],]*/password=****/g' >&2
    [ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
    echo "setup: principal $1"
}

for service in scheduler-service dump-worker storage-service verifier-service notifier-service; do
    variable="VIGIL_KAFKA_$(echo "$service" | tr 'a-z-' 'A-Z_')_PASSWORD"
    credential "$service" "$variable"
done

while read -r topic partitions policy; do
    case "$topic" in ''|'#'*) continue ;; esac
    extra=()
    [ "$policy" = compacted ] && extra=(--config cleanup.policy=compact)
    "$bin/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" --command-config "$config" --create --if-not-exists \
        --topic "$topic" --partitions "$partitions" --replication-factor "${VIGIL_KAFKA_REPLICATION_FACTOR:-1}" "${extra[@]}" > /dev/null
done < "$here/topics.txt"
echo "setup: topics"

# One kafka-acls call per principal and access: its topics (and, for READ, its consumer groups) together.
declare -A writes reads groups
while read -r principal access topic group; do
    case "$principal" in ''|'#'*) continue ;; esac
    if [ "$access" = WRITE ]; then
        writes[$principal]+=" --topic $topic"
    else
        reads[$principal]+=" --topic $topic"
        [ -n "${group:-}" ] && groups[$principal]+=" --group $group"
    fi
done < "$here/rights.txt"
for principal in "${!writes[@]}"; do
    # shellcheck disable=SC2086 # the resource options are one word each
    "$bin/kafka-acls.sh" "${admin[@]}" --add --allow-principal "User:$principal" --operation Write ${writes[$principal]} > /dev/null
done
for principal in "${!reads[@]}"; do
    # shellcheck disable=SC2086
    "$bin/kafka-acls.sh" "${admin[@]}" --add --allow-principal "User:$principal" --operation Read ${reads[$principal]} ${groups[$principal]:-} > /dev/null
done
echo "setup: service rights"

for team in ${VIGIL_KAFKA_TEAMS:-}; do
    credential "${team%%:*}" "${team#*:}"
    "$bin/kafka-acls.sh" "${admin[@]}" --add --allow-principal "User:${team%%:*}" --operation Write --topic vigil.backup.requested > /dev/null
done
echo "setup: done"
