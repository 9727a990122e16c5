import * as fs from "fs";
import * as path from "path";

/** Why a directory is not a usable FLINK_HOME, or its version. */
export type Detection = { ok: true; version: string } | { ok: false; problem: string };

/**
 * Read the version from the distribution itself (lib/flink-dist-<version>.jar), never from input:
 * a home that claims 1.20 but ships 2.x would otherwise be driven with the wrong API dialect.
 */
export function detectFlinkHome(dir: string): Detection {
    if (!fs.existsSync(dir)) return { ok: false, problem: "does not exist" };
    if (!fs.statSync(dir).isDirectory()) return { ok: false, problem: "is not a directory" };
    const lib = path.join(dir, "lib");
    if (!fs.existsSync(lib)) return { ok: false, problem: "has no lib/ folder, so it is not a Flink distribution" };
    const dist = fs.readdirSync(lib).find((f) => /^flink-dist.*\.jar$/.test(f));
    if (!dist) return { ok: false, problem: "has no lib/flink-dist-*.jar, so it is not a Flink distribution" };
    const m = /^flink-dist(?:_[\d.]+)?-(.+)\.jar$/.exec(dist);
    if (!m) return { ok: false, problem: `has ${dist}, whose name carries no version` };
    for (const script of ["bin/jobmanager.sh", "bin/taskmanager.sh", "bin/config.sh"]) {
        if (!fs.existsSync(path.join(dir, script))) return { ok: false, problem: `has no ${script}` };
    }
    return { ok: true, version: m[1] };
}

/** Whether a home can run the SQL Gateway, and if not, why (one line). */
export type SqlGatewayDetection = { ok: true } | { ok: false; reason: string };

/**
 * bin/sql-gateway.sh needs opt/flink-sql-gateway-*.jar. scripts/install-flink.sh writes the
 * reason it is missing (e.g. Maven Central has no flink-sql-gateway of 1.19.3) to .no-sql-gateway.
 */
export function detectSqlGateway(dir: string): SqlGatewayDetection {
    const opt = path.join(dir, "opt");
    if (fs.existsSync(opt) && fs.readdirSync(opt).some((f) => /^flink-sql-gateway.*\.jar$/.test(f))) return { ok: true };
    const marker = path.join(dir, ".no-sql-gateway");
    const why = fs.existsSync(marker) ? fs.readFileSync(marker, "utf8").trim().split("\n")[0] : "";
    return { ok: false, reason: why || `${dir} has no opt/flink-sql-gateway-*.jar` };
}
