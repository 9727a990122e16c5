import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { join } from "node:path";
import { createFlinkClient, FlinkUnreachableError } from "../../../provider/flink";
import { fixtureText, rejection } from "./helpers";

// A self-signed certificate for localhost/127.0.0.1, made for this test only.
const cert = readFileSync(join(__dirname, "fixtures", "tls-test-only.crt"), "utf8");
const key = readFileSync(join(__dirname, "fixtures", "tls-test-only.key"), "utf8");

describe("https with a private CA (real TLS handshake on 127.0.0.1)", () => {
    let server: Server;
    let baseUrl = "";
    const seenAuth: (string | undefined)[] = [];

    beforeAll(async () => {
        server = createServer({ cert, key }, (req, res) => {
            seenAuth.push(req.headers.authorization);
            res.writeHead(200, { "content-type": "application/json" }).end(fixtureText("overview-2.3.json"));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        baseUrl = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    test("trusting the CA via `ca` works and headers reach the server", async () => {
        const client = createFlinkClient({ baseUrl, ca: cert, headers: { Authorization: "Bearer t0ken-xyz" } });
        try {
            expect((await client.overview())["flink-version"]).toBe("2.3.0");
            expect(seenAuth.at(-1)).toBe("Bearer t0ken-xyz");
        } finally {
            await client.close();
        }
    });

    test("without the CA the self-signed certificate is refused with a TLS hint", async () => {
        const client = createFlinkClient({ baseUrl, retries: 0 });
        const err = await rejection(client.overview());
        expect(err).toBeInstanceOf(FlinkUnreachableError);
        expect((err as FlinkUnreachableError).code).toMatch(/SELF_SIGNED|CERT/);
        expect((err as Error).message).toMatch(/check the server certificate, the trusted CA \(option ca\) or rejectUnauthorized$/);
    });

    test("rejectUnauthorized: false skips verification", async () => {
        const client = createFlinkClient({ baseUrl, rejectUnauthorized: false });
        try {
            expect((await client.overview()).taskmanagers).toBe(1);
        } finally {
            await client.close();
        }
    });
});
