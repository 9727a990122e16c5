/**
 * The newcomer's path, for real: `scripts/quickstart.sh` on a copy of this checkout (so the test
 * never touches the developer's own quickstart stack, ports or state), then the upgrade line it
 * prints, pasted into a fresh shell (`env -i`: no PATH additions, no pulumi settings), run at the
 * repository root through the top-level Pulumi.yaml, then `quickstart.sh destroy`.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { javaProcessesOf } from "../support/cluster";
import { portBlock } from "../support/testbed";

jest.setTimeout(20 * 60_000);

const repo = path.resolve(__dirname, "..", "..");

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) {
    const t0 = Date.now();
    const r = spawnSync(cmd, args, { ...opts, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status, out: `${r.stdout}\n${r.stderr}`, stdout: r.stdout, seconds: Math.round((Date.now() - t0) / 1000) };
}

describe("the quickstart and its printed upgrade line, in a fresh shell (real pulumi CLI, real Flink)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-quickstart-"));
    const copy = path.join(dir, "repo");
    const workDir = path.join(dir, "cluster");
    const port = portBlock(2050);
    // Nothing of the developer's pulumi or quickstart settings: the script must bring its own.
    const env: NodeJS.ProcessEnv = {
        HOME: process.env.HOME,
        PATH: process.env.PATH,
        PULUMI_FLINK_CACHE: process.env.PULUMI_FLINK_CACHE,
        PULUMI_FLINK_QUICKSTART_STATE: path.join(dir, "state", "backend"),
    };

    beforeAll(() => {
        // The tracked files of this checkout, with its installed packages.
        const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: repo, encoding: "utf8" })
            .split("\n")
            .filter((f) => f && !f.startsWith("node_modules") && !f.includes("/node_modules/") && fs.existsSync(path.join(repo, f)));
        for (const f of files) {
            fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
            fs.copyFileSync(path.join(repo, f), path.join(copy, f));
        }
        fs.symlinkSync(path.join(repo, "node_modules"), path.join(copy, "node_modules"));
        // Ports and folders of this test, as a user would set them in the stack's settings.
        const settings = {
            restPort: port,
            rpcPort: port + 1,
            sqlGatewayPort: port + 7,
            metricsPort: port + 8,
            workDir,
            counterOut: path.join(dir, "counter"),
            alertDir: path.join(dir, "alerts"),
        };
        fs.writeFileSync(
            path.join(copy, "examples", "local", "Pulumi.local.yaml"),
            `config:\n${Object.entries(settings)
                .map(([k, v]) => `  flink-local:${k}: "${v}"`)
                .join("\n")}\n`,
        );
    });

    afterAll(() => {
        if (fs.existsSync(path.join(copy, "scripts"))) run("bash", ["scripts/quickstart.sh", "destroy"], { cwd: copy, env });
        fs.rmSync(dir, { recursive: true, force: true });
    });

    test("quickstart.sh deploys; its printed line upgrades from a fresh shell at the repository root; destroy leaves nothing running", () => {
        const up = run("bash", ["scripts/quickstart.sh"], { cwd: copy, env });
        expect(up.out).toContain(`Flink web UI: http://localhost:${port}/#/overview`);
        expect(up.code).toBe(0);
        const line = up.stdout
            .split("\n")
            .find((l) => l.trim().startsWith("source "))
            ?.trim();
        expect(line).toBe(
            `source ${path.join(dir, "state", "quickstart.env")} && cd ${copy} && pulumi config set --stack local counterTag v2 && pulumi up --stack local`,
        );
        console.log(`quickstart.sh: ${up.seconds} s`);

        // A fresh shell: only HOME, so PATH is bash's default and no PULUMI_* variable is set.
        const pasted = run("env", ["-i", `HOME=${process.env.HOME}`, "bash", "--noprofile", "--norc", "-c", `${line} --yes --skip-preview --non-interactive`], {
            cwd: os.tmpdir(),
            env: {},
        });
        expect(pasted.out).toContain("counter: savepoint-and-redeploy (changed: args) - keeps state");
        expect(pasted.out).toMatch(/submitting generation 2 as job \w+ from file:/);
        expect(pasted.code).toBe(0);
        console.log(`the printed upgrade line in a fresh shell: ${pasted.seconds} s`);

        const down = run("bash", ["scripts/quickstart.sh", "destroy"], { cwd: copy, env });
        expect(down.code).toBe(0);
        expect(javaProcessesOf(workDir)).toEqual([]);
        console.log(`quickstart.sh destroy: ${down.seconds} s`);
    });
});
