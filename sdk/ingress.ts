import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SessionCluster } from "./cluster";
import { FlinkJob } from "./job";
import { createObject } from "./kubernetes";
import { InputError, invalid } from "../provider/util/errors";
import { checkIngressSpec } from "../provider/k8s/schema-ingress";
import { renderIngress } from "../provider/k8s/render/ingress";
import type { Manifest } from "../provider/k8s/render/types";

/** Basic authentication in front of the web UI (ingress-nginx), from a user name and password. */
export interface FlinkIngressBasicAuth {
    /** User name. */
    readonly username: pulumi.Input<string>;
    /** Password (at least 8 characters); stored hashed in a Secret, and as a secret in state. */
    readonly password: pulumi.Input<string>;
    /**
     * Realm shown by the browser.
     * @default "Flink <name>"
     */
    readonly realm?: pulumi.Input<string>;
}

/** Arguments of a {@link FlinkIngress}. Exactly one of `cluster` and `job`. */
export interface FlinkIngressArgs {
    /**
     * A Kubernetes session cluster whose web UI and REST API to expose.
     * @default undefined
     */
    readonly cluster?: SessionCluster;
    /**
     * An application-mode job whose web UI and REST API to expose.
     * @default undefined
     */
    readonly job?: FlinkJob;
    /** Host name, e.g. "flink.example.com". */
    readonly host: pulumi.Input<string>;
    /**
     * Path template; `{namespace}` and `{name}` are replaced by the FlinkDeployment's.
     * @default "/{namespace}/{name}/"
     */
    readonly path?: pulumi.Input<string>;
    /**
     * IngressClass (must be an ingress-nginx controller: the sub-path rewrite uses its annotations).
     * @default the cluster's default IngressClass
     */
    readonly ingressClassName?: pulumi.Input<string>;
    /**
     * TLS with the certificate in this Secret (type kubernetes.io/tls, same namespace).
     * @default none (http)
     */
    readonly tls?: pulumi.Input<{ readonly secretName: pulumi.Input<string> }>;
    /**
     * Basic authentication.
     * @default none
     */
    readonly basicAuth?: FlinkIngressBasicAuth;
    /**
     * Extra annotations of the Ingress (not the ones it sets for rewrite and auth).
     * @default {}
     */
    readonly annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Name of the Ingress object.
     * @default "<FlinkDeployment name>-ui"
     */
    readonly name?: pulumi.Input<string>;
    /**
     * The @pulumi/kubernetes provider for the objects.
     * @default the default Kubernetes provider
     */
    readonly provider?: k8s.Provider;
}

/** An ingress-nginx Ingress to a Flink cluster's web UI and REST API under a sub-path. */
export class FlinkIngress extends pulumi.ComponentResource {
    /** The web UI's URL, ending with "/". */
    public readonly url: pulumi.Output<string>;

    constructor(name: string, args: FlinkIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flink:index:FlinkIngress", name, {}, opts);
        const source = args.cluster ?? args.job;
        if (!source || (args.cluster && args.job)) throw new InputError([invalid("cluster", undefined, "a FlinkIngress needs exactly one of cluster and job", "set cluster to a Kubernetes SessionCluster, or job to an application-mode FlinkJob")]);
        if (!source.kubernetesTarget) throw new InputError([invalid(args.cluster ? "cluster" : "job", name, "is not on Kubernetes", 'use a SessionCluster with target "kubernetes" or a FlinkJob with application')]);
        const { cluster, job, provider, basicAuth, ...rest } = args;
        void [cluster, job];
        const rendered = pulumi.all([source.kubernetesTarget, pulumi.output(rest), pulumi.output(basicAuth)]).apply(([target, r, auth]) => {
            const checked = checkIngressSpec({ ...r, target, ...(auth ? { basicAuth: auth } : {}) });
            if (checked.failures.length || !checked.spec) throw new InputError(checked.failures);
            return renderIngress(name, checked.spec);
        });
        const options = { parent: this, provider };
        const secret = basicAuth ? createObject(`${name}-basic-auth`, pulumi.secret(rendered.apply((r) => r.authSecret!)) as unknown as pulumi.Output<Manifest>, "Secret", options) : undefined;
        const dependsOn = secret ? [secret] : [];
        createObject(name, rendered.apply((r) => r.ingress), "Ingress", { ...options, dependsOn });
        createObject(`${name}-slash`, rendered.apply((r) => r.redirect), "Ingress", options);
        this.url = rendered.apply((r) => r.url);
        this.registerOutputs({ url: this.url });
    }
}
