/**
 * What a stack declares, read from `pulumi stack export`: every SessionCluster and FlinkJob with
 * the outputs status needs (no user cooperation, no `--show-secrets`). A secret output is a
 * ciphertext object there; status then does without it (see `Declared.secretConnections`).
 */
import type { Connection } from "../../provider/core/connection";

export interface DeclaredCluster {
    urn: string;
    resource: string;
    restUrl: string;
    webUiUrl?: string;
    /** Connection settings when readable (plain, or decrypted with --show-secrets). */
    connection?: Connection;
    /** The connection output is a secret this export does not show. */
    connectionSecret: boolean;
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
        jobs.push({
            urn: String(r.urn),
            resource: nameOf(String(r.urn)),
            name,
            restUrl,
            jobId: str(out.jobId),
            lastSavepoint: str(out.lastSavepoint),
            webUiBase: str(cluster.webUiUrl) ?? viaDep?.webUiUrl,
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
