/**
 * The scripted FakeFlink with what an in-place rescale reads and does: the cluster's scheduler and
 * version, a job's vertices and checkpoint configuration, the program's plan, and the resource
 * requirements, which move the vertices to their new parallelism `rescaleAfterMs` after the PUT
 * (the adaptive scheduler's cooldown and restart), as real Flink 1.20/2.3 do.
 */
import type { DashboardConfig, JobDetails } from "../../provider/flink";
import type { CheckpointConfig, ResourceRequirements } from "../../provider/flink/schemas";
import { FakeFlink } from "./fake-flink";

export interface FakeVertex {
    id: string;
    name: string;
    parallelism: number;
    maxParallelism: number;
}

export class RescalableFakeFlink extends FakeFlink {
    /** GET /jobmanager/config. */
    jobManagerSettings: Record<string, string> = { "jobmanager.scheduler": "adaptive" };
    flinkVersion = "2.3.0";
    /** Per job: its vertices. */
    readonly vertices = new Map<string, FakeVertex[]>();
    /** Per job: its checkpoint interval (absent: checkpointing off, reported as Long.MAX_VALUE). */
    readonly checkpointIntervals = new Map<string, number>();
    /** Vertex id -> parallelism the plan reports (the program at the requested parallelism). */
    planned: Record<string, number> = {};
    /** The PUT is refused with this message (e.g. the default scheduler's 4xx). */
    refuseRescale?: string;
    /** The vertices reach the new upper bounds this long after the PUT; never when undefined is set to Infinity. */
    rescaleAfterMs = 25_000;
    /** Every PUT, in order. */
    readonly puts: { jobId: string; at: number; requirements: ResourceRequirements }[] = [];

    override async job(jobId: string): Promise<JobDetails> {
        const details = await super.job(jobId);
        const now = this.clock.now();
        const last = [...this.puts].reverse().find((p) => p.jobId === jobId);
        const vertices = (this.vertices.get(jobId) ?? []).map((v) => {
            const applied = last && now >= last.at + this.rescaleAfterMs ? last.requirements[v.id]?.parallelism.upperBound : undefined;
            return { ...v, parallelism: applied ?? v.parallelism, status: details.state === "RUNNING" ? "RUNNING" : "CREATED" };
        });
        return { ...details, vertices } as JobDetails;
    }

    override config = async () => ({ "flink-version": this.flinkVersion }) as unknown as DashboardConfig;
    override jobManagerConfig = async () => ({ ...this.jobManagerSettings });

    override checkpointConfig = async (jobId: string): Promise<CheckpointConfig> => {
        const interval = this.checkpointIntervals.get(jobId);
        // What real Flink 1.20.3/2.3.0 report for a job without periodic checkpoints: Long.MAX_VALUE, as JSON.parse reads it.
        if (interval === undefined)
            return {
                mode: "at_least_once",
                interval: Number("9223372036854775807"),
                timeout: 600_000,
                externalization: { enabled: false, delete_on_cancellation: true },
            } as CheckpointConfig;
        return { mode: "exactly_once", interval, timeout: 600_000, externalization: { enabled: true, delete_on_cancellation: false } } as CheckpointConfig;
    };

    override jarPlan = async () => ({ ...this.planned });

    override resourceRequirements = async (jobId: string): Promise<ResourceRequirements> => {
        const current = (await this.job(jobId)).vertices;
        return Object.fromEntries(current.map((v) => [v.id, { parallelism: { lowerBound: 1, upperBound: v.parallelism } }]));
    };

    override setResourceRequirements = async (jobId: string, requirements: ResourceRequirements): Promise<void> => {
        if (this.refuseRescale) throw new Error(this.refuseRescale);
        await this.job(jobId); // 404 for an unknown job
        this.puts.push({ jobId, at: this.clock.now(), requirements });
    };
}
