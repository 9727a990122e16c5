/** Cluster `libraries` arguments of a SessionCluster (connector and UDF jars) and their SDK-side helpers. */
import * as pulumi from "@pulumi/pulumi";
import { librariesHash } from "../provider/core/libraries/resolve";
import type { Library } from "../provider/core/libraries/schema";
import type { SessionClusterArgs } from "./cluster";

/** One jar of a cluster's `libraries`: exactly one of `maven`, `url`, `path`. */
export interface ClusterLibrary {
    /**
     * Maven coordinates `group:artifact:version[:classifier]`, resolved with their compile and
     * runtime dependencies (nearest version wins; test, provided and optional ones are left out).
     * @default undefined
     */
    readonly maven?: pulumi.Input<string>;
    /**
     * An http(s) URL of a jar, downloaded on the deploying machine (cached by content).
     * @default undefined
     */
    readonly url?: pulumi.Input<string>;
    /**
     * An absolute path of a jar on the deploying machine (local target only).
     * @default undefined
     */
    readonly path?: pulumi.Input<string>;
    /**
     * Expected sha256 of a `url` or `path` jar (hex); `maven` jars are checked against the repository's `.sha1`.
     * @default not checked
     */
    readonly sha256?: pulumi.Input<string>;
}

/** A Maven repository for cluster libraries. */
export interface MavenRepositoryArgs {
    /** Base URL, e.g. `https://nexus.example.com/repository/maven-public` (no credentials in it). */
    readonly url: pulumi.Input<string>;
    /**
     * User name for HTTP Basic authentication.
     * @default none
     */
    readonly username?: pulumi.Input<string>;
    /**
     * Password or token; stored as a secret, never printed.
     * @default none
     */
    readonly password?: pulumi.Input<string>;
}

/** The repository with its password wrapped as a secret, so it is encrypted in the state even when given as plain text. */
export function secretRepository(repo: pulumi.Input<MavenRepositoryArgs> | undefined): pulumi.Output<MavenRepositoryArgs> | undefined {
    if (repo === undefined) return undefined;
    return pulumi
        .output(repo)
        .apply((r) => ({ ...r, password: r.password === undefined ? undefined : pulumi.secret(r.password) })) as pulumi.Output<MavenRepositoryArgs>;
}

/** {@link librariesHash} of the declared arguments (the provider reports the same value). */
export function declaredLibrariesHash(
    args: Pick<SessionClusterArgs, "target"> & {
        libraries?: pulumi.Input<pulumi.Input<ClusterLibrary>[]>;
        mavenRepository?: pulumi.Input<MavenRepositoryArgs>;
    },
): pulumi.Output<string> {
    if (args.target === "remote") return pulumi.output("");
    return pulumi.all([args.libraries, args.mavenRepository]).apply(([libs, repo]) => librariesHash(libs as Library[] | undefined, repo));
}
