/**
 * The SDK's Kubernetes wiring under Pulumi's mocked engine: which objects are created and their
 * important fields. (mocked engine; no pods run)
 */
import * as pulumi from "@pulumi/pulumi";
import { find, installMocks, manifests, Registered, settle } from "../../support/k8s-mocks";
import { FLINK_RBAC_RULES } from "../../../provider/core/k8s/render/rbac";

const registered: Registered[] = installMocks("test");

const flink = require("../../../sdk") as typeof import("../../../sdk");

type FD = { metadata: { name: string; namespace: string; annotations?: Record<string, string> }; spec: Record<string, any> };

describe("Kubernetes target under the mocked engine (mocked engine; no pods run)", () => {
    let clusterProps: Record<string, unknown>;
    let jobProps: Record<string, unknown>;
    let url: string;

    beforeAll(async () => {
        const home = new flink.FlinkHome("img", {
            image: "registry.example.com/flink:1.20.3-java17",
            version: "1.20.3",
            imagePullSecrets: ["registry-cred"],
            defaultConfig: { "parallelism.default": 2 },
        });
        const cluster = new flink.SessionCluster("analytics", {
            target: "kubernetes",
            home,
            kubernetes: {
                namespace: "streaming",
                createNamespace: true,
                jobManager: { replicas: 2, memory: "2g" },
                taskManager: { slots: 4, cpu: 2, memory: "4g" },
                nodeSelector: { "node-pool": "flink" },
                tolerations: [{ key: "dedicated", operator: "Equal", value: "flink", effect: "NoSchedule" }],
                annotations: { "image-cache.example.com/preload": "true" },
                highAvailability: { storageDir: "s3://bucket/ha" },
                restService: { exposedType: "ClusterIP" },
                sqlGateway: { enabled: true },
            },
        });
        const job = new flink.FlinkJob("orders", {
            jar: { url: "local:///opt/flink/usrlib/orders.jar" },
            upgrade: { restore: "latest-state", savepointDir: "s3://bucket/sp", allowNonRestoredState: true },
            configuration: { "state.checkpoints.dir": "s3://bucket/cp" },
            rollbackOnFailure: true,
            health: { runningTimeoutSeconds: 240 },
            application: {
                home,
                kubernetes: { namespace: "streaming", highAvailability: { storageDir: "s3://bucket/ha" } },
                savepointRedeployNonce: 2,
                autoscaler: { enabled: true },
            },
        });
        const ingress = new flink.FlinkIngress("ui", {
            cluster,
            host: "flink.example.com",
            tls: { secretName: "flink-tls" },
            ingressClassName: "nginx",
            basicAuth: { username: "ops", password: pulumi.secret("s3cret-password") },
        });
        await settle(registered, [ingress.url, cluster.urn, job.urn]);
        url = await new Promise((r) => ingress.url.apply(r));
        const dynamic = registered.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
        clusterProps = dynamic.find((r) => r.name === "analytics")!.inputs;
        jobProps = dynamic.find((r) => r.name === "orders")!.inputs;
    }, 30_000);

    test("service account, Role with only Flink's native-mode rules, and RoleBinding", () => {
        const fd = find<FD>(registered, "FlinkDeployment", "analytics");
        const sa = find(registered, "ServiceAccount", "analytics-flink");
        expect(fd.spec.serviceAccount).toBe(sa.metadata.name);
        const role = find<{ rules: unknown[] }>(registered, "Role", "analytics-flink");
        expect(role.rules).toEqual(FLINK_RBAC_RULES);
        expect(JSON.stringify(role.rules)).not.toMatch(/"\*"|secrets|services/);
        const binding = find<{ roleRef: { name: string }; subjects: { name: string; namespace: string }[] }>(registered, "RoleBinding", "analytics-flink");
        expect(binding.roleRef.name).toBe("analytics-flink");
        expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "analytics-flink", namespace: "streaming" }]);
        expect(find(registered, "Namespace", "streaming")).toBeDefined();
    });

    test("Kubernetes HA keys, slots and REST exposure in flinkConfiguration, home defaults merged", () => {
        const conf = find<FD>(registered, "FlinkDeployment", "analytics").spec.flinkConfiguration;
        expect(conf["high-availability.type"]).toBe("kubernetes");
        expect(conf["high-availability.storageDir"]).toBe("s3://bucket/ha");
        expect(conf["taskmanager.numberOfTaskSlots"]).toBe("4");
        expect(conf["kubernetes.rest-service.exposed.type"]).toBe("ClusterIP");
        expect(conf["parallelism.default"]).toBe("2");
    });

    test("node selector, tolerations, pod annotations and pull secrets in the pod template; flinkVersion v1_20", () => {
        const spec = find<FD>(registered, "FlinkDeployment", "analytics").spec;
        expect(spec.flinkVersion).toBe("v1_20");
        expect(spec.jobManager.replicas).toBe(2);
        expect(spec.podTemplate.spec.nodeSelector).toEqual({ "node-pool": "flink" });
        expect(spec.podTemplate.spec.tolerations[0]).toMatchObject({ key: "dedicated", effect: "NoSchedule" });
        expect(spec.podTemplate.spec.imagePullSecrets).toEqual([{ name: "registry-cred" }]);
        expect(spec.podTemplate.metadata.annotations).toEqual({ "image-cache.example.com/preload": "true" });
    });

    test("readiness is awaited through the pulumi.com/waitFor annotation on the Operator's status", () => {
        const fd = find<FD>(registered, "FlinkDeployment", "analytics");
        expect(fd.metadata.annotations?.["pulumi.com/waitFor"]).toBe("jsonpath={.status.jobManagerDeploymentStatus}=READY");
    });

    test("SQL Gateway Deployment + Service beside the JobManager, submitting to <name>-rest", () => {
        const dep = find<{ spec: any }>(registered, "Deployment", "analytics-sql-gateway");
        const args: string[] = dep.spec.template.spec.containers[0].args;
        expect(args.slice(0, 2)).toEqual(["bin/sql-gateway.sh", "start-foreground"]);
        expect(args).toContain("-Drest.address=analytics-rest");
        expect(args).toContain("-Dsql-gateway.endpoint.rest.address=0.0.0.0");
        expect(find<{ spec: any }>(registered, "Service", "analytics-sql-gateway").spec.ports[0].port).toBe(8083);
        expect(clusterProps.sqlGateway).toEqual({ service: "analytics-sql-gateway", port: 8083 });
    });

    test("the k8sCluster resource gets the contract's inputs", () => {
        expect(clusterProps).toMatchObject({
            target: "kubernetes",
            namespace: "streaming",
            name: "analytics",
            flinkVersion: "1.20.3",
            restService: "analytics-rest",
            restPort: 8081,
            access: { mode: "auto" },
            readyTimeoutSeconds: 600,
        });
        expect(clusterProps.specHash).toMatch(/^[0-9a-f]{16}$/);
    });

    test("ingress: sub-path /{namespace}/{name}/ rewritten to /, TLS, basic auth, trailing-slash redirect, url output", () => {
        const ing = find<{ spec: any }>(registered, "Ingress", "analytics-ui");
        expect(ing.spec.rules[0].http.paths[0]).toMatchObject({
            path: "/streaming/analytics(/|$)(.*)",
            pathType: "ImplementationSpecific",
            backend: { service: { name: "analytics-rest", port: { number: 8081 } } },
        });
        expect(ing.metadata.annotations).toMatchObject({
            "nginx.ingress.kubernetes.io/rewrite-target": "/$2",
            "nginx.ingress.kubernetes.io/use-regex": "true",
            "nginx.ingress.kubernetes.io/auth-type": "basic",
            "nginx.ingress.kubernetes.io/auth-secret": "analytics-ui-basic-auth",
        });
        expect(ing.spec.tls).toEqual([{ hosts: ["flink.example.com"], secretName: "flink-tls" }]);
        expect(ing.spec.ingressClassName).toBe("nginx");
        const slash = find<{ spec: any }>(registered, "Ingress", "analytics-ui-slash");
        expect(slash.spec.rules[0].http.paths[0]).toMatchObject({ path: "/streaming/analytics", pathType: "Exact" });
        expect(slash.metadata.annotations?.["nginx.ingress.kubernetes.io/permanent-redirect"]).toBe("https://flink.example.com/streaming/analytics/");
        expect(url).toBe("https://flink.example.com/streaming/analytics/");
        const secret = find<{ stringData: { auth: string } }>(registered, "Secret", "analytics-ui-basic-auth");
        expect(secret.stringData.auth).toMatch(/^ops:\{SSHA\}[A-Za-z0-9+/=]+$/);
        expect(JSON.stringify(manifests(registered))).not.toContain("s3cret-password");
        // Only the Secret carries the (hashed) password, as a Pulumi secret; the Ingress stays readable in previews.
        expect(registered.find((r) => r.type === "kubernetes:core/v1:Secret")?.hasSecret).toBe(true);
        expect(registered.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress").map((r) => r.hasSecret)).toEqual([false, false]);
    });

    test("application job: upgrade mode mapping (restore latest-state -> last-state), savepoint settings, nonce", () => {
        const job = find<FD>(registered, "FlinkDeployment", "orders").spec.job;
        expect(job).toMatchObject({
            jarURI: "local:///opt/flink/usrlib/orders.jar",
            upgradeMode: "last-state",
            allowNonRestoredState: true,
            savepointRedeployNonce: 2,
            state: "running",
        });
        expect(jobProps).toMatchObject({ namespace: "streaming", name: "orders", upgradeMode: "last-state", readyTimeoutSeconds: 900 });
        expect(find<FD>(registered, "FlinkDeployment", "orders").metadata.annotations?.["pulumi.com/waitFor"]).toBeUndefined();
    });

    test("application job: rollback settings, readiness timeout and autoscaler keys passed through", () => {
        const conf = find<FD>(registered, "FlinkDeployment", "orders").spec.flinkConfiguration;
        expect(conf["kubernetes.operator.deployment.rollback.enabled"]).toBe("true");
        expect(conf["kubernetes.operator.deployment.readiness.timeout"]).toBe("240s");
        expect(conf["job.autoscaler.enabled"]).toBe("true");
        expect(conf["state.savepoints.dir"]).toBe("s3://bucket/sp");
        expect(conf["kubernetes.operator.job.savepoint-on-deletion"]).toBe("true");
    });
});
