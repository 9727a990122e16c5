/**
 * A throw-away PostgreSQL server for one test: initdb into a temp folder owned by the `postgres`
 * user (the server refuses to run as root), trust authentication on localhost only, stopped and
 * deleted by `stop()`. Uses the machine's PostgreSQL binaries (initdb, pg_ctl, psql on PATH).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface ScratchPostgres {
    port: number;
    /** JDBC URL of the `postgres` database, as the `postgres` user (trust authentication: no password). */
    jdbcUrl: string;
    /** Run SQL with psql as the `postgres` user; returns psql's unaligned, tuples-only output. */
    sql(statement: string): string;
    stop(): void;
}

const asPostgres = (cmd: string, args: string[]): string => {
    const runAs = process.getuid?.() === 0 ? (["runuser", ["-u", "postgres", "--", cmd, ...args]] as const) : ([cmd, args] as const);
    return execFileSync(runAs[0], runAs[1], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
};

export function startScratchPostgres(port: number): ScratchPostgres {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-pg-"));
    fs.chmodSync(dir, 0o777);
    const data = path.join(dir, "data");
    if (process.getuid?.() === 0) execFileSync("chown", ["postgres", dir]);
    asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
    asPostgres("pg_ctl", ["-D", data, "-l", path.join(dir, "server.log"), "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=localhost`, "start"]);
    return {
        port,
        jdbcUrl: `jdbc:postgresql://localhost:${port}/postgres?user=postgres`,
        sql: (statement) => asPostgres("psql", ["-h", "localhost", "-p", String(port), "-U", "postgres", "-At", "-c", statement]).trim(),
        stop() {
            try {
                asPostgres("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        },
    };
}
