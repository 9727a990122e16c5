/**
 * The bounds of `upgrade.keepSavepoints`, shared by session-cluster jobs (provider/deploy/retention
 * disposes through Flink) and application-mode jobs (the Operator's savepoint history count).
 */

/** How many savepoints a job keeps when `upgrade.keepSavepoints` is not set. */
export const DEFAULT_KEEP_SAVEPOINTS = 3;
export const KEEP_SAVEPOINTS_MIN = 1;
export const KEEP_SAVEPOINTS_MAX = 1000;
/** The fix of an out-of-range `upgrade.keepSavepoints`. */
export const KEEP_SAVEPOINTS_FIX =
    `use a count from ${KEEP_SAVEPOINTS_MIN} to ${KEEP_SAVEPOINTS_MAX}; ` +
    `the default is ${DEFAULT_KEEP_SAVEPOINTS} (the one the job restored from is always kept too)`;
