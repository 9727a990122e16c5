/** Pure pieces of the Kubernetes renderers. (pure; nothing applied) */
import { createHash } from "crypto";
import { crdFlinkVersion } from "../../../provider/core/k8s/operator";
import { jarUri, upgradeMode } from "../../../provider/core/k8s/render/application";
import { htpasswdLine } from "../../../provider/core/k8s/render/ingress";
import { k8sMemory, minimumSlots } from "../../../provider/core/k8s/render/session";
import { parseImage } from "../../../provider/core/k8s/names";

describe("Kubernetes renderer units (pure; nothing applied)", () => {
    test.each([
        ["1.20.3", "v1_20"],
        ["1.16.0", "v1_16"],
        ["1.18", "v1_18"],
        ["2.0.0", "v2_0"],
        ["2.4.1", "v2_4"],
        ["banana", undefined],
    ])("Flink %s maps to CRD flinkVersion %s", (version, expected) => {
        expect(crdFlinkVersion(version)).toBe(expected);
    });

    test.each([
        [{}, "savepoint"],
        [{ mode: "savepoint" as const, restore: "latest-savepoint" as const }, "savepoint"],
        [{ mode: "savepoint" as const, restore: "none" as const }, "savepoint"],
        [{ restore: "latest-state" as const }, "last-state"],
        [{ mode: "stateless" as const }, "stateless"],
        [{ mode: "stateless" as const, restore: "latest-state" as const }, "stateless"],
    ])("upgrade policy %j maps to Operator upgradeMode %s", (policy, expected) => {
        expect(upgradeMode(policy)).toBe(expected);
    });

    test("Maven coordinates become the repository URL of the JAR (with classifier)", () => {
        expect(jarUri({ maven: "com.example.jobs:orders:1.4.2:all" })).toBe(
            "https://repo.maven.apache.org/maven2/com/example/jobs/orders/1.4.2/orders-1.4.2-all.jar",
        );
        expect(jarUri({ maven: "com.example:orders:1.0", mavenRepository: "https://nexus.example.com/repo/" })).toBe(
            "https://nexus.example.com/repo/com/example/orders/1.0/orders-1.0.jar",
        );
    });

    test("taskManager.replicas keeps replicas x slots up in a native session from Flink 1.19 (slotmanager.number-of-slots.min); older lines start TaskManagers only for jobs", () => {
        const home = (version: string, defaultConfig?: Record<string, number>) => ({ image: "flink:x", version, ...(defaultConfig ? { defaultConfig } : {}) });
        const spec = (taskManager: { replicas?: number; slots?: number }) => ({ namespace: "flink", taskManager });
        expect(minimumSlots(home("1.19.3"), spec({ replicas: 2, slots: 3 }))).toEqual({ "slotmanager.number-of-slots.min": 6 });
        expect(minimumSlots(home("2.3.0", { "taskmanager.numberOfTaskSlots": 4 }), spec({ replicas: 1 }))).toEqual({ "slotmanager.number-of-slots.min": 4 });
        expect(minimumSlots(home("1.20.3"), spec({ replicas: 3 }))).toEqual({ "slotmanager.number-of-slots.min": 3 });
        expect(minimumSlots(home("1.18.1"), spec({ replicas: 2, slots: 3 }))).toEqual({});
        expect(minimumSlots(home("1.20.3"), spec({ slots: 3 }))).toEqual({});
    });

    test("the htpasswd line is nginx's salted SHA-1: base64(sha1(password + salt) + salt)", () => {
        const salt = Buffer.from("0123456789abcdef", "hex");
        const line = htpasswdLine("ops", "correct horse", salt);
        const [user, hash] = line.split(":");
        expect(user).toBe("ops");
        const raw = Buffer.from(hash.replace("{SSHA}", ""), "base64");
        expect(raw.subarray(20).equals(salt)).toBe(true);
        expect(raw.subarray(0, 20).equals(createHash("sha1").update("correct horse").update(salt).digest())).toBe(true);
        expect(htpasswdLine("ops", "correct horse")).not.toBe(htpasswdLine("ops", "correct horse")); // fresh salt each time
    });

    test.each([
        ["1024m", "1024Mi"],
        ["2g", "2Gi"],
        ["2Gi", "2Gi"],
        ["512", "512"],
    ])("Flink memory %s is the Kubernetes quantity %s", (flink, k8s) => {
        expect(k8sMemory(flink)).toBe(k8s);
    });

    test.each([
        ["flink:1.20.3-java17", { repository: "flink", tag: "1.20.3-java17" }],
        ["registry.example.com:5000/team/flink:1.20", { repository: "registry.example.com:5000/team/flink", tag: "1.20" }],
        ["registry.example.com:5000/team/flink", { repository: "registry.example.com:5000/team/flink" }],
    ])("image reference %s parses (a registry port is not a tag)", (ref, expected) => {
        expect(parseImage(ref)).toMatchObject(expected);
        if (!("tag" in expected)) expect(parseImage(ref)?.tag).toBeUndefined();
    });
});
