#!/usr/bin/env bash
# Deploy examples/local for real: a Flink home and a local session cluster on this machine.
# Installs what it needs (npm packages, the pulumi CLI if none is on PATH, the Flink distribution),
# runs `pulumi up`, and prints the web UI URL. Tear down with: scripts/quickstart.sh destroy
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
action="${1:-up}"
export PULUMI_FLINK_CACHE="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}"
step() { echo "==> $*" >&2; }

step "npm dependencies and build"
[[ -d node_modules ]] || npm install --no-audit --no-fund >&2
npx tsc -p tsconfig.json

step "pulumi CLI"
bin=$(bash scripts/install-pulumi.sh | tail -1)
export PATH="$bin:$PATH"
# Offline-safe defaults; an existing login or passphrase of yours wins.
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
state="${PULUMI_FLINK_QUICKSTART_STATE:-$HOME/.local/share/pulumi-flink/quickstart-state}"
mkdir -p "$state"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$state}"
if [[ -z "${PULUMI_CONFIG_PASSPHRASE:-}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
  export PULUMI_CONFIG_PASSPHRASE=quickstart
fi

# What a new shell needs for the next `pulumi` command (printed at the end).
envfile="$(dirname "$state")/quickstart.env"
{
  echo "# Written by scripts/quickstart.sh: the pulumi CLI and the state backend of the quickstart stack."
  printf 'export PATH=%q:"$PATH"\n' "$bin"
  printf 'export PULUMI_BACKEND_URL=%q PULUMI_FLINK_CACHE=%q\n' "$PULUMI_BACKEND_URL" "$PULUMI_FLINK_CACHE"
  echo "export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true"
  if [[ "${PULUMI_CONFIG_PASSPHRASE:-}" == quickstart ]]; then echo 'export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-quickstart}"'; fi
} >"$envfile"

step "Flink distribution and the counter job (built against it)"
flink_version="${QUICKSTART_FLINK_VERSION:-2.3.0}"
home=$(bash scripts/install-flink.sh "$flink_version")
jar=$(bash scripts/build-test-job.sh "$home")

step "promtool and amtool (the AlertRoute validates its files with them)"
bash scripts/install-prometheus.sh >/dev/null

step "example dependencies (pulumi-flink installed from this checkout)"
cd "$root/examples/local"
rm -rf node_modules/pulumi-flink # npm keeps a same-version file: copy; always take this checkout
npm install --no-audit --no-fund >&2
pulumi stack select local --create --non-interactive >&2
pulumi config set flinkVersion "$flink_version" --non-interactive >&2
pulumi config set counterJar "$jar" --non-interactive >&2
# A demo secret for the SQL job's VariableSet (stored encrypted in the stack; set your own with
# `pulumi config set --secret dbPassword ...`).
if ! pulumi config get dbPassword >/dev/null 2>&1; then
  pulumi config set --secret dbPassword "demo-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')" --non-interactive >&2
fi

if [[ "$action" == "destroy" ]]; then
  pulumi destroy --yes --non-interactive
  exit 0
fi
step "pulumi up"
pulumi up --yes --skip-preview --non-interactive
echo
echo "Flink web UI: $(pulumi stack output webUiUrl)"
echo "Counter job:  $(pulumi stack output counterJobUrl)"
echo "SQL job:      $(pulumi stack output ordersJobUrl)"
echo "Alert files:  $(pulumi stack output alertRuleCount) rules in $(pulumi config get alertDir 2>/dev/null || echo "$HOME/.local/share/pulumi-flink/quickstart-alerts") (README: Alerts)"
echo "Try an upgrade (in any shell; the first part puts this pulumi CLI and the quickstart's state backend in it):"
echo "  source $envfile && cd $root && pulumi config set --stack local counterTag v2 && pulumi up --stack local"
echo "  # savepoint, redeploy, the count continues; \`pulumi up\` at the repository root runs examples/local (Pulumi.yaml)"
