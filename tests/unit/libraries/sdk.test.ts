/**
 * The SDK side of cluster libraries under Pulumi mocks: the repository password as a secret,
 * librariesHash and gatewayLocal known at preview and passed to jobs.
 */
import * as pulumi from "@pulumi/pulumi";
import { FlinkHome } from "../../../sdk/home";
import { SessionCluster } from "../../../sdk/cluster";
import { FlinkJob } from "../../../sdk/job";
import { librariesHash } from "../../../provider/core/libraries/resolve";

const registered = new Map<string, Record<string, unknown>>();
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"; // Pulumi's wire marker of a secret value
const isSecretWire = (v: unknown) => typeof v === "object" && v !== null && (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === SECRET_SIG;
const settled = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => resolve(v)));

beforeAll(async () => {
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            registered.set(args.name, args.inputs as Record<string, unknown>);
            const { __provider: _p, ...state } = args.inputs as Record<string, unknown>;
            return { id: `${args.name}-id`, state: { ...state, homePath: "/opt/flink", flinkVersion: "1.20.3", restUrl: "http://localhost:8081" } };
        },
        call: () => ({}),
    });
});

describe("SessionCluster libraries in the SDK (Pulumi mocks)", () => {
    const libraries = [{ maven: "org.apache.flink:flink-connector-jdbc:3.3.0-1.20" }];
    const mavenRepository = { url: "https://nexus.example.com/maven", username: "ci", password: "plain-text-token" };

    test("a plain-text repository password is sent as a secret; librariesHash and gatewayLocal are known before the cluster exists", async () => {
        const home = new FlinkHome("home", { version: "1.20.3" });
        const cluster = new SessionCluster("dev", { target: "local", home, workDir: "/tmp/x", libraries, mavenRepository });
        await settled(cluster.id);
        const inputs = registered.get("dev")!;
        expect(isSecretWire(inputs.mavenRepository)).toBe(true);
        expect(JSON.stringify(inputs.libraries)).toContain("flink-connector-jdbc");
        expect(await settled(cluster.librariesHash)).toBe(librariesHash(libraries, mavenRepository));
        expect(await settled(cluster.gatewayLocal)).toBe(true);

        new FlinkJob("job", { cluster, sql: "INSERT INTO b SELECT * FROM a" });
        await new Promise((r) => setTimeout(r, 200));
        const ref = registered.get("job")!.cluster as Record<string, unknown>;
        expect(ref).toMatchObject({ gatewayLocal: true, librariesHash: librariesHash(libraries, mavenRepository) });
    });

    test("a remote cluster has no libraries: gatewayLocal false, librariesHash empty", async () => {
        const cluster = new SessionCluster("prod", { target: "remote", restUrl: "http://flink:8081" });
        expect(await settled(cluster.gatewayLocal)).toBe(false);
        expect(await settled(cluster.librariesHash)).toBe("");
    });

    test("a remote cluster whose SQL Gateway runs on this machine: gatewayLocal true (local files, compiled plans)", async () => {
        const here = new SessionCluster("edge", {
            target: "remote",
            restUrl: "http://flink:8081",
            sqlGatewayUrl: "http://localhost:8083",
            sqlGatewayOnThisMachine: true,
        });
        expect(await settled(here.gatewayLocal)).toBe(true);
        const noUrl = new SessionCluster("edge2", { target: "remote", restUrl: "http://flink:8081", sqlGatewayOnThisMachine: true });
        expect(await settled(noUrl.gatewayLocal)).toBe(false);
    });
});
