/**
 * An ingress-nginx Ingress to a cluster's REST API and web UI under a sub-path.
 *
 * Flink's web UI loads its assets and calls the REST API with relative URLs (its index.html sets
 * `<base href="./">`), so it works under any prefix once nginx strips the prefix: the path is a
 * regex `/<prefix>(/|$)(.*)` rewritten to `/$2`. Relative URLs only resolve under the prefix when
 * the page URL ends with '/', so a second Ingress redirects the bare prefix to `<prefix>/`.
 */
import { createHash, randomBytes } from "crypto";
import type { IngressSpec } from "../schema-ingress";
import { MANAGED_BY } from "./common";
import type { Manifest } from "./types";

export const DEFAULT_PATH_TEMPLATE = "/{namespace}/{name}/";

export interface IngressManifests {
    ingress: Manifest;
    redirect: Manifest;
    authSecret?: Manifest;
    url: string;
    path: string;
}

export function ingressPath(spec: IngressSpec): string {
    return (spec.path ?? DEFAULT_PATH_TEMPLATE).replace(/\{namespace\}/g, spec.target.namespace).replace(/\{name\}/g, spec.target.name);
}

/** An nginx htpasswd line, salted SHA-1 (`{SSHA}`, which nginx's auth_basic accepts). */
export function htpasswdLine(username: string, password: string, salt: Buffer = randomBytes(8)): string {
    const digest = createHash("sha1").update(password).update(salt).digest();
    return `${username}:{SSHA}${Buffer.concat([digest, salt]).toString("base64")}`;
}

export function renderIngress(resourceName: string, spec: IngressSpec, salt?: Buffer): IngressManifests {
    const ns = spec.target.namespace;
    const name = spec.name ?? `${spec.target.name}-ui`;
    const path = ingressPath(spec);
    const prefix = path.replace(/\/$/, "");
    const labels = { ...MANAGED_BY, "app.kubernetes.io/instance": spec.target.name };
    const tls = spec.tls ? { tls: [{ hosts: [spec.host], secretName: spec.tls.secretName }] } : {};
    const className = spec.ingressClassName ? { ingressClassName: spec.ingressClassName } : {};
    const backend = { service: { name: `${spec.target.name}-rest`, port: { number: spec.target.restPort } } };
    const annotations: Record<string, string> = {
        ...(spec.annotations ?? {}),
        "nginx.ingress.kubernetes.io/use-regex": "true",
        "nginx.ingress.kubernetes.io/rewrite-target": "/$2",
    };
    let authSecret: Manifest | undefined;
    if (spec.basicAuth) {
        const secretName = `${name}-basic-auth`;
        annotations["nginx.ingress.kubernetes.io/auth-type"] = "basic";
        annotations["nginx.ingress.kubernetes.io/auth-secret"] = secretName;
        annotations["nginx.ingress.kubernetes.io/auth-realm"] = spec.basicAuth.realm ?? `Flink ${spec.target.name}`;
        authSecret = renderAuthSecret(secretName, ns, labels, spec.basicAuth.username, spec.basicAuth.password, salt);
    }
    const scheme = spec.tls ? "https" : "http";
    const ingress: Manifest = {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name, namespace: ns, labels, annotations },
        spec: {
            ...className,
            ...tls,
            rules: [{ host: spec.host, http: { paths: [{ path: `${prefix}(/|$)(.*)`, pathType: "ImplementationSpecific", backend }] } }],
        },
    };
    const redirect: Manifest = {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: {
            name: `${name}-slash`,
            namespace: ns,
            labels,
            annotations: { ...(spec.annotations ?? {}), "nginx.ingress.kubernetes.io/permanent-redirect": `${scheme}://${spec.host}${path}` },
        },
        spec: { ...className, ...tls, rules: [{ host: spec.host, http: { paths: [{ path: prefix || "/", pathType: "Exact", backend }] } }] },
    };
    void resourceName;
    return { ingress, redirect, ...(authSecret ? { authSecret } : {}), url: `${scheme}://${spec.host}${path}`, path };
}

/** The htpasswd Secret ingress-nginx reads (key "auth"); rendered apart so only it carries the password. */
export function renderAuthSecret(name: string, namespace: string, labels: Record<string, string>, username: string, password: string, salt?: Buffer): Manifest {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace, labels },
        type: "Opaque",
        stringData: { auth: htpasswdLine(username, password, salt) },
    };
}
