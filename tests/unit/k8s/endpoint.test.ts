/** The pure parts of reaching a cluster on Kubernetes: the "auto" access rule and pod choice. */
import type { V1Pod, V1Service } from "@kubernetes/client-node";
import { chooseAccess, isClusterDns, serviceUrl } from "../../../provider/k8s/endpoint";
import { pickPodPort, selectorOf } from "../../../provider/k8s/pods";
import { InputError } from "../../../provider/core/errors";
import { pod, restService } from "../../support/apiserver-standin";

const base = { namespace: "flink", restService: "sessions-rest", restPort: 8081 };
const dns = "http://sessions-rest.flink.svc:8081";
const outside = {};
const inside = { KUBERNETES_SERVICE_HOST: "10.0.0.1" };

describe("chooseAccess", () => {
    it.each([
        [
            "auto, url given, outside",
            { mode: "auto", url: "https://flink.example.com/flink/sessions/" },
            outside,
            { kind: "url", url: "https://flink.example.com/flink/sessions/" },
        ],
        [
            "auto, url given, inside (url still wins)",
            { mode: "auto", url: "https://flink.example.com/x/" },
            inside,
            { kind: "url", url: "https://flink.example.com/x/" },
        ],
        ["auto, no url, inside Kubernetes", { mode: "auto" }, inside, { kind: "service", url: dns }],
        ["auto, no url, outside Kubernetes", { mode: "auto" }, outside, { kind: "port-forward", url: dns }],
        ["no access at all, outside", undefined, outside, { kind: "port-forward", url: dns }],
        ["service, outside (as asked)", { mode: "service" }, outside, { kind: "service", url: dns }],
        ["port-forward, inside (as asked)", { mode: "port-forward" }, inside, { kind: "port-forward", url: dns }],
        ["url", { mode: "url", url: "http://10.1.2.3:30081" }, inside, { kind: "url", url: "http://10.1.2.3:30081" }],
    ] as const)("%s", (_name, access, env, expected) => {
        expect(chooseAccess({ ...base, access: access as never }, env)).toEqual(expected);
    });

    it("url mode without a url is an input error naming access.url and the fix", () => {
        expect(() => chooseAccess({ ...base, access: { mode: "url" } }, outside)).toThrow(InputError);
        expect(() => chooseAccess({ ...base, access: { mode: "url" } }, outside)).toThrow(
            /access\.url = undefined: is required when access\.mode is "url"; fix: set access\.url/,
        );
    });

    it("service URLs are cluster DNS names; ingress URLs are not", () => {
        expect(serviceUrl("a-rest", "ns", 8081)).toBe("http://a-rest.ns.svc:8081");
        expect(isClusterDns("http://a-rest.ns.svc:8081")).toBe(true);
        expect(isClusterDns("http://a-rest.ns.svc.cluster.local:8081/")).toBe(true);
        expect(isClusterDns("https://flink.example.com/ns/a/")).toBe(false);
        expect(isClusterDns("not a url")).toBe(false);
    });
});

describe("pickPodPort", () => {
    const labels = { app: "sessions", component: "jobmanager" };
    const svc = restService("flink", "sessions-rest", 8081, labels) as unknown as V1Service;
    const P = (name: string, o: Parameters<typeof pod>[3] = {}) => pod("flink", name, labels, o) as unknown as V1Pod;

    it("takes the newest running and ready pod", () => {
        const pods = [
            P("jm-old", { startTime: "2026-01-01T00:00:00Z" }),
            P("jm-new", { startTime: "2026-01-02T00:00:00Z" }),
            P("jm-starting", { ready: false, startTime: "2026-01-03T00:00:00Z" }),
        ];
        expect(pickPodPort(svc, pods, 8081, "flink/sessions-rest")).toEqual({ pod: "jm-new", port: 8081 });
    });

    it("skips pods being deleted and pods not running", () => {
        const deleting = P("jm-deleting", { startTime: "2026-01-05T00:00:00Z" });
        (deleting.metadata as { deletionTimestamp?: Date }).deletionTimestamp = new Date();
        expect(pickPodPort(svc, [deleting, P("jm-pending", { phase: "Pending" }), P("jm-ok")], 8081, "x")).toEqual({ pod: "jm-ok", port: 8081 });
    });

    it("resolves a named targetPort on the pod's container ports", () => {
        const named = restService("flink", "sessions-rest", 80, labels, "rest") as unknown as V1Service;
        expect(pickPodPort(named, [P("jm", { containerPort: 8082 })], 80, "x")).toEqual({ pod: "jm", port: 8082 });
    });

    it("no ready pod: a retryable error listing the pods", () => {
        expect(() => pickPodPort(svc, [P("jm", { ready: false })], 8081, "flink/sessions-rest")).toThrow(
            /service flink\/sessions-rest has no running and ready pod \(pods: jm Running \(not ready\)\)/,
        );
        try {
            pickPodPort(svc, [], 8081, "flink/sessions-rest");
        } catch (err) {
            expect((err as { retryable: boolean }).retryable).toBe(true);
            expect(String(err)).toMatch(/no pods match its selector/);
        }
        expect.assertions(3);
    });

    it("unknown service port: lists the service's ports", () => {
        expect(() => pickPodPort(svc, [P("jm")], 9999, "flink/sessions-rest")).toThrow("service flink/sessions-rest has no port 9999 (its ports: 8081)");
    });

    it("a service without selector cannot be forwarded", () => {
        expect(() => selectorOf({ spec: {} } as V1Service, "flink/headless")).toThrow(/has no pod selector/);
        expect(selectorOf(svc, "x")).toBe("app=sessions,component=jobmanager");
    });
});
