import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MockAgent } from "undici";
import { createFlinkClient, type FlinkClient, type FlinkClientOptions } from "../../../provider/flink";

export const ORIGIN = "http://flink.test:8081";
export const JOB = "460b36b8f271e74d34a952d45b6254fc";
export const JSON_HEADERS = { headers: { "content-type": "application/json; charset=UTF-8" } };

/** A response body captured from a real Flink (see fixtures/). */
export function fixture(name: string): Record<string, unknown> {
    return JSON.parse(readFileSync(join(__dirname, "fixtures", name), "utf8")) as Record<string, unknown>;
}

/** Raw text of a fixture, as Flink sent it. */
export function fixtureText(name: string): string {
    return JSON.stringify(fixture(name));
}

export interface Mocked {
    readonly agent: MockAgent;
    readonly client: FlinkClient;
    readonly calls: string[];
    readonly pool: ReturnType<MockAgent["get"]>;
}

/** A client wired to a MockAgent that refuses real network connections. */
export function mocked(options: Partial<FlinkClientOptions> = {}, origin = ORIGIN): Mocked {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const calls: string[] = [];
    const client = createFlinkClient({
        baseUrl: origin,
        dispatcher: agent,
        retryBaseMs: 1,
        onRequest: (method, path) => calls.push(`${method} ${path}`),
        ...options,
    });
    return { agent, client, calls, pool: agent.get(new URL(origin).origin) };
}

/** Header value from undici mock options, whatever their representation. */
export function headerOf(headers: unknown, name: string): string | undefined {
    if (!headers) return undefined;
    const entries: [string, unknown][] = Array.isArray(headers)
        ? headers.reduce<[string, unknown][]>((acc, v, i, arr) => (i % 2 === 0 ? [...acc, [String(v), arr[i + 1]]] : acc), [])
        : Object.entries(headers as Record<string, unknown>);
    const hit = entries.find(([k]) => k.toLowerCase() === name.toLowerCase());
    return hit === undefined ? undefined : String(hit[1]);
}

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
    try {
        await promise;
    } catch (err) {
        return err;
    }
    throw new Error("expected the call to fail, but it succeeded");
}
