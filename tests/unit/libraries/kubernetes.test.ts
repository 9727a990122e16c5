/**
 * Cluster libraries on Kubernetes, rendered (no pods run here): the init container in the
 * FlinkDeployment's pod template and in the SQL Gateway pod, the jars mounted into Flink's lib by
 * name, credentials from a Secret only; every object valid against the real schemas.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateManifest } from "../../support/k8s-schemas";
import { checkSessionSpec } from "../../../provider/core/k8s/schema";
import { renderSession, type SessionLibraries } from "../../../provider/core/k8s/render/session";
import { credentialsSecret, fetchScript, withLibraries } from "../../../provider/core/k8s/libraries";
import { checkLibraries } from "../../../provider/core/libraries/schema";
import type { Manifest } from "../../../provider/core/k8s/render/types";
import { home, sessionSpec } from "../k8s/fixtures";

const JAR = {
    fileName: "flink-connector-jdbc-core-4.0.0-2.0.jar",
    url: "https://repo.example.com/maven2/org/apache/flink/flink-connector-jdbc-core/4.0.0-2.0/flink-connector-jdbc-core-4.0.0-2.0.jar",
    sha1: "0123456789abcdef0123456789abcdef01234567",
};
const UDF = { fileName: "my-udfs-1.0.jar", url: "https://downloads.example.com/my-udfs-1.0.jar", sha256: "b".repeat(64) };
const PASSWORD = "n0t-in-the-spec";

const libs: SessionLibraries = {
    libraries: [JAR, UDF],
    image: home.image,
    hash: "abc123",
    credentialsSecret: "analytics-maven-repository",
    secret: credentialsSecret("analytics-maven-repository", "streaming", "ci", PASSWORD),
};
const manifestsOf = (o: object): Manifest[] => Object.values(o).filter((v): v is Manifest => !!v && typeof v === "object" && "apiVersion" in v && "kind" in v);
type Pod = {
    initContainers: { name: string; image: string; command: string[]; env: unknown[]; volumeMounts: unknown[] }[];
    containers: { name: string; volumeMounts: { mountPath: string; subPath: string }[] }[];
    volumes: unknown[];
};

describe("cluster libraries rendered for Kubernetes (schema-validated; no pods run)", () => {
    const { spec, failures } = checkSessionSpec({ ...sessionSpec, sqlGateway: { enabled: true } });
    const out = renderSession("analytics", home, spec!, libs);

    test("every object, the credentials Secret included, is valid", () => {
        expect(failures).toEqual([]);
        const all = manifestsOf(out);
        expect(all.map((m) => m.kind)).toContain("Secret");
        for (const m of all) expect(validateManifest(m)).toEqual([]);
    });

    test("the JobManager/TaskManager pod template and the SQL Gateway pod fetch the jars and mount each into /opt/flink/lib", () => {
        const fdPod = (out.flinkDeployment.spec as { podTemplate: { spec: Pod } }).podTemplate.spec;
        const gwPod = (out.sqlGatewayDeployment!.spec as { template: { spec: Pod } }).template.spec;
        for (const [pod, container] of [
            [fdPod, "flink-main-container"],
            [gwPod, "sql-gateway"],
        ] as const) {
            expect(pod.initContainers.map((c) => c.name)).toEqual(["fetch-libraries"]);
            expect(pod.volumes).toEqual([{ name: "pulumi-flink-libraries", emptyDir: {} }]);
            const mounts = pod.containers.find((c) => c.name === container)!.volumeMounts;
            expect(mounts.map((m) => [m.mountPath, m.subPath])).toEqual([
                [`/opt/flink/lib/${JAR.fileName}`, JAR.fileName],
                [`/opt/flink/lib/${UDF.fileName}`, UDF.fileName],
            ]);
            expect(pod.initContainers[0].env).toEqual([
                { name: "REPO_USERNAME", valueFrom: { secretKeyRef: { name: "analytics-maven-repository", key: "username" } } },
                { name: "REPO_PASSWORD", valueFrom: { secretKeyRef: { name: "analytics-maven-repository", key: "password" } } },
            ]);
        }
        // The password is only in the Secret, never in a pod spec.
        expect(JSON.stringify(out.flinkDeployment)).not.toContain(PASSWORD);
        expect(JSON.stringify(out.sqlGatewayDeployment)).not.toContain(PASSWORD);
        expect(out.inputs.librariesHash).toBe("abc123");
    });

    test("a user's pod template keeps its own init containers, volumes and mounts", () => {
        const user = {
            initContainers: [{ name: "mine", image: "busybox" }],
            volumes: [{ name: "v", emptyDir: {} }],
            containers: [{ name: "flink-main-container", volumeMounts: [{ name: "v", mountPath: "/v" }] }],
        };
        const pod = withLibraries(user, "flink-main-container", libs) as unknown as Pod;
        expect(pod.initContainers.map((c) => c.name)).toEqual(["mine", "fetch-libraries"]);
        expect(pod.volumes).toHaveLength(2);
        expect(pod.containers[0].volumeMounts.map((m) => m.mountPath)).toEqual(["/v", `/opt/flink/lib/${JAR.fileName}`, `/opt/flink/lib/${UDF.fileName}`]);
    });

    test("without libraries nothing is added", () => {
        const plain = renderSession("analytics", home, spec!);
        expect(JSON.stringify(plain)).not.toContain("fetch-libraries");
        expect(plain.librariesSecret).toBeUndefined();
    });

    test("the fetch script verifies each download and fails on a mismatch (run with sh here)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-fetch-"));
        const served = path.join(dir, "served.jar");
        fs.writeFileSync(served, "jar bytes");
        const sha1 = execFileSync("sha1sum", [served], { encoding: "utf8" }).split(" ")[0];
        const script = (digest: string) =>
            fetchScript([{ fileName: "x.jar", url: `file://${served}`, sha1: digest }]).replace("cd /pulumi-flink-libraries", `cd ${dir}`);
        expect(() => execFileSync("sh", ["-c", script(sha1)], { stdio: "pipe" })).not.toThrow();
        expect(fs.readFileSync(path.join(dir, "x.jar"), "utf8")).toBe("jar bytes");
        expect(() => execFileSync("sh", ["-c", script("f".repeat(40))], { stdio: "pipe" })).toThrow();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    test("a path library is refused on Kubernetes: the pods cannot read the deploying machine", () => {
        const f = checkLibraries([{ path: "/opt/jars/x-1.0.jar" }], undefined, [], true);
        expect(f.map((x) => x.property)).toEqual(["libraries[0].path"]);
        expect(f[0].reason).toMatch(/cannot read.*; fix: publish the jar to a Maven repository or an http\(s\) URL/);
    });
});
