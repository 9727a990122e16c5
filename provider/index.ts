/**
 * The provider side of pulumi-flink: what runs inside Pulumi's dynamic-provider host.
 * The sdk's provider stubs load this module by name (`pulumi-flink/provider`).
 */
import type * as pulumi from "@pulumi/pulumi";
import { alertsProvider } from "./alerts";
import { clusterProvider } from "./cluster";
import { homeProvider } from "./home";
import { jobProvider } from "./job";
import { k8sApplicationProvider } from "./k8s/application-provider";
import { k8sClusterProvider } from "./k8s/cluster-provider";
import { k8sSessionGuardProvider } from "./k8s/session-guard";
import { variablesProvider } from "./variables";
import { inProviderHost, installLifeline } from "./core/lifeline";
import type { ProviderKind } from "./core/providers";
// Every client built in the provider host may reach a cluster on Kubernetes: register how (flink/ does not import k8s/).
import "./k8s/endpoint";

// Inside Pulumi's provider host, stop acting (and exit) once the CLI that started it is gone.
if (inProviderHost()) installLifeline();

/** Every kind the SDK names has an implementation here (a missing or extra kind fails to compile). */
export const providers: Record<ProviderKind, pulumi.dynamic.ResourceProvider> = {
    home: homeProvider,
    cluster: clusterProvider,
    job: jobProvider,
    variables: variablesProvider,
    alerts: alertsProvider,
    k8sCluster: k8sClusterProvider,
    k8sSessionGuard: k8sSessionGuardProvider,
    k8sApplication: k8sApplicationProvider,
};

export * as flink from "./flink";
export * as sqlgateway from "./sqlgateway";
export { checkJobArgs } from "./job";
export { checkHomeArgs, renderConfig } from "./home";
export { checkClusterArgs } from "./cluster";
export * as alerts from "./alerts";
