/** Start and stop a real local cluster through the SessionCluster provider's own code path. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { clusterProvider, ClusterState } from "../../provider/cluster";
import { FlinkLine } from "./testbed";

export interface RunningCluster {
    id: string;
    state: ClusterState;
    restUrl: string;
    workDir: string;
    stop(): Promise<void>;
}

/** Java processes started with this local cluster's configuration folder. */
export function javaProcessesOf(workDir: string): string[] {
    try {
        return execFileSync("pgrep", ["-f", "--", `--configDir ${path.join(workDir, "conf")}`], { encoding: "utf8" })
            .split("\n")
            .filter(Boolean);
    } catch {
        return []; // pgrep exits 1 when nothing matches
    }
}

/** SessionCluster inputs of a local test cluster: REST on `restPort`, RPC on the next port. */
export function localClusterInputs(line: FlinkLine, workDir: string, restPort: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        target: "local",
        home: { homePath: line.home, flinkVersion: line.version },
        workDir,
        restPort,
        rpcPort: restPort + 1,
        slotsPerTaskManager: 4,
        taskManagerMemory: "1280m",
        ...extra,
    };
}

export async function startCluster(line: FlinkLine, restPort: number, extra: Record<string, unknown> = {}): Promise<RunningCluster> {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pf-it-${line.version}-`));
    const inputs = localClusterInputs(line, workDir, restPort, extra);
    const check = await clusterProvider.check!({}, inputs);
    if (check.failures?.length) throw new Error(JSON.stringify(check.failures));
    const created = await clusterProvider.create(inputs);
    const state = created.outs as ClusterState;
    return {
        id: created.id,
        state,
        restUrl: state.restUrl,
        workDir,
        stop: () => clusterProvider.delete!(created.id, state),
    };
}
