import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SessionCluster } from "./cluster";
import { FlinkJob } from "./job";
import { createObject } from "./kubernetes";
import { inputError } from "./kubernetes-render";
import { invalid } from "../provider/core/errors";
import { checkIngressSpec } from "../provider/core/k8s/schema-ingress";
import { renderAuthSecret, renderIngress } from "../provider/core/k8s/render/ingress";
import type { Manifest } from "../provider/core/k8s/render/types";

const PLACEHOLDER = "placeholder-not-the-password";

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
        if (!source || (args.cluster && args.job))
            throw inputError([
                invalid(
                    "cluster",
                    undefined,
                    "a FlinkIngress needs exactly one of cluster and job",
                    "set cluster to a Kubernetes SessionCluster, or job to an application-mode FlinkJob",
                ),
            ]);
        if (!source.kubernetesTarget)
            throw inputError([
                invalid(
                    args.cluster ? "cluster" : "job",
                    name,
                    "is not on Kubernetes",
                    'use a SessionCluster with target "kubernetes" or a FlinkJob with application',
                ),
            ]);
        const { cluster, job, provider, basicAuth, ...rest } = args;
        void [cluster, job];
        // The Ingress is rendered with a placeholder password, so only the Secret is secret in state.
        const auth = basicAuth ? pulumi.output({ username: basicAuth.username, realm: basicAuth.realm }) : pulumi.output(undefined);
        const rendered = pulumi.all([source.kubernetesTarget, pulumi.output(rest), auth]).apply(([target, r, a]) => {
            const checked = checkIngressSpec({ ...r, target, ...(a ? { basicAuth: { ...a, password: PLACEHOLDER } } : {}) });
            if (checked.failures.length || !checked.spec) throw inputError(checked.failures);
            return renderIngress(name, checked.spec);
        });
        const options = { parent: this, provider };
        let dependsOn: pulumi.Resource[] = [];
        if (basicAuth) {
            const secret = pulumi.all([rendered, basicAuth.username, pulumi.secret(basicAuth.password)]).apply(([r, username, password]) => {
                const checked = checkIngressSpec({
                    target: { namespace: "x", name: "x", restPort: 1 },
                    host: "x.example",
                    basicAuth: { username: "x", password },
                });
                if (checked.failures.length) throw inputError(checked.failures);
                const m = r.authSecret as Manifest;
                return renderAuthSecret(m.metadata.name, m.metadata.namespace as string, m.metadata.labels ?? {}, username, password);
            });
            dependsOn = [createObject(`${name}-basic-auth`, secret as unknown as pulumi.Output<Manifest>, "Secret", options)];
        }
        createObject(
            name,
            rendered.apply((r) => r.ingress),
            "Ingress",
            { ...options, dependsOn },
        );
        createObject(
            `${name}-slash`,
            rendered.apply((r) => r.redirect),
            "Ingress",
            options,
        );
        this.url = rendered.apply((r) => r.url);
        this.registerOutputs({ url: this.url });
    }
}
