/**
 * The parts of a {@link FlinkJob}'s arguments that describe where its JAR comes from and how it is
 * upgraded, health-checked and restored; kept apart from job.ts so each file reads in one sitting.
 */
import * as pulumi from "@pulumi/pulumi";

/** Where the job's JAR comes from: exactly one of `path`, `url`, `maven`. */
export interface JarArtifact {
    /**
     * A JAR on the deploying machine. Its sha256 is read at preview time, so a rebuilt JAR
     * shows up in the preview as a redeploy.
     * @default undefined
     */
    readonly path?: pulumi.Input<string>;
    /**
     * An http(s) URL to download the JAR from (cached by content).
     * @default undefined
     */
    readonly url?: pulumi.Input<string>;
    /**
     * Maven coordinates `group:artifact:version[:classifier]`, resolved from `mavenRepository`.
     * @default undefined
     */
    readonly maven?: pulumi.Input<string>;
    /**
     * Expected sha256 of the JAR (hex). Required to notice a changed JAR behind the same URL;
     * a mismatch fails before anything is touched.
     * @default not checked (path: computed at preview)
     */
    readonly sha256?: pulumi.Input<string>;
    /**
     * Maven repository for `maven` coordinates.
     * @default "https://repo.maven.apache.org/maven2"
     */
    readonly mavenRepository?: pulumi.Input<string>;
}

/** A jar of a SQL job's `dependencies`: a {@link JarArtifact}, or a `uri` its SQL Gateway reads. */
export interface JobDependency extends JarArtifact {
    /**
     * A location the cluster's SQL Gateway reads itself (`hdfs://`, `s3://`, `oss://`, `https://`…),
     * given to `ADD JAR` as written; nothing is downloaded on the deploying machine.
     * @default undefined
     */
    readonly uri?: pulumi.Input<string>;
}

/** How a changed job is upgraded, and what it restores from. */
export interface UpgradePolicy {
    /**
     * `savepoint`: stop with a savepoint and restore the new version from it (state kept).
     * `stateless`: cancel and start from empty state (the preview says state is dropped).
     * @default "savepoint"
     */
    readonly mode?: pulumi.Input<"savepoint" | "stateless">;
    /**
     * What a (re)started job restores from when no running job is stopped for it, e.g. after the
     * job failed or was cancelled out of band, or its JobManager was lost: `latest-state` = the
     * newest of its retained checkpoints and savepoints (every job keeps its checkpoints on cancel,
     * `RETAIN_ON_CANCELLATION`, unless its configuration sets
     * `execution.checkpointing.externalized-checkpoint-retention`; checkpoints need
     * `execution.checkpointing.interval`), `latest-savepoint` = the newest savepoint only, `none`
     * = empty state. A job stopped with a savepoint always restores from it.
     * @default "latest-state" (application jobs: "latest-savepoint"; the Operator's last-state needs HA)
     */
    readonly restore?: pulumi.Input<"latest-savepoint" | "latest-state" | "none">;
    /**
     * Let the new version skip state of operators it no longer has. Not allowed with `stateless`.
     * @default false
     */
    readonly allowNonRestoredState?: pulumi.Input<boolean>;
    /**
     * SQL jobs: what `up` does when the state verdict of a change is `incompatible` (the new
     * version's compiled plan cannot restore the running version's state: an operator is gone, or a
     * key, row or accumulator type changed). `"fail"` refuses the change before the running job is
     * touched; `"drop-state"` starts the incompatible operators from empty state and restores the
     * others (Flink skips the state that has no operator); `"try"` deploys as if compatible and rolls
     * back when Flink cannot restore (for a verdict you believe is wrong). Verdicts `compatible` and
     * `unknown` deploy as usual. See the README's "Changing SQL safely".
     * @default "fail"
     */
    readonly onIncompatible?: pulumi.Input<"fail" | "drop-state" | "try">;
    /**
     * Directory (URI) for this job's savepoints; one sub-folder per generation.
     * @default the cluster's savepoint directory + "/<job name>"
     */
    readonly savepointDir?: pulumi.Input<string>;
    /**
     * Bound on stop-with-savepoint. When it passes, the old job keeps running and the update fails.
     * @default 600
     */
    readonly savepointTimeoutSeconds?: pulumi.Input<number>;
    /**
     * Savepoint format.
     * @default "CANONICAL"
     */
    readonly formatType?: pulumi.Input<"CANONICAL" | "NATIVE">;
    /**
     * Savepoint retention: after a successful upgrade (the new generation passed its health gate),
     * keep the newest this many savepoints pulumi-flink took or recorded for this job and dispose
     * the older ones through Flink (POST /savepoint-disposal), so it works on any filesystem the
     * cluster reads. The savepoint the running generation restored from and the rollback point in
     * state are never disposed; nothing else in the savepoint directory is ever touched. Every
     * upgrade takes two (a plain savepoint, then stop-with-savepoint). A whole number from 1 to 1000.
     * @default 3
     */
    readonly keepSavepoints?: pulumi.Input<number>;
    /**
     * A change of `parallelism` alone: `in-place` rescales the running job where the cluster can
     * (see the README's "In-place rescale"); `redeploy` always stops it with a savepoint and
     * redeploys. An in-place rescale restarts the tasks from the latest checkpoint, so the input
     * since that checkpoint (up to one checkpoint interval) is processed again; a
     * savepoint-and-redeploy processes nothing twice. Choose `redeploy` for jobs with long
     * checkpoint intervals that cannot catch up quickly, or whose sinks must not see duplicates.
     * @default "in-place"
     */
    readonly rescale?: pulumi.Input<"in-place" | "redeploy">;
}

/** When a freshly (re)deployed job counts as healthy. */
export interface HealthGate {
    /**
     * Time allowed to reach RUNNING with every task running.
     * @default 120
     */
    readonly runningTimeoutSeconds?: pulumi.Input<number>;
    /**
     * Then it must keep running, within `maxRestarts`, for this long.
     * @default 10
     */
    readonly stableSeconds?: pulumi.Input<number>;
    /**
     * Also wait for one completed checkpoint (needs checkpointing enabled for the job).
     * @default false
     */
    readonly requireCheckpoint?: pulumi.Input<boolean>;
    /**
     * Restarts tolerated during the stable window.
     * @default 0
     */
    readonly maxRestarts?: pulumi.Input<number>;
    /**
     * Bounded jobs only: how long `up` waits for the job to finish. When it passes, the update
     * fails and the job is left running (the next `up` waits again).
     * @default 3600
     */
    readonly finishTimeoutSeconds?: pulumi.Input<number>;
}

/** A savepoint a job starts from (see `FlinkJobArgs.restoreFrom`). */
export interface RestoreFrom {
    /** The savepoint's folder: an absolute path or a URI (`file:///…`, `s3://…`, `hdfs://…`). */
    readonly savepointPath: pulumi.Input<string>;
    /**
     * The savepoint belongs to another job (another name, or a job started by hand): restore it anyway.
     * @default false
     */
    readonly fromOtherJob?: pulumi.Input<boolean>;
}
