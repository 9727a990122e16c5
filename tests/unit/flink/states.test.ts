import {
    endsGateWait,
    GLOBALLY_TERMINAL_STATES,
    isActive,
    isGloballyTerminal,
    isJobState,
    isRunning,
    isRunningOrRecovering,
    JOB_STATES,
} from "../../../provider/flink/states";

describe("job states: one vocabulary", () => {
    // state -> [active, globally terminal, running or recovering, ends the gate's wait]
    const table: Record<(typeof JOB_STATES)[number], [boolean, boolean, boolean, boolean]> = {
        INITIALIZING: [true, false, true, false],
        CREATED: [true, false, true, false],
        RUNNING: [true, false, true, false],
        RESTARTING: [true, false, true, false],
        RECONCILING: [true, false, true, false],
        FAILING: [true, false, false, false],
        CANCELLING: [true, false, false, false],
        // A JobManager failover: not over, the job may come back, so no second copy next to it.
        SUSPENDED: [true, false, false, true],
        FAILED: [false, true, false, true],
        CANCELED: [false, true, false, true],
        FINISHED: [false, true, false, true],
    };

    test.each(Object.entries(table))("%s", (state, [active, terminal, recovering, endsWait]) => {
        expect([isActive(state), isGloballyTerminal(state), isRunningOrRecovering(state), endsGateWait(state)]).toEqual([
            active,
            terminal,
            recovering,
            endsWait,
        ]);
        expect(isJobState(state)).toBe(true);
    });

    test("the table covers every state Flink defines", () => {
        expect(Object.keys(table).sort()).toEqual([...JOB_STATES].sort());
        expect([...GLOBALLY_TERMINAL_STATES].sort()).toEqual(["CANCELED", "FAILED", "FINISHED"]);
    });

    test("states refresh records that are not Flink's are neither active nor terminal", () => {
        for (const s of ["MISSING", "UNKNOWN", "running", ""]) {
            expect([isJobState(s), isActive(s), isGloballyTerminal(s), isRunningOrRecovering(s), isRunning(s)]).toEqual([false, false, false, false, false]);
        }
        expect(isRunning("RUNNING")).toBe(true);
        expect(isRunning("RESTARTING")).toBe(false);
    });
});
