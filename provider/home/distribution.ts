import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigDialect } from "../core/version";
import { FlinkConfig } from "../core/flink-config";

/** Flatten nested YAML maps into Flink's dotted keys, as Flink's own loader does. */
export function flattenYaml(value: unknown, prefix = "", out: FlinkConfig = {}): FlinkConfig {
    if (value === null || value === undefined) return out;
    if (typeof value === "object" && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenYaml(v, prefix ? `${prefix}.${k}` : k, out);
    } else if (Array.isArray(value)) {
        out[prefix] = value.map(String).join(";");
    } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        out[prefix] = value;
    }
    return out;
}

/** Parse the legacy `key: value` format of flink-conf.yaml. */
export function parseLegacyConfig(text: string): FlinkConfig {
    const out: FlinkConfig = {};
    for (const raw of text.split("\n")) {
        const line = raw.split("#", 1)[0].trim();
        const at = line.indexOf(": ");
        if (at > 0) out[line.slice(0, at).trim()] = line.slice(at + 2).trim();
    }
    return out;
}

/**
 * The configuration the distribution ships with (conf/). It carries settings a JVM needs to run
 * at all, e.g. `env.java.opts.all` with the `--add-opens` flags for Java 17, so clusters start
 * from it and layer everything else on top.
 */
export function distributionConfig(homePath: string, dialect: ConfigDialect): FlinkConfig {
    const file = path.join(homePath, "conf", dialect);
    if (!fs.existsSync(file)) return {};
    const text = fs.readFileSync(file, "utf8");
    return dialect === "config.yaml" ? flattenYaml(parse(text)) : parseLegacyConfig(text);
}
