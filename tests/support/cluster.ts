/** Start and stop a real local cluster through the SessionCluster provider's own code path. */
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

export async function startCluster(line: FlinkLine, restPort: number, extra: Record<string, unknown> = {}): Promise<RunningCluster> {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pf-it-${line.version}-`));
    const inputs = {
        target: "local",
        home: { homePath: line.home, flinkVersion: line.version },
        workDir,
        restPort,
        rpcPort: restPort + 1,
        slotsPerTaskManager: 4,
        taskManagerMemory: "1280m",
        ...extra,
    };
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
