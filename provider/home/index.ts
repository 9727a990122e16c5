import * as fs from "fs";
import * as path from "path";
import { DeployError, parsedOrThrow } from "../core/errors";
import { changedKeys, plain } from "../core/diff";
import { run } from "../core/exec";
import { hashOf } from "../core/hash";
import { nameOutput, progressFor, Progress, resourceLabel } from "../core/log";
import { defaultCacheDir, expandHome, packageRoot } from "../core/paths";
import { configDialect, tryParseFlinkVersion } from "../core/version";
import { FlinkConfig, renderConfig } from "../core/flink-config";
import { detectFlinkHome, detectSqlGateway } from "./detect";
import { distributionHome } from "./distribution-url";
import { withoutPulumiKeys } from "../core/zod";
import { checkHomeArgs, HomeArgs } from "./schema";
import { type TypedProvider, unreadable } from "../core/providers";

export { renderConfig, mergeConfig, validateConfig } from "../core/flink-config";
export type { FlinkConfig } from "../core/flink-config";
export { detectFlinkHome, detectSqlGateway } from "./detect";
export { checkHomeArgs } from "./schema";

/** Bumped when the shape of stored outputs changes, so newer code can read older state. */
export const HOME_STATE_VERSION = 1;

/** Stored outputs of a FlinkHome. */
export interface HomeState {
    /** Inputs, echoed so that `diff` can compare against them. */
    path?: string;
    version?: string;
    defaultConfig?: FlinkConfig;
    cacheDir?: string;
    /** Image homes (Kubernetes target): the image and how it is pulled. */
    image?: string;
    imagePullPolicy?: string;
    imagePullSecrets?: string[];
    /** An official binary release (or a mirror of it) and its sha512. */
    distributionUrl?: string;
    distributionSha512?: string;
    /** Where the distribution is on the deploying machine. */
    homePath: string;
    /** Detected from the distribution, never taken from input. */
    flinkVersion: string;
    configDialect: string;
    /** `defaultConfig` rendered in the dialect of this version (what clusters start from). */
    renderedConfig: string;
    source: "path" | "registry" | "image" | "url";
    /** Whether the distribution can run the SQL Gateway (opt/flink-sql-gateway-*.jar); unset on image homes (the image is not inspected here). */
    sqlGateway?: boolean;
    /** Why not, in one line ("" when it can). */
    sqlGatewayReason?: string;
    present: boolean;
    stateVersion: number;
}

const INPUT_KEYS = [
    "path",
    "version",
    "defaultConfig",
    "cacheDir",
    "image",
    "imagePullPolicy",
    "imagePullSecrets",
    "distributionUrl",
    "distributionSha512",
] as const;

/** An image home has nothing to download here: the image is pulled by the cluster's nodes. */
function imageHome(args: HomeArgs): HomeState {
    const v = tryParseFlinkVersion(String(args.version));
    const dialect = v ? configDialect(v) : "config.yaml";
    return plain<HomeState>({
        version: args.version,
        defaultConfig: args.defaultConfig,
        image: args.image,
        imagePullPolicy: args.imagePullPolicy,
        imagePullSecrets: args.imagePullSecrets,
        homePath: "",
        flinkVersion: String(args.version),
        configDialect: dialect,
        renderedConfig: renderConfig(dialect, args.defaultConfig ?? {}),
        source: "image" as HomeState["source"],
        present: true,
        stateVersion: HOME_STATE_VERSION,
    });
}

/**
 * What materializing is about to do, said truthfully: a home the cache already holds (where
 * scripts/install-flink.sh marks a finished one with `.complete`) is only found, not downloaded.
 */
export function materializeLine(cacheDir: string, version: string): string {
    const home = path.join(cacheDir, "flink", version);
    if (fs.existsSync(path.join(home, ".complete"))) return `Flink ${version} is in the cache at ${home} (nothing to download)`;
    const downloads = path.join(cacheDir, "downloads", `flink-${version}`);
    const downloaded = (fs.existsSync(downloads) ? fs.readdirSync(downloads) : []).filter((f) => /^apache[-_]flink/.test(f));
    if (downloaded.length >= 2) return `materializing Flink ${version} into ${cacheDir} (its downloads are in the cache: unpacking only)`;
    return `materializing Flink ${version} into ${cacheDir} (not in the cache yet: downloads ~300 MB once)`;
}

/** What materializing a `distributionUrl` is about to do: find it in the cache, or download it. */
export function distributionLine(cacheDir: string, sha512: string): string {
    const home = distributionHome(cacheDir, sha512);
    if (fs.existsSync(path.join(home, ".complete"))) return `the distribution is in the cache at ${home} (nothing to download)`;
    return `downloading the distribution into ${home} (checked against distributionSha512 before unpacking)`;
}

/** Run scripts/install-flink.sh, the one way a home is downloaded, and return the home it prints. */
async function install(args: HomeArgs, progress: Progress): Promise<string> {
    const script = path.join(packageRoot(), "scripts", "install-flink.sh");
    const cacheDir = args.cacheDir ? path.resolve(expandHome(args.cacheDir)) : defaultCacheDir();
    const fromUrl = args.distributionUrl !== undefined && args.distributionSha512 !== undefined;
    progress(fromUrl ? distributionLine(cacheDir, String(args.distributionSha512)) : materializeLine(cacheDir, String(args.version)));
    const scriptArgs = fromUrl ? ["--url", String(args.distributionUrl), "--sha512", String(args.distributionSha512)] : [];
    if (args.version !== undefined) scriptArgs.push(String(args.version));
    const env = { ...process.env, PULUMI_FLINK_CACHE: cacheDir, FLINK_HOME: "" };
    const result = await run("bash", [script, ...scriptArgs], { env, progress });
    if (result.code !== 0) {
        const tail = result.stderr.trim().split("\n").slice(-5).join("\n");
        throw new DeployError(
            `could not materialize Flink ${args.version ?? "from distributionUrl"} (exit ${result.code}):\n${tail}`,
            "nothing; the cache holds at most a partial download, which the next run resumes",
        );
    }
    return result.stdout.trim().split("\n").pop() ?? "";
}

async function materialize(args: HomeArgs, progress: Progress): Promise<HomeState> {
    if (args.image !== undefined) return imageHome(args);
    const homePath = args.path !== undefined ? path.resolve(expandHome(args.path)) : await install(args, progress);
    const found = detectFlinkHome(homePath);
    if (!found.ok) throw new DeployError(`the Flink home at ${homePath} ${found.problem}`, "nothing");
    if (args.version !== undefined && args.version !== found.version) {
        throw new DeployError(`the Flink home at ${homePath} is Flink ${found.version}, not ${args.version}`, "nothing");
    }
    const v = tryParseFlinkVersion(found.version);
    const dialect = v ? configDialect(v) : "config.yaml";
    const gateway = detectSqlGateway(homePath);
    if (!gateway.ok) progress(`no SQL Gateway in this home: ${gateway.reason}; clusters of it run JAR jobs only`);
    return plain<HomeState>({
        path: args.path,
        version: args.version,
        defaultConfig: args.defaultConfig,
        cacheDir: args.cacheDir,
        distributionUrl: args.distributionUrl,
        distributionSha512: args.distributionSha512,
        homePath,
        flinkVersion: found.version,
        configDialect: dialect,
        renderedConfig: renderConfig(dialect, args.defaultConfig ?? {}),
        source: (args.path !== undefined ? "path" : args.distributionUrl !== undefined ? "url" : "registry") as HomeState["source"],
        sqlGateway: gateway.ok,
        sqlGatewayReason: gateway.ok ? "" : gateway.reason,
        present: true,
        stateVersion: HOME_STATE_VERSION,
    });
}

function parseArgs(inputs: Record<string, unknown>): HomeArgs {
    const { args, failures } = checkHomeArgs(inputs);
    return parsedOrThrow("FlinkHome", args, failures);
}

/** Materialize what the inputs declare; progress lines name the resource. */
async function materializeFrom(inputs: Record<string, unknown>): Promise<HomeState> {
    const args = parseArgs(inputs);
    const label = resourceLabel("FlinkHome", inputs, String(args.version ?? args.path ?? args.image ?? "distribution"));
    return { ...(await materialize(args, progressFor(label))), ...nameOutput(inputs) };
}

/** The FlinkHome dynamic provider. */
export const homeProvider: TypedProvider<HomeState> = {
    async check(_olds, news) {
        const { failures } = checkHomeArgs(news);
        return { inputs: news, failures: failures.map((f) => ({ property: f.property, reason: f.reason })) };
    },

    async diff(_id, olds: HomeState, news) {
        const changed = changedKeys(olds as unknown as Record<string, unknown>, withoutPulumiKeys(news), INPUT_KEYS);
        if (olds.present === false) changed.push("homePath");
        return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
    },

    async create(inputs) {
        const outs = await materializeFrom(inputs);
        return { id: `flink-home-${hashOf(outs.source === "image" ? { i: outs.image } : { p: outs.homePath })}`, outs };
    },

    async update(_id, _olds, news) {
        return { outs: await materializeFrom(news) };
    },

    async read(id, props?: HomeState) {
        if (!props) return { id, props: unreadable(props) };
        if (props.source === "image") return { id, props };
        const found = detectFlinkHome(props.homePath);
        const present = found.ok && found.version === props.flinkVersion;
        return { id, props: { ...props, present } };
    },

    // A home is shared by design (cache or the user's own directory): deleting the resource never
    // deletes files.
    async delete() {
        return;
    },
};
