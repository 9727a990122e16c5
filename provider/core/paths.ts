import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The installed package's root (holds package.json and scripts/), from source or from bin/. */
export function packageRoot(): string {
    let dir = __dirname;
    for (;;) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-flink") return dir;
        const parent = path.dirname(dir);
        if (parent === dir) throw new Error(`pulumi-flink: cannot find the package root above ${__dirname}`);
        dir = parent;
    }
}

/** Where downloaded tools are cached: outside any project, keyed by version. */
export function defaultCacheDir(): string {
    return process.env.PULUMI_FLINK_CACHE || path.join(os.homedir(), ".cache", "pulumi-flink");
}

/** Expand a leading "~/" the way a shell would. */
export function expandHome(p: string): string {
    return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}
