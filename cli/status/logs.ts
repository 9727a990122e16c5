/**
 * Where a job's logs are (pure): the web UI pages of its cluster's JobManager and TaskManagers
 * (Flink 1.x and 2.x use the same routes) and, for a local cluster, its log files on this machine.
 */

export interface LogLinks {
    /** The web UI page of the JobManager's logs. */
    jobManager: string;
    /** The web UI log page of each TaskManager the cluster has now. */
    taskManagers: string[];
    /** A local cluster's log files (JobManager, TaskManagers, SQL Gateway), when its folder is on this machine. */
    files: string[];
}

/** The web UI root: the cluster's webUiUrl without its route, else its REST URL (they share a port). */
export function webRoot(webUiUrl: string | undefined, restUrl: string): string {
    return (webUiUrl || restUrl).replace(/#.*$/, "").replace(/\/$/, "");
}

export function logLinks(root: string, taskManagerIds: readonly string[], files: readonly string[]): LogLinks {
    return {
        jobManager: `${root}/#/job-manager/logs`,
        taskManagers: taskManagerIds.map((id) => `${root}/#/task-manager/${encodeURIComponent(id)}/logs`),
        files: [...files].sort(),
    };
}
