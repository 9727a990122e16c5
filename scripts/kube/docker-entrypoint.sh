#!/bin/bash
# Entry point of the test bed's local Flink image. Flink's native Kubernetes mode starts its
# JobManager and TaskManager containers as `/docker-entrypoint.sh <command...>` (the path is
# Flink's kubernetes.entry.path default), so this only has to run that command; the configuration
# comes from the ConfigMap Flink mounts on /opt/flink/conf.
set -e
if [ "$#" -eq 0 ]; then exec /opt/flink/bin/jobmanager.sh start-foreground; fi
exec "$@"
