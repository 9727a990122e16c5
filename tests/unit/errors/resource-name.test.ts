/**
 * Progress lines name the resource (issue 16, message 3): the sdk passes each SessionCluster's and
 * FlinkHome's Pulumi name as an input the provider reads (mocked engine; no Flink run).
 */
import * as pulumi from "@pulumi/pulumi";
import { NAME_KEY } from "../../../provider/core/log";
import { NAME_INPUT } from "../../../sdk/provider";

const made: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
pulumi.runtime.setMocks(
    {
        newResource(args) {
            made.push({ type: args.type, name: args.name, inputs: args.inputs });
            return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
    },
    "names",
    "test",
    true,
);
// Loaded after the mocks are set.
const { FlinkHome, SessionCluster } = require("../../../sdk") as typeof import("../../../sdk");

test("the sdk and the provider agree on the input's key", () => {
    expect(NAME_INPUT).toBe(NAME_KEY);
});

test("a home and a local and a remote cluster pass their Pulumi names", async () => {
    const home = new FlinkHome("flink-2", { version: "2.3.0" });
    new SessionCluster("analytics", { target: "local", home, restPort: 18081 });
    new SessionCluster("yarn-prod", { target: "remote", restUrl: "http://yarn-proxy:8088/proxy/application_1/" });
    // Registrations are asynchronous: wait for all three (not a fixed sleep, which a loaded machine outruns).
    for (let waited = 0; made.length < 3 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    const named = Object.fromEntries(made.map((m) => [m.name, m.inputs[NAME_KEY]]));
    expect(named).toEqual({ "flink-2": "flink-2", analytics: "analytics", "yarn-prod": "yarn-prod" });
});
