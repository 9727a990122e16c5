/**
 * Compile-time contract between the SDK's argument interfaces and the provider's zod schemas.
 *
 * The SDK declares what a user may write (`FlinkJobArgs`, `FlinkHomeArgs`, `SessionClusterArgs`);
 * the provider's schema declares what `check` accepts. They are written apart, so nothing at
 * run time notices when one gains, loses or retypes a property. This file does: with every
 * `pulumi.Input<>` unwrapped, the SDK's keys must equal the schema's keys (recursively, through
 * nested objects and arrays) and every value the SDK's types allow must be accepted by the schema's
 * input type. A drift fails `tsc -p tsconfig.json` (`npm run build`, `npm run typecheck`) with an
 * error on the `Agree<...>` line naming the contract.
 *
 * Keys the SDK maps to something else before they reach the provider are listed per resource with
 * what they become; they are left out of the comparison and nothing else is.
 *
 * Type-only: this module compiles to an empty one and is imported by nothing (the only provider
 * file that names sdk/, and only its types; tests/unit/structure/imports.test.ts enforces both).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { FlinkHomeArgs } from "../sdk/home";
import type { FlinkJobArgs } from "../sdk/job";
import type { LocalSessionClusterArgs, RemoteSessionClusterArgs } from "../sdk/cluster";
import type { homeArgsSchema } from "./home/schema";
import type { jobArgsSchema } from "./job/schema";
import type { localClusterSchema, remoteClusterSchema } from "./cluster/schema";

/**
 * The key tree of a type: objects become their keys (all required), arrays their element, anything
 * else `never`. `unknown` (a schema's "any value, checked later") is a leaf, not an empty object.
 */
type KeyTree<T> = unknown extends T
    ? never
    : T extends readonly (infer E)[]
      ? KeyTree<E>
      : T extends object
        ? { [K in keyof T]-?: KeyTree<Exclude<T[K], undefined | null>> }
        : never;

/** Mutual assignability of two types (exact enough for key trees and value types). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * What must hold for one resource: `keys` — the same properties at every level; `values` — every
 * SDK value is a valid schema input. `onlyInSdk`/`onlyInSchema` name the top-level drift.
 */
interface Contract<Sdk, Schema> {
    keys: Same<KeyTree<Sdk>, KeyTree<Schema>>;
    values: [Sdk] extends [Schema] ? true : false;
    onlyInSdk: Exclude<keyof Sdk, keyof Schema>;
    onlyInSchema: Exclude<keyof Schema, keyof Sdk>;
}

/** Compiles only when the contract holds; on drift the error shows which of the four fields broke. */
type Agree<C extends { keys: true; values: true; onlyInSdk: never; onlyInSchema: never }> = C;

/**
 * SDK arguments as the provider receives them: `Input<T>` unwrapped at every level, resources kept
 * as they are, and the `Defaulted` keys (optional in the SDK, always filled by the SDK class) present.
 */
type Resolved<T, Defaulted extends keyof T = never> = pulumi.Unwrap<Omit<T, Defaulted> & Required<Pick<T, Defaulted>>>;

/**
 * `FlinkJob` — mapped by sdk/job.ts:
 * `cluster` (a SessionCluster) becomes its outputs `{ restUrl, flinkVersion, connection, … }`;
 * `variables` (VariableSets) becomes `[{ values, secrets }]`; `application` selects the
 * Kubernetes application provider (its own schema, core/k8s/schema-application.ts).
 * Defaulted by the SDK: `name` (the resource name).
 */
type JobMapped = "cluster" | "variables" | "application";
export type JobContract = Agree<Contract<Omit<Resolved<FlinkJobArgs, "name">, JobMapped>, Omit<z.input<typeof jobArgsSchema>, JobMapped>>>;

/** `FlinkHome` — nothing mapped: the SDK passes its arguments as they are. */
export type HomeContract = Agree<Contract<Resolved<FlinkHomeArgs>, z.input<typeof homeArgsSchema>>>;

/**
 * `SessionCluster` local — mapped by sdk/cluster.ts: `home` (a FlinkHome) becomes its outputs
 * `{ homePath, flinkVersion, defaultConfig }`. Defaulted by the SDK: `workDir` (under
 * `~/.local/share/pulumi-flink/<project>/<stack>/<name>`).
 */
export type LocalClusterContract = Agree<
    Contract<Omit<Resolved<LocalSessionClusterArgs, "workDir">, "home">, Omit<z.input<typeof localClusterSchema>, "home">>
>;

/** `SessionCluster` remote — nothing mapped. */
export type RemoteClusterContract = Agree<Contract<Resolved<RemoteSessionClusterArgs>, z.input<typeof remoteClusterSchema>>>;
