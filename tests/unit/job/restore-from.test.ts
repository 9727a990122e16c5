/**
 * `restoreFrom` and moves at check and preview: a savepoint that is not there, or belongs to another
 * job, and a move between Flink lines whose savepoints are not known to restore are refused with
 * the one message formula; the preview says where a named savepoint restores from and how old it is.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { classifyJobChange, describeClassification } from "../../../provider/deploy/classify";
import { identityPrefix } from "../../../provider/deploy/identity";
import { checkJobArgs } from "../../../provider/job/schema";
import { jobProvider } from "../../../provider/job";
import { describeRestoreFrom, withRestoreFrom } from "../../../provider/job/restore-from";
import { UNKNOWN } from "../../../provider/core/unknown";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-restore-from-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A savepoint folder as Flink names it: `savepoint-<first 6 hex of the job id>-<12 hex>`, holding `_metadata`. */
function savepoint(jobIdPrefix: string, ageMs = 0): string {
    const folder = path.join(dir, `savepoint-${jobIdPrefix.slice(0, 6)}-0123456789ab`);
    fs.mkdirSync(folder, { recursive: true });
    const metadata = path.join(folder, "_metadata");
    fs.writeFileSync(metadata, "x");
    const at = new Date(Date.now() - ageMs);
    fs.utimesSync(metadata, at, at);
    return folder;
}

const cluster = { restUrl: "http://localhost:8081", flinkVersion: "2.3.0" };
const base = { name: "orders", cluster, jar: { url: "https://example.com/orders.jar" } };
const ours = identityPrefix("orders");
const reasons = (inputs: Record<string, unknown>) => checkJobArgs(inputs).failures.map((f) => f.reason);

describe("restoreFrom at check", () => {
    test("a savepoint of this job (file URI, Flink's file:/path, or path), a remote one, another job's with fromOtherJob, and an unknown path are accepted", () => {
        const own = savepoint(ours);
        for (const savepointPath of [own, `file://${own}`, `file:${own}`, `s3://bucket/savepoints/savepoint-${ours.slice(0, 6)}-0123456789ab`, UNKNOWN])
            expect(reasons({ ...base, restoreFrom: { savepointPath } })).toEqual([]);
        expect(reasons({ ...base, restoreFrom: { savepointPath: savepoint("abcdef"), fromOtherJob: true } })).toEqual([]);
        // A folder not named by Flink (copied by hand): whose it is cannot be told, so it is not refused.
        const copied = path.join(dir, "kept-by-hand");
        fs.mkdirSync(copied);
        fs.writeFileSync(path.join(copied, "_metadata"), "x");
        expect(reasons({ ...base, restoreFrom: { savepointPath: copied } })).toEqual([]);
    });

    test("a local savepoint that does not exist is refused", () => {
        const missing = path.join(dir, "savepoint-000000-gone");
        expect(reasons({ ...base, restoreFrom: { savepointPath: `file://${missing}` } })).toEqual([
            `restoreFrom.savepointPath = "file://${missing}": is not a savepoint: ${missing}/_metadata does not exist on this machine; fix: give the folder of a completed savepoint (it holds a _metadata file), or remove restoreFrom`,
        ]);
    });

    test("a savepoint of another job is refused", () => {
        const other = savepoint("abcdef");
        expect(reasons({ ...base, restoreFrom: { savepointPath: other } })).toEqual([
            `restoreFrom.savepointPath = "${other}": belongs to another job: Flink named the folder after job abcdef…, and the jobs pulumi-flink runs as "orders" have ids starting ${ours.slice(0, 6)}; fix: give a savepoint of this job, or set restoreFrom.fromOtherJob to true to restore another job's state on purpose`,
        ]);
    });

    test("a relative path is refused", () => {
        expect(reasons({ ...base, restoreFrom: { savepointPath: "savepoints/sp-1" } })).toEqual([
            'restoreFrom.savepointPath = "savepoints/sp-1": is a relative path; fix: use an absolute path or a URI such as "file:///var/flink/savepoints" or "s3://bucket/savepoints"',
        ]);
    });
});

describe("a move between clusters at check", () => {
    const check = async (from: string, to: string, more: Record<string, unknown> = {}) =>
        (
            await jobProvider.check!(
                { ...base, cluster: { restUrl: "http://old:8081", flinkVersion: from } },
                { ...base, cluster: { restUrl: "http://new:8081", flinkVersion: to }, ...more },
            )
        ).failures?.map((f) => f.reason);

    test("1.20 to 2.3 is refused: savepoints of 1.x are not guaranteed to restore on 2.x", async () => {
        expect(await check("1.20.3", "2.3.0")).toEqual([
            'cluster.flinkVersion = "2.3.0": moves the job from a Flink 1.20 cluster to a Flink 2.3 one: savepoints of Flink 1.x are not guaranteed to restore on 2.x; fix: move it to a Flink 1.x cluster of version 1.20 or newer; to change lines, delete the job and create it on the new cluster (its state starts empty, or from a restoreFrom savepoint you checked)',
        ]);
    });

    test("2.3 to 2.1 is refused: Flink restores savepoints only forward", async () => {
        expect(await check("2.3.0", "2.1.1")).toEqual([
            'cluster.flinkVersion = "2.1.1": moves the job from a Flink 2.3 cluster to an older Flink 2.1 one: Flink restores savepoints only on the same or a newer version; fix: move it to a Flink 2.x cluster of version 2.3 or newer; to change lines, delete the job and create it on the new cluster (its state starts empty, or from a restoreFrom savepoint you checked)',
        ]);
    });

    test("the same or a newer version of the same line, a stateless job, and an unknown version are accepted", async () => {
        expect(await check("2.2.0", "2.3.0")).toEqual([]);
        expect(await check("2.3.0", "2.3.0")).toEqual([]);
        expect(await check("1.20.3", "2.3.0", { upgrade: { mode: "stateless" } })).toEqual([]);
        const unknownVersion = await jobProvider.check!(
            { ...base, cluster: { restUrl: "http://old:8081", flinkVersion: "1.20.3" } },
            { ...base, cluster: { restUrl: "http://new:8081", flinkVersion: UNKNOWN } },
        );
        expect(unknownVersion.failures).toEqual([]);
    });
});

describe("restoreFrom and moves in the preview", () => {
    test("a local savepoint's age is read from its _metadata; a remote one's age is unknown and says why", () => {
        const sp = savepoint(ours, 5 * 60_000);
        expect(describeRestoreFrom(sp)).toBe(`restores from ${sp}, taken 5 min ago`);
        expect(describeRestoreFrom("s3://bucket/sp/savepoint-abcdef-0123")).toBe(
            "restores from s3://bucket/sp/savepoint-abcdef-0123, taken at an unknown time (cannot read s3 from here)",
        );
    });

    const olds = { ...base, upgrade: { mode: "savepoint" }, state: "RUNNING", jobId: "x", generation: 1, lastSavepoint: "" };

    test("on a running job a changed restoreFrom is not used, and the line says why", () => {
        const news = { ...olds, restoreFrom: { savepointPath: "s3://b/savepoint-abcdef-01", fromOtherJob: false } };
        const c = withRestoreFrom(classifyJobChange(olds, news), olds, news);
        expect(c.action).toBe("none");
        expect(describeClassification("orders", c)).toBe(
            "orders: no Flink action (policy changed: restoreFrom) - restoreFrom not used: it applies only when no instance of the job runs; the job's own newest state wins",
        );
    });

    test("on a job that is not running a changed restoreFrom is where it restarts from", () => {
        const stopped = { ...olds, state: "CANCELED" };
        const news = { ...stopped, restoreFrom: { savepointPath: "s3://b/savepoint-abcdef-01", fromOtherJob: false } };
        const c = withRestoreFrom(classifyJobChange(stopped, news), stopped, news);
        expect(describeClassification("orders", c)).toBe(
            "orders: restart (changed: state, restoreFrom) - the job is CANCELED; it is started again and restores from s3://b/savepoint-abcdef-01, taken at an unknown time (cannot read s3 from here)",
        );
    });

    test("a change of cluster is a move that carries the job's state", () => {
        const news = { ...olds, cluster: { restUrl: "http://new:8081", flinkVersion: "2.3.0" } };
        const c = classifyJobChange(olds, news);
        expect(describeClassification("orders", c)).toBe(
            "orders: move (changed: cluster.restUrl) - moves from http://localhost:8081 to http://new:8081 with its state: stopped with a savepoint on http://localhost:8081, then started on http://new:8081 from it (never two running copies; both clusters must read the savepoint directory)",
        );
        const stateless = { ...news, upgrade: { mode: "stateless" } };
        expect(classifyJobChange(olds, stateless).stateImpact).toBe(
            "DROPS STATE: cancelled on http://localhost:8081, started on http://new:8081 from empty state (upgrade.mode is stateless)",
        );
        // A new name too: another job, replaced as before.
        expect(classifyJobChange(olds, { ...news, name: "orders-2" }).action).toBe("replace");
    });
});
