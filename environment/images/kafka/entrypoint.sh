#!/bin/bash
# Writes server.properties from the KAFKA_* variables (KAFKA_LOG_DIRS -> log.dirs: '_' is '.', '__'
# is '-', '___' is '_'), formats the log dirs with CLUSTER_ID unless they already are (a restarted
# container keeps its topics, messages and offsets), then runs the broker in the foreground.
set -euo pipefail
config=/var/lib/kafka/server.properties
# Variables that configure the JVM and the scripts, not the broker.
not_properties=' KAFKA_HEAP_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_OPTS KAFKA_LOG4J_OPTS KAFKA_JMX_OPTS KAFKA_GC_LOG_OPTS KAFKA_VERSION '
: > "$config"
given=0
while IFS='=' read -r name value; do
  case "$not_properties" in *" $name "*) continue ;; esac
  key=${name#KAFKA_}
  key=$(printf '%s' "$key" | tr '[:upper:]' '[:lower:]' | sed -e 's/___/\x01/g' -e 's/__/-/g' -e 's/_/./g' -e 's/\x01/_/g')
  printf '%s=%s\n' "$key" "$value" >> "$config"
  given=1
done < <(env | grep -E '^KAFKA_[A-Z0-9_]+=' | sort)
if [ "$given" = 0 ]; then
  # No settings given: one node, broker and controller, for clients on localhost:9092.
  cat > "$config" <<'PROPERTIES'
node.id=1
process.roles=broker,controller
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
controller.quorum.voters=1@localhost:9093
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
PROPERTIES
fi
grep -q '^log.dirs=' "$config" || echo 'log.dirs=/tmp/kraft-combined-logs' >> "$config"

classpath='/opt/kafka/libs/*'
log4j="${KAFKA_LOG4J_OPTS:--Dlog4j.configuration=file:/opt/kafka/config/log4j.properties}"
# shellcheck disable=SC2206 # the *_OPTS variables are lists of JVM flags
jvm=(${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true} ${KAFKA_OPTS:-} $log4j)
# A restarted container finds its log dir formatted: skip the formatting JVM, a few seconds of its start.
first_log_dir=$(sed -n 's/^log\.dirs=//p' "$config" | cut -d, -f1)
if [ ! -f "$first_log_dir/meta.properties" ]; then
  cluster_id=${CLUSTER_ID:-$(java -cp "$classpath" kafka.tools.StorageTool random-uuid)}
  java "${jvm[@]}" -cp "$classpath" kafka.tools.StorageTool format --ignore-formatted -t "$cluster_id" -c "$config"
fi
exec java "${jvm[@]}" -cp "$classpath" kafka.Kafka "$config"
