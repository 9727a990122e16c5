/**
 * Base URLs that are names rather than addresses: a Kubernetes cluster's REST service
 * (`http://<svc>.<ns>.svc:8081`) is reached from outside the cluster through a port-forward
 * opened on demand. `connect()` registers such a URL with a resolver; the HTTP transport asks
 * the resolver for the real base URL at request time, so call sites stay synchronous and
 * unchanged (they build a client from a `Connection` and never see the forward).
 */

/** Returns the base URL to send requests to now (e.g. `http://127.0.0.1:40123`). */
export type BaseUrlResolver = () => Promise<string>;

const routes = new Map<string, BaseUrlResolver>();

function keyOf(baseUrl: string): string {
    try {
        const url = new URL(baseUrl);
        return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`.toLowerCase();
    } catch {
        return baseUrl.replace(/\/+$/, "").toLowerCase();
    }
}

/** Route requests for `baseUrl` through `resolve` (replaces an earlier route for the same URL). */
export function setRoute(baseUrl: string, resolve: BaseUrlResolver): void {
    routes.set(keyOf(baseUrl), resolve);
}

/** The resolver registered for `baseUrl`, if any. */
export function routeOf(baseUrl: string): BaseUrlResolver | undefined {
    return routes.size ? routes.get(keyOf(baseUrl)) : undefined;
}

/** Forget every route (tests). */
export function clearRoutes(): void {
    routes.clear();
}
