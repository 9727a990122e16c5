/**
 * Flink's real web UI and REST API under the sub-path FlinkIngress renders, behind a small
 * stand-in for ingress-nginx that applies the rendered Ingress rules (path regex, rewrite-target,
 * the exact-path redirect). (real Flink; stand-in proxy for ingress-nginx; no Kubernetes)
 */
import * as http from "http";
import { AddressInfo } from "net";
import { flinkLines, portBlock } from "../support/testbed";
import { RunningCluster, startCluster } from "../support/cluster";
import { checkIngressSpec } from "../../provider/core/k8s/schema-ingress";
import { renderIngress } from "../../provider/core/k8s/render/ingress";

type Rule = { path: string; pathType: string };
const ruleOf = (m: Record<string, unknown>): Rule => (m.spec as { rules: { http: { paths: Rule[] } }[] }).rules[0].http.paths[0];

/** What ingress-nginx does with the two rendered Ingresses, for one host. */
function standIn(upstream: string, ingress: ReturnType<typeof renderIngress>): http.Server {
    const main = ruleOf(ingress.ingress);
    const slash = ruleOf(ingress.redirect);
    const rewrite = String(ingress.ingress.metadata.annotations?.["nginx.ingress.kubernetes.io/rewrite-target"]);
    const redirectTo = String(ingress.redirect.metadata.annotations?.["nginx.ingress.kubernetes.io/permanent-redirect"]);
    const regex = new RegExp(`^${main.path}`);
    return http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://stand-in");
        if (slash.pathType === "Exact" && url.pathname === slash.path) {
            res.writeHead(308, { location: redirectTo }).end();
            return;
        }
        const m = regex.exec(url.pathname);
        if (!m) {
            res.writeHead(404).end();
            return;
        }
        const target = rewrite.replace(/\$(\d)/g, (_all, i) => m[Number(i)] ?? "") + url.search;
        http.get(`${upstream}${target}`, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
        }).on("error", () => res.writeHead(502).end());
    });
}

async function get(url: string): Promise<{ status: number; body: string; location?: string }> {
    const res = await fetch(url, { redirect: "manual" });
    return { status: res.status, body: await res.text(), location: res.headers.get("location") ?? undefined };
}

describe("FlinkIngress sub-path with Flink's real web UI (real Flink; stand-in proxy for ingress-nginx; no Kubernetes)", () => {
    const line = flinkLines()[0];
    let cluster: RunningCluster;
    let proxy: http.Server;
    let base: string;
    let rendered: ReturnType<typeof renderIngress>;

    beforeAll(async () => {
        cluster = await startCluster(line, portBlock(1500));
        proxy = standIn(cluster.restUrl.replace(/\/$/, ""), (rendered = render()));
        await new Promise<void>((resolve) => proxy.listen(portBlock(1501), "127.0.0.1", resolve));
        base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    }, 180_000);

    afterAll(async () => {
        await new Promise((resolve) => proxy?.close(resolve));
        await cluster?.stop();
    }, 120_000);

    function render() {
        const { spec, failures } = checkIngressSpec({ target: { namespace: "streaming", name: "analytics", restPort: 8081 }, host: "flink.example.com" });
        if (!spec || failures.length) throw new Error(JSON.stringify(failures));
        return renderIngress("ui", spec);
    }

    test(`the web UI page and every asset it references load under /streaming/analytics/ (Flink ${line.version})`, async () => {
        const page = await get(`${base}${rendered.path}`);
        expect(page.status).toBe(200);
        expect(page.body).toContain('<base href="./">');
        const refs = [...page.body.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => m[1]).filter((r) => !/^[a-z]+:/i.test(r) && r !== "./");
        expect(refs.length).toBeGreaterThan(2);
        for (const ref of refs) {
            const asset = await get(new URL(ref, `${base}${rendered.path}`).toString());
            expect({ ref, status: asset.status }).toEqual({ ref, status: 200 });
        }
    });

    test("the REST API answers under the prefix, as the UI calls it (relative to the page)", async () => {
        const config = await get(`${base}${rendered.path}config`);
        expect(config.status).toBe(200);
        expect(JSON.parse(config.body)["flink-version"]).toBe(line.version);
        const overview = await get(`${base}${rendered.path}overview`);
        expect(JSON.parse(overview.body).taskmanagers).toBeGreaterThanOrEqual(1);
    });

    test("the bare prefix redirects to the prefix with a trailing slash (relative URLs need it)", async () => {
        const bare = await get(`${base}/streaming/analytics`);
        expect(bare.status).toBe(308);
        expect(bare.location).toBe("http://flink.example.com/streaming/analytics/");
    });

    test("paths outside the prefix do not reach Flink", async () => {
        expect((await get(`${base}/streaming/other/config`)).status).toBe(404);
        expect((await get(`${base}/streaming/analyticsx/config`)).status).toBe(404);
    });
});
