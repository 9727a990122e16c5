import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "./provider";

/** A Flink configuration value: Flink keys are flat, e.g. `{"parallelism.default": 2}`. */
export type FlinkConfigValue = string | number | boolean;

/** Arguments of a {@link FlinkHome}. Set `path`, or `version`, or both. */
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

    constructor(name: string, args: FlinkHomeArgs, opts?: pulumi.CustomResourceOptions) {
        const outputs = { homePath: undefined, flinkVersion: undefined, configDialect: undefined, renderedConfig: undefined };
        super(providerFor("home"), name, { ...outputs, ...args }, opts, "flink", "Home");
    }
}
