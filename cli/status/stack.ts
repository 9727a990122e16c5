/**
 * What a stack declares, read from `pulumi stack export`: every SessionCluster and FlinkJob with
 * the outputs status needs (no user cooperation, no `--show-secrets`). A secret output is a
 * ciphertext object there; status then does without it (see `Declared.secretConnections`).
 */
import type { Connection } from "../../provider/core/connection";
import type { RestoreMode } from "../../provider/deploy/restore-point";
import type { PriorPoints } from "../../provider/deploy/restore";
import { localLayout } from "../../provider/local/layout";
import { ownerOf } from "../../provider/job/labels";

export interface DeclaredCluster {
    urn: string;
    resource: string;
    restUrl: string;
    webUiUrl?: string;
    /** Connection settings when readable (plain, or decrypted with --show-secrets). */
    connection?: Connection;
    /** The connection output is a secret this export does not show. */
    connectionSecret: boolean;
    /** A local cluster's log folder (its `workDir`/log). */
    logDir?: string;
}

export interface DeclaredJob {
    urn: string;
    resource: string;
    name: string;
    restUrl: string;
    /** The job id pulumi-flink last deployed (a hint; the job is found by name). */
    jobId?: string;
    lastSavepoint?: string;
    webUiBase?: string;
    labels: Record<string, string>;
    /** From the `owner` label, else `team`. */
    owner?: string;
    /** What state records for choosing a restore point, as the deploy reads it. */
    prior: PriorPoints;
    /** upgrade.restore, and whether upgrade.mode is stateless (nothing restores). */
    restore: RestoreMode;
    stateless: boolean;
}

export interface Declared {
    stack?: string;
    clusters: DeclaredCluster[];
    jobs: DeclaredJob[];
}

export type ParsedExport = { ok: true; declared: Declared } | { ok: false; problem: string };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
/** Pulumi's marker key of a secret value in state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const isSecretValue = (v: unknown): boolean => SECRET_SIG in obj(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const nameOf = (urn: string) => urn.split("::").pop() ?? urn;

/** Parse `pulumi stack export` output. */
export function parseStackExport(text: string): ParsedExport {
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        return { ok: false, problem: `\`pulumi stack export\` did not print JSON (${err instanceof Error ? err.message : String(err)})` };
    }
    const resources = obj(obj(doc).deployment).resources;
    if (!obj(doc).deployment) return { ok: false, problem: 'this is not `pulumi stack export` output (no "deployment")' };
    const list = (Array.isArray(resources) ? resources : []).map(obj);
    const stack = list.map((r) => /^urn:pulumi:([^:]+)::/.exec(String(r.urn ?? ""))?.[1]).find(Boolean);
    const clusters: DeclaredCluster[] = [];
    const jobs: DeclaredJob[] = [];
    const clusterByUrn = new Map<string, DeclaredCluster>();
    for (const r of list) {
        if (r.type !== "pulumi-nodejs:dynamic/flink:SessionCluster" || r.delete === true) continue;
        const out = obj(r.outputs);
        const restUrl = str(out.restUrl);
        if (!restUrl) continue;
        const secret = isSecretValue(out.connection);
        const conn = secret ? undefined : (obj(out.connection) as unknown as Connection);
        const c: DeclaredCluster = {
            urn: String(r.urn),
            resource: nameOf(String(r.urn)),
            restUrl,
            webUiUrl: str(out.webUiUrl),
            connection: conn?.restUrl ? conn : undefined,
            connectionSecret: secret,
            ...(out.target === "local" && str(out.workDir) ? { logDir: localLayout(String(out.workDir)).logDir } : {}),
        };
        clusters.push(c);
        clusterByUrn.set(c.urn, c);
    }
    for (const r of list) {
        if (r.type !== "pulumi-nodejs:dynamic/flink:Job" || r.delete === true) continue;
        const out = obj(r.outputs);
        const deps = obj(r.propertyDependencies).cluster;
        const viaDep = Array.isArray(deps) ? deps.map((u) => clusterByUrn.get(String(u))).find(Boolean) : undefined;
        const cluster = obj(out.cluster);
        const restUrl = str(cluster.restUrl) ?? viaDep?.restUrl;
        const name = str(out.name) ?? nameOf(String(r.urn));
        if (!restUrl) continue;
        const labels = Object.fromEntries(Object.entries(obj(out.labels)).filter((e): e is [string, string] => typeof e[1] === "string"));
        const upgrade = obj(out.upgrade);
        const handoff = obj(obj(cluster.handoff)[name]);
        jobs.push({
            urn: String(r.urn),
            resource: nameOf(String(r.urn)),
            name,
            restUrl,
            jobId: str(out.jobId),
            lastSavepoint: str(out.lastSavepoint),
            webUiBase: str(cluster.webUiUrl) ?? viaDep?.webUiUrl,
            labels,
            owner: ownerOf(labels),
            prior: {
                generation: typeof out.generation === "number" ? out.generation : 0,
                lastSavepoint: str(out.lastSavepoint),
                lastSavepointAt: str(out.lastSavepointAt),
                lastCheckpoint: str(out.lastCheckpoint),
                lastCheckpointAt: str(out.lastCheckpointAt),
                ...(str(handoff.path) ? { handoff: handoff as unknown as PriorPoints["handoff"] } : {}),
            },
            restore: (["latest-state", "latest-savepoint", "none"] as const).find((m) => m === upgrade.restore) ?? "latest-state",
            stateless: upgrade.mode === "stateless",
        });
        // A job on a cluster this stack does not declare (or whose cluster output is secret) still gets asked.
        if (!clusters.some((c) => c.restUrl === restUrl))
            clusters.push({
                urn: "",
                resource: restUrl,
                restUrl,
                webUiUrl: str(cluster.webUiUrl),
                connection: isSecretValue(cluster.connection)
                    ? undefined
                    : obj(cluster.connection).restUrl
                      ? (obj(cluster.connection) as unknown as Connection)
                      : undefined,
                connectionSecret: isSecretValue(cluster.connection),
            });
    }
    return { ok: true, declared: { stack, clusters, jobs } };
}
