import * as pulumi from "@pulumi/pulumi";
import { NAME_INPUT, providerFor } from "./provider";

/** A Flink configuration value: Flink keys are flat, e.g. `{"parallelism.default": 2}`. */
export type FlinkConfigValue = string | number | boolean;

/**
 * Arguments of a {@link FlinkHome}. Set `path`, or `version`, or both; or `distributionUrl` and
 * `distributionSha512`; or `image` and `version` (Kubernetes).
 */
export interface FlinkHomeArgs {
    /**
     * An existing Flink distribution (the folder holding `bin/` and `lib/`) on the deploying
     * machine. Its version is read from `lib/flink-dist-*.jar`.
     * @default undefined: the distribution is downloaded for `version`
     */
    readonly path?: pulumi.Input<string>;
    /**
     * The Flink version. Without `path`, the package downloads this version from the package
     * registries into its cache; with `path`, it must match the distribution found there.
     * With `image`, the Flink version inside the image: required, and it must be a release line
     * the Flink Kubernetes Operator's CRD accepts (see the README).
     * @default the version found at `path`
     */
    readonly version?: pulumi.Input<string>;
    /**
     * Configuration every cluster built from this home starts with, as flat Flink keys. It is
     * rendered in the dialect of the version: `flink-conf.yaml` before 1.19, `config.yaml` after.
     * @default {}
     */
    readonly defaultConfig?: pulumi.Input<Record<string, pulumi.Input<FlinkConfigValue>>>;
    /**
     * Where downloaded distributions are cached, keyed by version.
     * @default $PULUMI_FLINK_CACHE or ~/.cache/pulumi-flink
     */
    readonly cacheDir?: pulumi.Input<string>;
    /**
     * A Flink container image for the Kubernetes target, pinned by tag or digest
     * (e.g. "flink:1.20.3-java17"); a tag naming a Flink version must match `version`.
     * @default undefined: a local distribution (path/version)
     */
    readonly image?: pulumi.Input<string>;
    /**
     * Pull policy of the image.
     * @default the cluster's default ("IfNotPresent" for a pinned tag)
     */
    readonly imagePullPolicy?: pulumi.Input<"Always" | "IfNotPresent" | "Never">;
    /**
     * Names of docker-registry Secrets (in the cluster's namespace) to pull the image with.
     * @default []
     */
    readonly imagePullSecrets?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * An official Flink binary release (e.g.
     * "https://archive.apache.org/dist/flink/flink-1.20.3/flink-1.20.3-bin-scala_2.12.tgz") or a
     * mirror of it: http, https or file URL, without credentials. It is downloaded once, checked
     * against `distributionSha512`, unpacked and cached under `cacheDir` by its digest. Not with
     * `path` or `image`; `version`, if set, must match the distribution.
     * @default undefined: the distribution comes from `path`, or is assembled from the package registries for `version`
     */
    readonly distributionUrl?: pulumi.Input<string>;
    /**
     * The sha512 of the archive at `distributionUrl` (128 hex digits, as in the `.sha512` file
     * published next to it). Required with `distributionUrl`.
     * @default undefined
     */
    readonly distributionSha512?: pulumi.Input<string>;
}

/** A Flink distribution: its version and the default configuration of clusters built from it. */
export class FlinkHome extends pulumi.dynamic.Resource {
    /** Absolute path of the distribution on the deploying machine. */
    public readonly homePath!: pulumi.Output<string>;
    /** The version detected from the distribution. */
    public readonly flinkVersion!: pulumi.Output<string>;
    /** `flink-conf.yaml` (Flink < 1.19) or `config.yaml`. */
    public readonly configDialect!: pulumi.Output<string>;
    /** The default configuration as given. */
    public readonly defaultConfig!: pulumi.Output<Record<string, FlinkConfigValue> | undefined>;
    /** The default configuration rendered in the version's dialect. */
    public readonly renderedConfig!: pulumi.Output<string>;
    /**
     * Whether clusters of this home can run the SQL Gateway (the distribution has
     * `opt/flink-sql-gateway-*.jar`). Unset on image homes: the image is not inspected here.
     */
    public readonly sqlGateway!: pulumi.Output<boolean | undefined>;
    /** Why the home has no SQL Gateway, in one line (e.g. "Maven Central has no org.apache.flink:flink-sql-gateway:1.19.3"); "" when it has one. */
    public readonly sqlGatewayReason!: pulumi.Output<string | undefined>;
    /** The image (image homes only). */
    public readonly image!: pulumi.Output<string | undefined>;
    /**
     * The arguments as declared, so Kubernetes objects built from an image home render their
     * values at preview instead of waiting for this resource's outputs.
     * @internal
     */
    public readonly declared: FlinkHomeArgs;

    constructor(name: string, args: FlinkHomeArgs, opts?: pulumi.CustomResourceOptions) {
        const outputs = {
            homePath: undefined,
            flinkVersion: undefined,
            configDialect: undefined,
            renderedConfig: undefined,
            image: undefined,
            sqlGateway: undefined,
            sqlGatewayReason: undefined,
        };
        super(providerFor("home"), name, { ...outputs, ...args, [NAME_INPUT]: name }, opts, "flink", "Home");
        this.declared = args;
    }
}
