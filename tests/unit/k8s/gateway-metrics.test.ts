/**
 * The SQL Gateway pod gets what the cluster's pods get (pod template, volumes, env, sidecars, node
 * placement, Flink configuration, libraries), and `prometheus` opens the reporter's port on the
 * Flink pods; every object validated against the real schemas. (pure render; schema-validated; nothing applied)
 */
import { validateManifest } from "../../support/k8s-schemas";
import { checkSessionSpec } from "../../../provider/core/k8s/schema";
import { renderSession } from "../../../provider/core/k8s/render/session";
import { renderPodMonitor } from "../../../provider/core/alerts/kubernetes";
import type { AlertSpec } from "../../../provider/core/alerts/spec";
import { inputMessage } from "../../../provider/core/errors";
import { SERVED_OPERATOR_VERSIONS } from "../../../provider/core/k8s/operator";
import { home, sessionSpec } from "./fixtures";

type Container = { name: string; args?: string[]; env?: unknown[]; volumeMounts?: { name: string; mountPath: string }[]; ports?: unknown[] };
type Pod = { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> & { containers: Container[] } };

const userTemplate = {
    metadata: { annotations: { "sidecar.example.com/inject": "true" }, labels: { team: "data" } },
    spec: {
        securityContext: { fsGroup: 9999 },
        volumes: [{ name: "certs", secret: { secretName: "kafka-certs" } }],
        containers: [
            {
                name: "flink-main-container",
                env: [{ name: "KAFKA_TRUSTSTORE", value: "/certs/truststore.jks" }],
                volumeMounts: [{ name: "certs", mountPath: "/certs" }],
            },
            { name: "log-shipper", image: "fluent/fluent-bit:3.0" },
        ],
    },
};
const render = (over: object = {}) => {
    const { spec, failures } = checkSessionSpec({ ...sessionSpec, podTemplate: userTemplate, ...over });
    expect(failures).toEqual([]);
    return renderSession("analytics", home, spec!);
};
const gatewayPod = (r: ReturnType<typeof render>) => (r.sqlGatewayDeployment!.spec as { template: Pod }).template;

describe("SQL Gateway pod and metrics port (pure render; schema-validated; nothing applied)", () => {
    test("the gateway pod gets the pod template's metadata, volumes, security context, sidecars, and the main container's env and mounts", () => {
        const pod = gatewayPod(render());
        expect(pod.metadata.annotations).toEqual({ "sidecar.example.com/inject": "true", "image-cache.example.com/preload": "true" });
        expect(pod.metadata.labels).toMatchObject({ team: "data", app: "analytics-sql-gateway", component: "sql-gateway" });
        expect(pod.spec.volumes).toEqual(userTemplate.spec.volumes);
        expect(pod.spec.securityContext).toEqual({ fsGroup: 9999 });
        expect(pod.spec.nodeSelector).toEqual(sessionSpec.nodeSelector);
        expect(pod.spec.tolerations).toEqual(sessionSpec.tolerations);
        expect(pod.spec.imagePullSecrets).toEqual([{ name: "registry-cred" }]);
        expect(pod.spec.automountServiceAccountToken).toBe(false);
        expect(pod.spec.containers.map((c) => c.name)).toEqual(["sql-gateway", "log-shipper"]);
        const gw = pod.spec.containers[0]!;
        expect(gw.env).toEqual(userTemplate.spec.containers[0]!.env);
        expect(gw.volumeMounts).toEqual([{ name: "certs", mountPath: "/certs" }]);
    });

    test("the gateway gets the cluster's Flink configuration as dynamic properties, without HA and kubernetes.* keys, its own keys last", () => {
        const args = gatewayPod(render()).spec.containers[0]!.args!;
        expect(args).toContain("-Dexecution.checkpointing.interval=30s");
        expect(args).toContain("-Dparallelism.default=2");
        expect(args).toContain("-Dtaskmanager.numberOfTaskSlots=4");
        expect(args.filter((a) => /^-D(high-availability|kubernetes\.)/.test(a))).toEqual([]);
        expect(args.filter((a) => a.startsWith("-Drest.address="))).toEqual(["-Drest.address=analytics-rest"]);
        expect(args.slice(-3)).toEqual(["-Dexecution.target=remote", "-Drest.address=analytics-rest", "-Drest.port=8081"]);
    });

    test("the cluster's libraries reach the gateway (init container, mounts next to the user's)", () => {
        const libs = {
            libraries: [{ fileName: "flink-connector-jdbc-3.2.0-1.19.jar", url: "https://repo.example.com/x.jar", sha1: "a".repeat(40) }],
            image: "curlimages/curl:8.8.0",
            hash: "h",
        };
        const { spec } = checkSessionSpec({ ...sessionSpec, podTemplate: userTemplate });
        const pod = gatewayPod(renderSession("analytics", home, spec!, libs));
        expect((pod.spec.initContainers as { name: string }[]).map((c) => c.name)).toEqual(["fetch-libraries"]);
        expect(pod.spec.containers[0]!.volumeMounts!.map((m) => m.mountPath)).toEqual(["/certs", "/opt/flink/lib/flink-connector-jdbc-3.2.0-1.19.jar"]);
    });

    test("prometheus turns the reporter on and opens the container port the KubernetesAlertRoute PodMonitor scrapes; the gateway does not take it", () => {
        const r = render({ prometheus: {} });
        const fd = r.flinkDeployment.spec as { flinkConfiguration: Record<string, string>; podTemplate: Pod };
        expect(fd.flinkConfiguration["metrics.reporter.prom.port"]).toBe("9249");
        const main = fd.podTemplate.spec.containers.find((c) => c.name === "flink-main-container")!;
        const monitor = renderPodMonitor({ clusters: [{ name: "analytics" }], environment: "prod" } as unknown as AlertSpec, {
            namespace: "streaming",
            name: "alerts",
            labels: {},
            secretName: "s",
        }) as { spec: { podMetricsEndpoints: { port: string }[]; selector: { matchExpressions: { values: string[] }[] } } };
        expect(main.ports).toEqual([{ name: monitor.spec.podMetricsEndpoints[0]!.port, containerPort: 9249, protocol: "TCP" }]);
        expect(monitor.spec.selector.matchExpressions[0]!.values).toEqual([r.inputs.name]);
        expect(main.env).toEqual(userTemplate.spec.containers[0]!.env);
        expect(gatewayPod(r).spec.containers[0]!.ports).toEqual([{ name: "rest", containerPort: 8083 }]);
        expect(render().flinkDeployment.spec).not.toHaveProperty(["flinkConfiguration", "metrics.reporter.prom.port"]);
    });

    test.each(SERVED_OPERATOR_VERSIONS)("with prometheus, a pod template and the gateway, every object is valid for Operator %s", (version) => {
        const { jobManager: _j, taskManager: _t, ...plain } = sessionSpec;
        const { spec } = checkSessionSpec({ ...plain, podTemplate: userTemplate, prometheus: { port: 9300 } });
        const r = renderSession("analytics", { ...home, version: "1.16.3", image: "flink:1.16.3" }, spec!);
        for (const m of [r.flinkDeployment, r.sqlGatewayDeployment!, r.sqlGatewayService!]) expect(validateManifest(m, version)).toEqual([]);
    });

    test("prometheus on the REST port, and reporter keys in configuration beside prometheus, are refused (exact text); without prometheus they are allowed", () => {
        expect(inputMessage(checkSessionSpec({ namespace: "flink", prometheus: { port: 8081 } }).failures)).toBe(
            "kubernetes.prometheus.port = 8081: is the JobManager's REST port; fix: use another port, e.g. 9249",
        );
        expect(inputMessage(checkSessionSpec({ namespace: "flink", prometheus: {}, configuration: { "metrics.reporter.prom.port": "9250" } }).failures)).toBe(
            'kubernetes.configuration["metrics.reporter.prom.port"] = "9250": conflicts with prometheus.port, which sets it; fix: remove it from configuration and set prometheus.port',
        );
        expect(checkSessionSpec({ namespace: "flink", configuration: { "metrics.reporter.prom.port": "9250" } }).failures).toEqual([]);
    });
});
