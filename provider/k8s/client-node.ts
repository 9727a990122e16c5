/** Moved to provider/core/k8s (the SDK reads the Operator CRD with it at preview); kept here for the providers. */
export * from "../core/k8s/client-node";
