/**
 * Upload a resolved JAR to a cluster at most once: content-addressed upload names, found again
 * through `GET /jars`; older uploads of the same file name are pruned.
 */
import { copyFile, link, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FlinkClient, isFlinkNotFound } from "../flink";
import { mb, type ResolvedArtifact } from "../core/artifact";
import { type Progress, silent } from "../core/log";

/** Name under which an artifact is uploaded: `pf-<first 16 hex of sha256>-<fileName>` (ends in .jar). */
export function uploadName(artifact: Pick<ResolvedArtifact, "sha256" | "fileName">): string {
    const safe = artifact.fileName.replace(/[^\w.-]/g, "_");
    return `pf-${artifact.sha256.slice(0, 16)}-${safe}${safe.endsWith(".jar") ? "" : ".jar"}`;
}

/**
 * Upload `artifact` unless the cluster already has it: returns the id of a jar named
 * {@link uploadName} (the newest, if several), else uploads a copy under that name.
 */
export async function ensureUploaded(client: FlinkClient, artifact: ResolvedArtifact, progress: Progress = silent): Promise<string> {
    const name = uploadName(artifact);
    const existing = (await client.listJars()).files.filter((f) => f.name === name).sort((a, b) => b.uploaded - a.uploaded)[0];
    if (existing) {
        progress(`jar ${name} is already on the cluster`);
        return existing.id;
    }
    const dir = await mkdtemp(join(tmpdir(), "pf-upload-"));
    try {
        const staged = join(dir, name);
        await link(artifact.file, staged).catch(() => copyFile(artifact.file, staged));
        progress(`uploading ${name} (${mb((await stat(staged)).size)} MB)`);
        const id = await client.uploadJar(staged);
        progress(`uploaded ${name} as ${id}`);
        return id;
    } finally {
        await rm(dir, { recursive: true, force: true });
    }
}

/** Options of {@link pruneJars}. */
export interface PruneOptions {
    /** How many of the newest uploads of the same file name to keep. @default 3 */
    readonly keep?: number;
    /** Jar ids never deleted (e.g. the running and the previous generation's). @default [] */
    readonly protect?: readonly string[];
    /** @default silent */
    readonly progress?: Progress;
}

/** Delete older `pf-<digest>-<fileName>` uploads of the same file name beyond the newest `keep`; returns the deleted ids. */
export async function pruneJars(client: FlinkClient, artifact: Pick<ResolvedArtifact, "fileName">, options: PruneOptions = {}): Promise<string[]> {
    const suffix = uploadName({ sha256: "", fileName: artifact.fileName }).slice("pf--".length);
    const ours = (await client.listJars()).files.filter((f) => /^pf-[0-9a-f]{16}-/.test(f.name) && f.name.slice(20) === suffix);
    const doomed = ours
        .sort((a, b) => b.uploaded - a.uploaded)
        .slice(options.keep ?? 3)
        .filter((f) => !(options.protect ?? []).includes(f.id));
    for (const jar of doomed) {
        await client.deleteJar(jar.id).catch((err: unknown) => {
            if (!isFlinkNotFound(err)) throw err; // already gone: fine
        });
        (options.progress ?? silent)(`deleted old jar ${jar.id}`);
    }
    return doomed.map((f) => f.id);
}
