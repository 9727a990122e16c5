/**
 * The lib folder of one local cluster: `<workDir>/lib` with links to the home's own jars plus
 * the cluster's libraries. Flink's `bin/config.sh` takes `FLINK_LIB_DIR` from the environment,
 * so the JobManager, TaskManagers and SQL Gateway read this folder and the shared home stays
 * untouched (other clusters of the same home see none of these libraries).
 */
import * as fs from "fs";
import * as path from "path";
import type { ResolvedLibrary } from "./resolve";

/** Rebuild `libDir` from the home's lib and `libraries`; returns the file names in it. */
export function prepareLibDir(libDir: string, homePath: string, libraries: readonly ResolvedLibrary[]): string[] {
    fs.rmSync(libDir, { recursive: true, force: true });
    fs.mkdirSync(libDir, { recursive: true });
    const homeLib = path.join(homePath, "lib");
    const names: string[] = [];
    for (const entry of fs.readdirSync(homeLib)) {
        // Symlinks: the home is immutable for its version, and a link costs no disk.
        fs.symlinkSync(path.join(homeLib, entry), path.join(libDir, entry));
        names.push(entry);
    }
    for (const lib of libraries) {
        const dest = path.join(libDir, lib.fileName);
        // A hard link (or a copy across file systems), never a symlink: clearing the download
        // cache must not break a cluster that restarts later.
        try {
            fs.linkSync(lib.file, dest);
        } catch {
            fs.copyFileSync(lib.file, dest);
        }
        names.push(lib.fileName);
    }
    return names;
}
