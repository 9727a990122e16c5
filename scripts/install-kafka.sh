#!/usr/bin/env bash
# Materialize a runnable Apache Kafka broker (KRaft mode) from Maven Central jars and print the
# folder holding its class path (last line of stdout); progress goes to stderr.
#
#   scripts/install-kafka.sh            # the version in tests/support/connectors.json ("kafka")
#   scripts/install-kafka.sh 3.9.2
#
# kafka_2.13 (broker, StorageTool), kafka-tools (console producer, topic and consumer-group
# commands) and kafka-storage with their runtime dependencies, plus a log4j binding so the broker
# writes a log. Cached under $PULUMI_FLINK_CACHE/kafka/<version>/libs; a second run is instant.
# Run it as tests/support/kafka.ts does: java -cp '<libs>/*' kafka.Kafka server.properties
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-$(node -p 'require("./tests/support/connectors.json").kafka')}"
cache="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}"
dir="$cache/kafka/$version"
log() { echo "[install-kafka $version] $*" >&2; }

if [[ -f "$dir/.complete" ]]; then
  log "cached at $dir/libs"
  echo "$dir/libs"
  exit 0
fi
command -v mvn >/dev/null || { log "mvn is required"; exit 1; }
rm -rf "$dir" && mkdir -p "$dir"
dep() { echo "<dependency><groupId>$1</groupId><artifactId>$2</artifactId><version>$3</version></dependency>"; }
{
  echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
  echo '<groupId>pulumi-flink.testbed</groupId><artifactId>kafka</artifactId><version>1</version><dependencies>'
  dep org.apache.kafka kafka_2.13 "$version"
  dep org.apache.kafka kafka-tools "$version"
  dep org.apache.kafka kafka-storage "$version"
  dep org.slf4j slf4j-reload4j 1.7.36 # the binding the Kafka distribution ships: without it the broker logs nothing
  echo '</dependencies></project>'
} > "$dir/pom.xml"
log "resolving kafka_2.13, kafka-tools, kafka-storage $version and their runtime dependencies from Maven Central..."
start=$(date +%s)
mvn -q -B -Dstyle.color=never -f "$dir/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/libs" >&2
log "$(ls "$dir/libs" | wc -l) jars ($(du -sh "$dir/libs" | cut -f1)) in $(( $(date +%s) - start )) s"
date -u +%FT%TZ > "$dir/.complete"
echo "$dir/libs"
