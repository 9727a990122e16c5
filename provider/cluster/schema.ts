import { z } from "zod";
import { InputFailure, invalid } from "../core/errors";
import { containsUnknown } from "../core/unknown";
import { withoutPulumiKeys, zodFailures } from "../core/zod";
import { configDialect, tryParseFlinkVersion } from "../core/version";
import { FlinkConfig, validateConfig } from "../core/flink-config";
import { checkLibraries, homeLibJars, librarySchema, mavenRepositorySchema } from "../core/libraries/schema";
import { redactUrl } from "../core/validate-artifact";
import { detectSqlGateway } from "../home/detect";

const port = z.number().int().min(1).max(65535);
const memory = z.string().regex(/^\d+\s*(k|kb|m|mb|g|gb)$/i, 'must be a size such as "1024m" or "2g"');

/** What a cluster needs of its FlinkHome (the sdk passes the home's outputs). */
const homeRef = z.object({
    homePath: z.string().min(1),
    flinkVersion: z.string().min(1),
    defaultConfig: z.record(z.unknown()).optional(),
});

export const localClusterSchema = z
    .object({
        target: z.literal("local"),
        home: homeRef,
        workDir: z.string().min(1),
        host: z.string().min(1).default("localhost"),
        restPort: port.default(8081),
        rpcPort: port.default(6123),
        taskManagers: z.number().int().min(1).max(32).default(1),
        slotsPerTaskManager: z.number().int().min(1).max(128).default(2),
        jobManagerMemory: memory.default("1024m"),
        taskManagerMemory: memory.default("1280m"),
        configuration: z.record(z.unknown()).optional(), // values checked by validateConfig
        startTimeoutSeconds: z.number().int().min(5).max(3600).default(120),
        sqlGateway: z
            .object({
                enabled: z.boolean().default(false),
                port: port.default(8083),
            })
            .strict()
            .optional(),
        libraries: z.array(librarySchema).optional(),
        mavenRepository: mavenRepositorySchema.optional(),
    })
    .strict();

export const remoteClusterSchema = z
    .object({
        target: z.literal("remote"),
        restUrl: z.string().url(),
        webUiUrl: z.string().url().optional(),
        headers: z.record(z.string()).optional(),
        caCert: z.string().min(1).optional(),
        clientCert: z.string().min(1).optional(),
        clientKey: z.string().min(1).optional(),
        insecureSkipVerify: z.boolean().default(false),
        requestTimeoutSeconds: z.number().int().min(1).max(600).default(30),
        sqlGatewayUrl: z.string().url().optional(),
        /** The SQL Gateway reads and writes this machine's files at the same paths (it runs here). */
        sqlGatewayOnThisMachine: z.boolean().default(false),
    })
    .strict();

type HomeRef = Omit<z.infer<typeof homeRef>, "defaultConfig"> & { defaultConfig?: FlinkConfig };
/** Local cluster arguments after validation (configuration values checked by validateConfig). */
export type LocalClusterArgs = Omit<z.infer<typeof localClusterSchema>, "configuration" | "home"> & { configuration?: FlinkConfig; home: HomeRef };
export type RemoteClusterArgs = z.infer<typeof remoteClusterSchema>;
export type ClusterArgs = LocalClusterArgs | RemoteClusterArgs;

/** Keys the local target sets itself from typed arguments; setting them twice would conflict. */
export const MANAGED_KEYS: Readonly<Record<string, string>> = {
    "rest.port": "restPort",
    "rest.address": "host",
    "rest.bind-address": "host",
    "jobmanager.rpc.address": "host",
    "jobmanager.rpc.port": "rpcPort",
    "jobmanager.bind-host": "host",
    "taskmanager.bind-host": "host",
    "taskmanager.host": "host",
    "taskmanager.numberOfTaskSlots": "slotsPerTaskManager",
    "jobmanager.memory.process.size": "jobManagerMemory",
    "taskmanager.memory.process.size": "taskManagerMemory",
};

const TARGETS = ["local", "remote", "kubernetes"];

/** The SQL Gateway a local cluster runs: off unless enabled; the port only matters when on. */
export type SqlGatewaySetting = { enabled: false } | { enabled: true; port: number };

/** Effective SQL Gateway setting of local cluster inputs (defaulted or raw, old or new). */
export function sqlGatewayOf(args: object): SqlGatewaySetting {
    const gw = ((args as { sqlGateway?: unknown }).sqlGateway ?? {}) as { enabled?: unknown; port?: unknown };
    if (gw.enabled !== true) return { enabled: false };
    return { enabled: true, port: typeof gw.port === "number" ? gw.port : 8083 };
}

/** Validate SessionCluster inputs (pure). */
export function checkClusterArgs(news: Record<string, unknown>): { args?: ClusterArgs; failures: InputFailure[] } {
    const inputs = withoutPulumiKeys(news);
    const target = inputs.target;
    if (target === "kubernetes") {
        // The SDK sends kubernetes clusters to the k8sCluster provider; reaching this means raw inputs.
        return {
            failures: [
                invalid(
                    "target",
                    target,
                    "is handled by the SessionCluster class, which creates the Flink Operator objects",
                    'declare it with new SessionCluster(name, { target: "kubernetes", home, kubernetes: {...} }) from pulumi-flink',
                ),
            ],
        };
    }
    if (target !== "local" && target !== "remote") {
        return { failures: [invalid("target", target, "is not a known target", `use one of ${TARGETS.map((t) => `"${t}"`).join(", ")}`)] };
    }
    if (target === "remote") {
        const refused = refusedOnRemote(inputs);
        if (refused.length) return { failures: refused };
    }
    // On the first preview the home does not exist yet: check everything else against a stand-in.
    const homeUnknown = target === "local" && containsUnknown(inputs.home);
    const probe = homeUnknown ? { ...inputs, home: { homePath: "(not yet known)", flinkVersion: "(not yet known)" } } : inputs;
    if (containsUnknown(probe)) return { failures: [] }; // re-checked once the values are known
    const schema = target === "local" ? localClusterSchema : remoteClusterSchema;
    const parsed = schema.safeParse(probe);
    if (!parsed.success) return { failures: zodFailures(parsed.error, withoutRepositorySecrets(probe)) };
    const args = parsed.data as ClusterArgs;
    const failures = args.target === "local" ? checkLocal(args, !homeUnknown) : checkRemote(args);
    return { args: homeUnknown ? undefined : args, failures };
}

function checkLocal(args: LocalClusterArgs, homeKnown: boolean): InputFailure[] {
    const failures: InputFailure[] = [];
    if (args.restPort === args.rpcPort) {
        failures.push(invalid("rpcPort", args.rpcPort, "is the same as restPort", "give the JobManager RPC and the REST endpoint different ports"));
    }
    const gateway = sqlGatewayOf(args);
    if (gateway.enabled) {
        for (const [name, value] of [
            ["restPort", args.restPort],
            ["rpcPort", args.rpcPort],
        ] as const) {
            if (gateway.port === value)
                failures.push(invalid("sqlGateway.port", gateway.port, `is the same as ${name}`, `give the SQL Gateway its own port (it defaults to 8083)`));
        }
        if (homeKnown) failures.push(...gatewayInHome(args.home));
    }
    for (const key of Object.keys(args.configuration ?? {})) {
        const arg = MANAGED_KEYS[key];
        if (arg)
            failures.push(
                invalid(`configuration[${JSON.stringify(key)}]`, args.configuration?.[key], "is set by the cluster itself", `use the ${arg} argument instead`),
            );
    }
    const v = homeKnown ? tryParseFlinkVersion(args.home.flinkVersion) : undefined;
    if (homeKnown && !v) failures.push(invalid("home.flinkVersion", args.home.flinkVersion, "is not a Flink version", "pass a FlinkHome resource as home"));
    failures.push(...validateConfig("configuration", args.configuration, v ? configDialect(v) : undefined));
    failures.push(...checkLibraries(args.libraries ?? [], args.mavenRepository, homeKnown ? homeLibJars(args.home.homePath) : []));
    return failures;
}

/** A gateway cannot start from a home without its jar (e.g. a 1.19.3 home: Maven Central has none). */
function gatewayInHome(home: HomeRef): InputFailure[] {
    if (homeLibJars(home.homePath).length === 0) return []; // not a distribution on this machine: the home's own check says so
    const found = detectSqlGateway(home.homePath);
    if (found.ok) return [];
    return [
        invalid(
            "sqlGateway.enabled",
            true,
            `cannot be on: the FlinkHome (Flink ${home.flinkVersion} at ${home.homePath}) has no SQL Gateway: ${found.reason}`,
            "turn sqlGateway off (JAR jobs still run), or use a home whose opt/ has flink-sql-gateway-*.jar: " +
                "a line whose flink-sql-gateway is on Maven Central (e.g. 1.20.3), or a distributionUrl archive that ships it",
        ),
    ];
}

/** Inputs as failures may quote them: the repository's password and URL credentials hidden. */
function withoutRepositorySecrets(inputs: Record<string, unknown>): Record<string, unknown> {
    const repo = inputs.mavenRepository;
    if (repo === null || typeof repo !== "object" || Array.isArray(repo)) return inputs;
    const r = repo as Record<string, unknown>;
    return {
        ...inputs,
        mavenRepository: { ...r, ...(r.password === undefined ? {} : { password: "***" }), ...(typeof r.url === "string" ? { url: redactUrl(r.url) } : {}) },
    };
}

/**
 * A remote cluster's classpath is not ours to change: its jars are installed where it runs.
 * Refused with the two ways that work instead.
 */
function refusedOnRemote(inputs: Record<string, unknown>): InputFailure[] {
    const fix =
        "install the jars into the lib folder of the remote cluster (and of its SQL Gateway) and restart it, " +
        'or give a SQL job dependencies as URIs its gateway reads (e.g. { uri: "hdfs:///flink/jars/x.jar" })';
    return (["libraries", "mavenRepository"] as const)
        .filter((k) => inputs[k] !== undefined)
        .map((k) =>
            invalid(
                k,
                Array.isArray(inputs[k]) ? `(${(inputs[k] as unknown[]).length} entries)` : "(repository)",
                "cannot be applied to a remote cluster: pulumi-flink does not run its processes",
                fix,
            ),
        );
}

function checkRemote(args: RemoteClusterArgs): InputFailure[] {
    const failures: InputFailure[] = [];
    const url = new URL(args.restUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
        failures.push(invalid("restUrl", args.restUrl, "must be an http or https URL", 'use e.g. "http://flink-jobmanager:8081"'));
    }
    if (url.search || url.hash) failures.push(invalid("restUrl", args.restUrl, "must not carry a query or fragment", "remove everything after the path"));
    const tls = args.caCert || args.clientCert || args.clientKey || args.insecureSkipVerify;
    if (tls && url.protocol !== "https:") {
        failures.push(
            invalid(
                "restUrl",
                args.restUrl,
                "TLS options are set but the URL is not https",
                "use an https:// URL or remove caCert/clientCert/clientKey/insecureSkipVerify",
            ),
        );
    }
    if (Boolean(args.clientCert) !== Boolean(args.clientKey)) {
        failures.push(
            invalid(
                args.clientCert ? "clientKey" : "clientCert",
                undefined,
                "a client certificate needs both the certificate and its key",
                "set both clientCert and clientKey (PEM text)",
            ),
        );
    }
    if (args.sqlGatewayUrl !== undefined) {
        const gw = new URL(args.sqlGatewayUrl);
        if (gw.protocol !== "http:" && gw.protocol !== "https:") {
            failures.push(invalid("sqlGatewayUrl", args.sqlGatewayUrl, "must be an http or https URL", 'use e.g. "http://flink-sql-gateway:8083"'));
        }
        if (gw.search || gw.hash)
            failures.push(invalid("sqlGatewayUrl", args.sqlGatewayUrl, "must not carry a query or fragment", "remove everything after the path"));
    }
    if (args.sqlGatewayOnThisMachine && args.sqlGatewayUrl === undefined)
        failures.push(
            invalid(
                "sqlGatewayOnThisMachine",
                true,
                "names no gateway: sqlGatewayUrl is not set",
                "set sqlGatewayUrl to the gateway that runs on this machine, or remove sqlGatewayOnThisMachine",
            ),
        );
    for (const name of Object.keys(args.headers ?? {})) {
        if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name))
            failures.push(invalid(`headers[${JSON.stringify(name)}]`, name, "is not a valid HTTP header name", "use letters, digits and dashes"));
    }
    return failures;
}
