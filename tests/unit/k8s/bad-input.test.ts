/**
 * Invalid Kubernetes inputs are rejected by the checks that run at preview, each with the
 * property, the bad value and a fix. One test per invalid input. (check only; nothing applied)
 */
import { checkHomeArgs } from "../../../provider/home/schema";
import { checkSessionSpec } from "../../../provider/core/k8s/schema";
import { checkApplication } from "../../../provider/core/k8s/schema-application";
import { checkIngressSpec } from "../../../provider/core/k8s/schema-ingress";
import type { InputFailure } from "../../../provider/core/errors";

const HOME = { image: "flink:1.20.3-java17", version: "1.20.3" };
const SESSION = { namespace: "flink", highAvailability: { storageDir: "s3://b/ha" } };
const INGRESS = { target: { namespace: "flink", name: "analytics", restPort: 8081 }, host: "flink.example.com" };
const APP = {
    name: "orders",
    kubernetes: { namespace: "flink", highAvailability: { storageDir: "s3://b/ha" } },
    jar: { url: "local:///opt/flink/usrlib/orders.jar" },
    configuration: { "state.checkpoints.dir": "s3://b/cp" },
    upgrade: { savepointDir: "s3://b/sp" },
};

type Row = [what: string, check: () => InputFailure[], property: string, problem: RegExp];
const home =
    (patch: object): (() => InputFailure[]) =>
    () =>
        checkHomeArgs({ ...HOME, ...patch }).failures;
const session =
    (patch: object, resourceName?: string): (() => InputFailure[]) =>
    () =>
        checkSessionSpec({ ...SESSION, ...patch }, "kubernetes.", resourceName).failures;
const ingress =
    (patch: object): (() => InputFailure[]) =>
    () =>
        checkIngressSpec({ ...INGRESS, ...patch }).failures;
const app =
    (patch: object): (() => InputFailure[]) =>
    () =>
        checkApplication({ ...APP, ...patch }).failures;

const rows: Row[] = [
    ["image without a tag", home({ image: "flink" }), "image", /no tag or digest/],
    ["image tagged latest", home({ image: "flink:latest" }), "image", /does not pin a Flink version/],
    ["image home without a declared version", home({ version: undefined }), "version", /must declare the Flink version/],
    ["Flink version pulumi-flink does not support (1.12)", home({ image: "flink:1.12.7", version: "1.12.7" }), "version", /not supported/],
    [
        "Flink version the CRD knows but pulumi-flink does not support (1.15)",
        home({ image: "flink:1.15.4", version: "1.15.4" }),
        "version",
        /not supported by pulumi-flink/,
    ],
    ["image tag and declared version disagree", home({ image: "flink:1.19.1-java11" }), "image", /names Flink 1\.19, but version is 1\.20\.3/],
    ["not an image reference", home({ image: "my flink image:1.20" }), "image", /not a container image reference/],
    ["image and path together", home({ path: "/opt/flink" }), "path", /not both/],
    ["unknown imagePullPolicy", home({ imagePullPolicy: "Sometimes" }), "imagePullPolicy", /Invalid enum value/],
    ["pull secret name not DNS-1123", home({ imagePullSecrets: ["Registry_Cred"] }), "imagePullSecrets[0]", /not a valid Secret name/],
    ["missing namespace", () => checkSessionSpec({}).failures, "kubernetes.namespace", /is required/],
    ["namespace with uppercase and underscore", session({ namespace: "Flink_Prod" }), "kubernetes.namespace", /DNS-1123 label/],
    ["namespace longer than 63 characters", session({ namespace: "n".repeat(64) }), "kubernetes.namespace", /DNS-1123 label/],
    ["FlinkDeployment name starting with a digit", session({ name: "1analytics" }), "kubernetes.name", /DNS-1035/],
    ["FlinkDeployment name over 45 characters", session({ name: "a".repeat(46) }), "kubernetes.name", /at most 45/],
    ["resource name unusable as the default FlinkDeployment name", session({}, "Analytics_Cluster"), "kubernetes.name", /not a valid FlinkDeployment name/],
    ["HA without storage dir", session({ highAvailability: {} }), "kubernetes.highAvailability.storageDir", /is required/],
    [
        "operatorVersion the package does not know",
        session({ operatorVersion: "1.9" }),
        "kubernetes.operatorVersion",
        /not an Operator release line the package knows/,
    ],
    ["HA storage dir that is not a URI", session({ highAvailability: { storageDir: "/tmp/ha" } }), "kubernetes.highAvailability.storageDir", /not a URI/],
    [
        "HA type set through configuration",
        session({ configuration: { "high-availability.type": "kubernetes" } }),
        'kubernetes.configuration["high-availability.type"]',
        /conflicts with highAvailability/,
    ],
    [
        "standby JobManagers without HA",
        session({ highAvailability: undefined, jobManager: { replicas: 2 } }),
        "kubernetes.jobManager.replicas",
        /need Kubernetes high availability/,
    ],
    ["memory that is not a size", session({ taskManager: { memory: "2 gigs" } }), "kubernetes.taskManager.memory", /not a memory size/],
    ["negative CPU", session({ jobManager: { cpu: -1 } }), "kubernetes.jobManager.cpu", /positive number of CPUs/],
    [
        "ephemeral storage that is not a quantity",
        session({ taskManager: { ephemeralStorage: "10 GB" } }),
        "kubernetes.taskManager.ephemeralStorage",
        /not a Kubernetes quantity/,
    ],
    ["zero task slots", session({ taskManager: { slots: 0 } }), "kubernetes.taskManager.slots", /whole number from 1/],
    [
        "REST exposure set twice (typed and configuration)",
        session({ restService: { exposedType: "NodePort" }, configuration: { "kubernetes.rest-service.exposed.type": "LoadBalancer" } }),
        'kubernetes.configuration["kubernetes.rest-service.exposed.type"]',
        /conflicts with restService.exposedType/,
    ],
    ["unknown REST exposure type", session({ restService: { exposedType: "Ingress" } }), "kubernetes.restService.exposedType", /Invalid enum value/],
    ["access mode url without a url", session({ access: { mode: "url" } }), "kubernetes.access.url", /is required with access.mode "url"/],
    [
        "access url with mode port-forward",
        session({ access: { mode: "port-forward", url: "https://flink.example.com/x/" } }),
        "kubernetes.access.mode",
        /conflicts with access.url/,
    ],
    [
        "access mode service with a headless REST service",
        session({ access: { mode: "service" }, restService: { exposedType: "Headless_ClusterIP" } }),
        "kubernetes.restService.exposedType",
        /headless/,
    ],
    [
        "node selector key with a space",
        session({ nodeSelector: { "node pool": "flink" } }),
        'kubernetes.nodeSelector["node pool"]',
        /not a valid node selector key/,
    ],
    [
        "toleration with operator Exists and a value",
        session({ tolerations: [{ key: "k", operator: "Exists", value: "v" }] }),
        "kubernetes.tolerations[0]",
        /not a valid toleration/,
    ],
    [
        "annotation key that is not a qualified name",
        session({ annotations: { "-bad/key": "x" } }),
        'kubernetes.annotations["-bad/key"]',
        /not a valid annotation key/,
    ],
    ["label value with a slash", session({ labels: { team: "data/platform" } }), "kubernetes.labels.team", /not a valid label value/],
    [
        "existing service account without a name",
        session({ serviceAccount: { create: false } }),
        "kubernetes.serviceAccount.name",
        /is required when serviceAccount.create is false/,
    ],
    ["SQL Gateway on the REST port", session({ sqlGateway: { enabled: true, port: 8081 } }), "kubernetes.sqlGateway.port", /JobManager's REST port/],
    ["misspelt property", session({ namspace: "flink" }), "kubernetes", /unknown property "namspace"/],
    ["pod template of another kind", session({ podTemplate: { kind: "Deployment" } }), "kubernetes.podTemplate.kind", /Invalid literal value/],
    ["ingress host with a scheme", ingress({ host: "https://flink.example.com" }), "host", /not a valid ingress host/],
    ["ingress host with uppercase and underscore", ingress({ host: "Flink_UI.example.com" }), "host", /not a valid ingress host/],
    ["ingress host without a domain", ingress({ host: "flink" }), "host", /not a valid ingress host/],
    ["TLS without a secret", ingress({ tls: {} }), "tls.secretName", /is required/],
    ["TLS secret name not DNS-1123", ingress({ tls: { secretName: "Flink TLS" } }), "tls.secretName", /not a valid TLS Secret name/],
    ["path template without the trailing slash", ingress({ path: "/flink/{name}" }), "path", /not a path template/],
    ["path template with an unknown placeholder", ingress({ path: "/{cluster}/" }), "path", /not a path template/],
    [
        "annotation that would break the sub-path rewrite",
        ingress({ annotations: { "nginx.ingress.kubernetes.io/rewrite-target": "/" } }),
        'annotations["nginx.ingress.kubernetes.io/rewrite-target"]',
        /set by FlinkIngress/,
    ],
    [
        "basic-auth user name with a colon",
        ingress({ basicAuth: { username: "ops:admin", password: "long enough" } }),
        "basicAuth.username",
        /not a valid basic-auth user name/,
    ],
    ["application job with SQL", app({ sql: "INSERT INTO t SELECT 1", jar: undefined }), "sql", /application mode runs a JAR/],
    ["application JAR from the deploying machine", app({ jar: { path: "/home/me/job.jar" } }), "jar.path", /pods cannot read/],
    ["application JAR over ftp", app({ jar: { url: "ftp://host/job.jar" } }), "jar.url", /not a JAR URI the Operator can fetch/],
    ["application job without a JAR", app({ jar: undefined }), "jar", /needs a JAR/],
    [
        "application keepSavepoints zero",
        app({ upgrade: { mode: "savepoint", savepointDir: "s3://b/sp", keepSavepoints: 0 } }),
        "upgrade.keepSavepoints",
        /whole number from 1 to 1000/,
    ],
    [
        "application keepSavepoints also set as the Operator key",
        app({ configuration: { "state.checkpoints.dir": "s3://b/cp", "kubernetes.operator.savepoint.history.max.count": 5 } }),
        'configuration["kubernetes.operator.savepoint.history.max.count"]',
        /conflicts with upgrade.keepSavepoints/,
    ],
    [
        "stateless with allowNonRestoredState",
        app({ upgrade: { mode: "stateless", allowNonRestoredState: true } }),
        "upgrade.allowNonRestoredState",
        /no meaning with mode "stateless"/,
    ],
    ["savepoint upgrades without a savepoint dir", app({ upgrade: {} }), "upgrade.savepointDir", /needs a savepoint directory/],
    [
        "last-state restore without HA",
        app({ kubernetes: { namespace: "flink" }, upgrade: { restore: "latest-state", savepointDir: "s3://b/sp" } }),
        "upgrade.restore",
        /needs Kubernetes high availability/,
    ],
    [
        "last-state restore without a checkpoint dir",
        app({ configuration: {}, upgrade: { restore: "latest-state", savepointDir: "s3://b/sp" } }),
        'configuration["state.checkpoints.dir"]',
        /checkpoint directory/,
    ],
    [
        "rollback without HA",
        app({ kubernetes: { namespace: "flink" }, rollbackOnFailure: true }),
        "rollbackOnFailure",
        /only with Kubernetes high availability/,
    ],
    ["onDelete leave-running for an application", app({ onDelete: "leave-running" }), "onDelete", /deleting it stops the job/],
    [
        "rollback switch set through configuration",
        app({ configuration: { "state.checkpoints.dir": "s3://b/cp", "kubernetes.operator.deployment.rollback.enabled": "false" } }),
        'configuration["kubernetes.operator.deployment.rollback.enabled"]',
        /conflicts with rollbackOnFailure/,
    ],
    [
        "autoscaler key in configuration",
        app({ configuration: { "state.checkpoints.dir": "s3://b/cp", "job.autoscaler.enabled": "true" } }),
        'configuration["job.autoscaler.enabled"]',
        /move it to application.autoscaler/,
    ],
    ["negative savepointRedeployNonce", app({ savepointRedeployNonce: -1 }), "savepointRedeployNonce", /0 or more/],
    ["initial savepoint path without a scheme", app({ initialSavepointPath: "savepoints/sp-1" }), "initialSavepointPath", /not a URI/],
    ["job name unusable as the FlinkDeployment name", app({ name: "Orders_Job" }), "application.kubernetes.name", /not a valid FlinkDeployment name/],
    ["application namespace missing", app({ kubernetes: {} }), "application.kubernetes.namespace", /is required/],
];

describe("Kubernetes bad input is rejected at check (check only; nothing applied)", () => {
    test("the valid baselines pass", () => {
        expect(checkHomeArgs(HOME).failures).toEqual([]);
        expect(checkSessionSpec(SESSION).failures).toEqual([]);
        expect(checkIngressSpec(INGRESS).failures).toEqual([]);
        expect(checkApplication(APP).failures).toEqual([]);
    });

    test.each(rows)("%s", (_what, check, property, problem) => {
        const failures = check();
        const hit = failures.find((f) => f.property === property);
        expect({ property: hit?.property, failures: failures.map((f) => f.reason) }).toMatchObject({ property });
        expect(hit?.reason).toMatch(problem);
        expect(hit?.reason).toMatch(/; fix: \S/);
    });

    test("a rejected basic-auth password is not shown in the error", () => {
        const failures = checkIngressSpec({ ...INGRESS, basicAuth: { username: "ops", password: "short" } }).failures;
        expect(failures.map((f) => f.property)).toEqual(["basicAuth.password"]);
        expect(failures[0].reason).not.toContain("short");
        expect(failures[0].reason).toContain("[secret]");
    });
});
