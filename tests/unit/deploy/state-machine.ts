/**
 * Shared set-up of the state-machine tests: a FakeFlink on a FakeClock, a deploy context on both,
 * job versions whose submit goes to the fake, and the policy every test starts from.
 */
import { converge, type DeployContext, type DeployPolicy, type JobVersion, type PriorDeployment } from "../../../provider/deploy/redeploy";
import { jobIdFor } from "../../../provider/deploy/identity";
import { DeployError } from "../../../provider/core/errors";
import { FakeFlink } from "../../support/fake-flink";

export const NAME = "orders";
/** Two definitions of the job (hex: the job id carries 12 characters of the hash). */
export const V1 = "a1".repeat(32);
export const V2 = "b2".repeat(32);
/** A job id another tool gave a job of the same name (not made by jobIdFor). */
export const FOREIGN = "f0".repeat(16);

export const POLICY: DeployPolicy = {
    mode: "savepoint",
    restore: "latest-state",
    allowNonRestoredState: false,
    savepointDir: "s3://savepoints/orders",
    savepointTimeoutSeconds: 60,
    formatType: "CANONICAL",
    health: { runningTimeoutSeconds: 60, stableSeconds: 10, requireCheckpoint: false, maxRestarts: 2, finishTimeoutSeconds: 3600 },
    rollbackOnFailure: true,
    adopt: false,
    bounded: false,
};

export const jid = (generation: number, hash: string) => jobIdFor(NAME, generation, hash);

/** A fresh fake cluster, its context (progress lines collected) and versions submitting to it. */
export function testbed() {
    const flink = new FakeFlink();
    const lines: string[] = [];
    const preflights: string[] = [];
    const ctx: DeployContext = { client: flink, restUrl: flink.baseUrl, name: NAME, progress: (l) => lines.push(l), clock: flink.clock };
    const version = (definitionHash: string, preflightError?: string): JobVersion => ({
        definitionHash,
        preflight: async () => {
            preflights.push(definitionHash);
            if (preflightError) throw new Error(preflightError);
        },
        submit: (jobId, restore) => flink.submit(jobId, NAME, restore),
    });
    const run = (desired: JobVersion, previous: JobVersion | undefined, prior: PriorDeployment | undefined, policy: Partial<DeployPolicy> = {}) =>
        converge(ctx, desired, previous, prior, { ...POLICY, ...policy });
    return { flink, clock: flink.clock, ctx, lines, preflights, version, run };
}

/** The prior deployment state records for a job that runs `jobId`. */
export function priorOf(jobId: string, generation: number, extra: Partial<PriorDeployment> = {}): PriorDeployment {
    return { jobId, generation, lastSavepoint: "", ...extra };
}

/** The DeployError a deploy ends with: its problem and what it says it left behind. */
export async function deployError(p: Promise<unknown>): Promise<{ problem: string; left: string }> {
    try {
        await p;
    } catch (err) {
        if (!(err instanceof DeployError)) throw err;
        return { problem: err.message.split("\n  left behind: ")[0], left: err.leftBehind };
    }
    throw new Error("expected the deploy to fail with a DeployError, but it succeeded");
}
