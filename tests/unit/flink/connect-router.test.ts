/**
 * The REST client knows no Kubernetes code: a connection with `kubernetes` is reached through the
 * router that provider/k8s/endpoint registers when it is loaded (the provider entry point and
 * `pulumi-flink status` load it). Without it, connect() refuses rather than call a Service name
 * this host may not resolve.
 */
type ConnectModule = typeof import("../../../provider/flink/connect");
type RouteModule = typeof import("../../../provider/flink/route");

const onKubernetes = {
    restUrl: "http://sessions-rest.streaming.svc:8081",
    kubernetes: { namespace: "streaming", service: "sessions-rest", port: 8081, kubeconfig: "apiVersion: v1\nkind: Config\n" },
};

test("without provider/k8s/endpoint loaded, a Kubernetes connection is refused with what is missing; a plain one connects", async () => {
    let connect!: ConnectModule["connect"];
    jest.isolateModules(() => {
        connect = (require("../../../provider/flink/connect") as ConnectModule).connect;
    });
    expect(() => connect(onKubernetes)).toThrow(
        "http://sessions-rest.streaming.svc:8081 is on Kubernetes, but Kubernetes access (provider/k8s/endpoint) is not loaded in this process",
    );
    await connect({ restUrl: "http://localhost:8081" }).close();
});

test("with provider/k8s/endpoint loaded, a Kubernetes connection gets a route for its REST and SQL Gateway URLs", async () => {
    let connect!: ConnectModule["connect"];
    let routeOf!: RouteModule["routeOf"];
    jest.isolateModules(() => {
        require("../../../provider/k8s/endpoint");
        connect = (require("../../../provider/flink/connect") as ConnectModule).connect;
        routeOf = (require("../../../provider/flink/route") as RouteModule).routeOf;
    });
    const gateway = "http://sessions-sql-gateway.streaming.svc:8083";
    expect(routeOf(onKubernetes.restUrl)).toBeUndefined();
    // A SessionCluster's stored connection: the REST URL and the SQL Gateway URL, both Service names.
    const stored = {
        ...onKubernetes,
        sqlGatewayUrl: gateway,
        kubernetes: { ...onKubernetes.kubernetes, sqlGateway: { service: "sessions-sql-gateway", port: 8083 } },
    };
    const client = connect(stored);
    expect(routeOf(onKubernetes.restUrl)).toBeInstanceOf(Function);
    expect(routeOf(gateway)).toBeInstanceOf(Function);
    await client.close();
});
