/**
 * A cluster that is "somewhere else": a real local cluster (JobManager, TaskManager, SQL Gateway)
 * started by the SessionCluster provider's own code inside a private mount namespace, where the
 * folders of the deploying side are covered by an empty tmpfs. Its processes keep that namespace
 * after the starter exits, so the gateway cannot read a file the deploying machine has — just as a
 * YARN or standalone session on another host cannot. Tests adopt it as a `remote` cluster.
 *
 * Needs root (unshare -m, mount): the test bed runs as root; a failure to isolate fails the test.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ClusterState } from "../../provider/cluster";
import { clusterProvider } from "../../provider/cluster";
import { localClusterInputs } from "./cluster";
import { FlinkLine } from "./testbed";

export interface IsolatedCluster {
    restUrl: string;
    sqlGatewayUrl: string;
    workDir: string;
    stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, "../..");

/** The starter, run by node inside the namespace: the compiled provider (bin/) creates the cluster. */
const STARTER = `
const { clusterProvider } = require(process.env.PF_PROVIDER);
const inputs = JSON.parse(process.env.PF_INPUTS);
(async () => {
  const check = await clusterProvider.check({}, inputs);
  if (check.failures && check.failures.length) throw new Error(JSON.stringify(check.failures));
  const created = await clusterProvider.create(check.inputs);
  process.stdout.write("\\nPF_STATE=" + JSON.stringify({ id: created.id, outs: created.outs }) + "\\n");
})().catch((e) => { console.error(e && e.stack || String(e)); process.exit(1); });
`;

/**
 * Start a local cluster with a SQL Gateway whose processes cannot see `hide` (absolute folders).
 * `extra` are more SessionCluster inputs (e.g. libraries).
 */
export async function startIsolatedCluster(line: FlinkLine, restPort: number, hide: string[], extra: Record<string, unknown> = {}): Promise<IsolatedCluster> {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pf-isolated-${line.version}-`));
    for (const dir of hide) {
        if (!path.isAbsolute(dir)) throw new Error(`hide: ${dir} is not absolute`);
        if (workDir.startsWith(dir + path.sep) || line.home.startsWith(dir + path.sep)) throw new Error(`hide: ${dir} would hide the cluster's own files`);
    }
    const inputs = localClusterInputs(line, workDir, restPort, { sqlGateway: { enabled: true, port: restPort + 5 }, ...extra });
    const mounts = hide.map((d) => `mount -t tmpfs -o size=1m pf-hidden ${JSON.stringify(d)}`).join(" && ");
    const script = `${mounts ? `${mounts} && ` : ""}exec node -e ${shellQuote(STARTER)}`;
    const result = spawnSync("unshare", ["-m", "--propagation", "private", "bash", "-c", script], {
        env: { ...process.env, PF_PROVIDER: path.join(ROOT, "bin/provider/cluster"), PF_INPUTS: JSON.stringify(inputs) },
        encoding: "utf8",
        timeout: 240_000,
    });
    const marker = /^PF_STATE=(.*)$/m.exec(result.stdout ?? "");
    if (result.status !== 0 || !marker) {
        throw new Error(`the isolated cluster did not start (exit ${result.status}): ${(result.stderr ?? "").slice(-2000)}`);
    }
    const { id, outs } = JSON.parse(marker[1]) as { id: string; outs: ClusterState };
    return {
        restUrl: outs.restUrl,
        sqlGatewayUrl: outs.sqlGatewayUrl,
        workDir,
        // Pid files live in workDir, which both sides see: the provider's delete stops exactly these processes.
        stop: () => clusterProvider.delete!(id, outs),
    };
}

function shellQuote(text: string): string {
    return `'${text.replace(/'/g, `'\\''`)}'`;
}
