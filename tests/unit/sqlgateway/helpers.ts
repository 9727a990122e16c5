import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MockAgent } from "undici";
import { createGatewayClient, type GatewayClient, type GatewayClientOptions } from "../../../provider/sqlgateway";

export const ORIGIN = "http://gateway.test:8083";
export const SESSION = "0d005cab-c08a-4f4c-a7aa-70c06e1ed37c";
export const OP = "81371d91-87dd-4459-a985-46447ed12c25";
export const OP_PATH = `/v1/sessions/${SESSION}/operations/${OP}`;
export const JSON_HEADERS = { headers: { "content-type": "application/json; charset=UTF-8" } };

/** Raw text of a body captured from a real SQL Gateway (see fixtures/). */
export function fixtureText(name: string): string {
    return readFileSync(join(__dirname, "fixtures", name), "utf8");
}

/** A body captured from a real SQL Gateway, parsed. */
export function fixture(name: string): Record<string, unknown> {
    return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

/** A captured fetch-results page re-addressed to this test's session and operation. */
export function page(name: string): Record<string, unknown> {
    const body = fixture(name);
    if (typeof body.nextResultUri === "string") {
        body.nextResultUri = body.nextResultUri.replace(/\/sessions\/[^/]+\/operations\/[^/]+\//, `/sessions/${SESSION}/operations/${OP}/`);
    }
    return body;
}

export interface Mocked {
    readonly agent: MockAgent;
    readonly client: GatewayClient;
    readonly calls: string[];
    readonly pool: ReturnType<MockAgent["get"]>;
}

/** A gateway client wired to a MockAgent that refuses real network connections. */
export function mocked(options: Partial<GatewayClientOptions> = {}): Mocked {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const calls: string[] = [];
    const client = createGatewayClient({
        baseUrl: ORIGIN,
        dispatcher: agent,
        retryBaseMs: 1,
        onRequest: (method, path) => calls.push(`${method} ${path}`),
        ...options,
    });
    return { agent, client, calls, pool: agent.get(ORIGIN) };
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
