import * as fs from "fs";
import * as path from "path";

/** Files of one local cluster under its working directory (which survives between runs). */
export interface LocalLayout {
    workDir: string;
    confDir: string;
    logDir: string;
    pidDir: string;
    savepointDir: string;
    checkpointDir: string;
    /** The cluster's own lib folder (home jars + libraries); exists only when it has libraries. */
    libDir: string;
    /** What was started last: config hash and home, to adopt or restart correctly after a crash. */
    stateFile: string;
}

export function localLayout(workDir: string): LocalLayout {
    const dir = path.resolve(workDir);
    return {
        workDir: dir,
        confDir: path.join(dir, "conf"),
        logDir: path.join(dir, "log"),
        pidDir: path.join(dir, "run"),
        savepointDir: path.join(dir, "savepoints"),
        checkpointDir: path.join(dir, "checkpoints"),
        libDir: path.join(dir, "lib"),
        stateFile: path.join(dir, "run", "cluster.json"),
    };
}

/** Environment for Flink's own start/stop scripts, pointing them at this cluster's folders. */
export function scriptEnv(layout: LocalLayout, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...base };
    delete env.FLINK_HOME; // bin/config.sh derives it from the script location
    env.FLINK_CONF_DIR = layout.confDir;
    env.FLINK_LOG_DIR = layout.logDir;
    env.FLINK_PID_DIR = layout.pidDir;
    env.FLINK_IDENT_STRING = "pulumi-flink";
    // bin/config.sh keeps a FLINK_LIB_DIR from the environment: the cluster's libraries stay out of the shared home.
    if (fs.existsSync(layout.libDir)) env.FLINK_LIB_DIR = layout.libDir;
    else delete env.FLINK_LIB_DIR;
    return env;
}
