"use strict";
/**
 * The external observer: polls GET /jobs/overview every `intervalMs` from the benchmark process
 * (one keep-alive connection: Node's fetch pools it) and keeps what it saw of the jobs of interest.
 * A request that takes longer than the interval delays the next one (no overlap), so the real
 * spacing is max(interval, latency); `record` reports the samples' spacing and its own CPU share. Both methods under comparison (pulumi up and
 * the raw REST script / Flink CLI) are measured by the same observer, at the same rate.
 *
 * Optionally it also tails files (the provider's PULUMI_FLINK_REST_LOG) on every tick, so the
 * provider's REST calls can be placed on the same time line (±1 tick).
 */
const fs = require("fs");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class FileTail {
    constructor(file) {
        this.file = file;
        this.offset = 0;
        this.partial = "";
        this.lines = []; // { t, line }
    }
    poll(t) {
        let size;
        try {
            size = fs.statSync(this.file).size;
        } catch {
            return;
        }
        if (size <= this.offset) return;
        const fd = fs.openSync(this.file, "r");
        try {
            const buf = Buffer.alloc(size - this.offset);
            fs.readSync(fd, buf, 0, buf.length, this.offset);
            this.offset = size;
            const text = this.partial + buf.toString("utf8");
            const parts = text.split("\n");
            this.partial = parts.pop();
            for (const line of parts) if (line) this.lines.push({ t, line });
        } finally {
            fs.closeSync(fd);
        }
    }
}

class Observer {
    constructor(restUrl, intervalMs) {
        this.restUrl = restUrl.replace(/\/$/, "");
        this.intervalMs = intervalMs;
    }

    /**
     * Poll while `fn` runs. `keep(job)` selects the jobs to remember. Returns fn's result and the
     * samples: [{ t, jobs: [{ jid, name, state, running, total }] }] (t = ms since epoch, taken
     * when the answer arrived), plus tails of the given files.
     */
    async record(keep, fn, tailFiles = []) {
        const samples = [];
        // The observer's own cost (it shares the 2 CPUs with Flink and the method measured).
        const cpuBefore = process.cpuUsage();
        const wallBefore = Date.now();
        const tails = tailFiles.map((f) => new FileTail(f));
        let stop = false;
        let errors = 0;
        const loop = (async () => {
            while (!stop) {
                const started = Date.now();
                try {
                    const res = await fetch(`${this.restUrl}/jobs/overview`);
                    const body = await res.json();
                    const t = Date.now();
                    samples.push({
                        t,
                        jobs: body.jobs
                            .filter(keep)
                            .map((j) => ({ jid: j.jid, name: j.name, state: j.state, running: j.tasks?.running, total: j.tasks?.total })),
                    });
                    for (const tail of tails) tail.poll(t);
                } catch {
                    errors++;
                }
                const wait = started + this.intervalMs - Date.now();
                if (wait > 0) await sleep(wait);
            }
        })();
        // Let the first sample land before the measured action starts.
        while (samples.length === 0 && errors < 50) await sleep(5);
        let result;
        try {
            result = await fn();
        } finally {
            // One more interval so a final transition is seen.
            await sleep(this.intervalMs * 2);
            stop = true;
            await loop;
        }
        const now = Date.now();
        for (const tail of tails) tail.poll(now);
        const cpu = process.cpuUsage(cpuBefore);
        const cpuShare = (cpu.user + cpu.system) / 1000 / Math.max(1, now - wallBefore);
        return { result, samples, tails: tails.map((t) => t.lines), errors, cpuShare };
    }
}

/**
 * Watches a counter job's output file (`count-<key>`: the job rewrites it atomically for every
 * record it processes, with the record's `seq=`) every `pollMs` and keeps each change as
 * { t, seq }. This is what the job's users see, which /jobs/overview cannot show: a
 * stop-with-savepoint stops the sources while the tasks still count as RUNNING, and a rescale
 * restarts from a checkpoint and processes again what came after it.
 */
class OutputWatch {
    constructor(file, pollMs) {
        this.file = file;
        this.pollMs = pollMs;
        this.events = [];
        this.stopped = false;
        this.loop = undefined;
    }
    start() {
        let last;
        this.loop = (async () => {
            while (!this.stopped) {
                let text;
                try {
                    text = fs.readFileSync(this.file, "utf8");
                } catch {
                    text = undefined; // not written yet, or between the job's rename and our read
                }
                const seq = text === undefined ? undefined : Number(/(?:^|\s)seq=(\d+)/.exec(text)?.[1]);
                if (seq !== undefined && !Number.isNaN(seq) && text !== last) {
                    last = text;
                    this.events.push({ t: Date.now(), seq });
                }
                await sleep(this.pollMs);
            }
        })();
        return this;
    }
    async stop() {
        this.stopped = true;
        await this.loop;
        return this.events;
    }
}

/**
 * The job's output gaps in watched records [{ t, seq }]:
 * - stallMs: the longest time in which the job wrote no record at all (records it processes
 *   again after a restore count);
 * - progressMs: the longest time in which the highest sequence number written did not rise
 *   (records processed again after a restore from a checkpoint are not progress).
 * Each is measured between the two records around it, so its resolution is the poll interval
 * plus the spacing of records (1 / rate).
 */
function outputGaps(events) {
    let stallMs = 0;
    let progressMs = 0;
    let high = -1;
    let highAt;
    let progressFrom; // when the longest time without progress began
    let replayed = 0; // records written again: at or below a sequence number written before
    for (let i = 0; i < events.length; i++) {
        const e = events[i];
        if (i > 0) stallMs = Math.max(stallMs, e.t - events[i - 1].t);
        if (e.seq > high) {
            if (highAt !== undefined && e.t - highAt > progressMs) {
                progressMs = e.t - highAt;
                progressFrom = highAt;
            }
            high = e.seq;
            highAt = e.t;
        } else replayed++;
    }
    // The records around the longest time without progress, [ms from its start, seq], to look at.
    const around = progressFrom === undefined ? [] : events.filter((e) => e.t >= progressFrom - 100 && e.t <= progressFrom + progressMs + 100);
    return { stallMs, progressMs, records: events.length, replayed, around: around.map((e) => [e.t - progressFrom, e.seq]) };
}

const serving = (j) => j.state === "RUNNING";
const allTasks = (j) => j.state === "RUNNING" && j.total !== undefined && j.running === j.total;

/**
 * Downtime of one redeploy of the job named `name` whose running job was `oldJid`, from samples:
 * down = first sample where no job with that name is RUNNING;
 * up   = first sample where a job with that name not seen in the first sample is RUNNING with all tasks running.
 * Also: when the new job was first seen (any state), and the alternative "down" edge where the
 * old job stopped having all tasks running.
 */
function downtime(samples, name, oldJid) {
    let down, downTasks, newSeen, up, newJid;
    // Jobs already known before the action (the old one, and ended ones of earlier rounds) are not new.
    const before = new Set(samples.length ? samples[0].jobs.map((j) => j.jid) : [oldJid]);
    before.add(oldJid);
    for (const s of samples) {
        const mine = s.jobs.filter((j) => j.name === name);
        if (downTasks === undefined && !mine.some(allTasks)) downTasks = s.t;
        if (down === undefined && !mine.some(serving)) down = s.t;
        const fresh = mine.filter((j) => !before.has(j.jid));
        if (newSeen === undefined && fresh.length) newSeen = s.t;
        const ready = fresh.find(allTasks);
        if (ready && up === undefined) {
            up = s.t;
            newJid = ready.jid;
            break;
        }
    }
    if (up === undefined) return { ok: false, down, newSeen };
    const d = down === undefined ? up : down; // never seen down: the new one ran before the old one ended
    const dt = downTasks === undefined ? up : downTasks;
    return {
        ok: true,
        newJid,
        down: d,
        up,
        newSeen,
        downtimeMs: Math.max(0, up - d),
        downtimeTasksMs: Math.max(0, up - dt),
        /** down edge → new job visible in Flink (client-side: detect savepoint, wait, submit). */
        gapToSubmitMs: newSeen === undefined ? undefined : Math.max(0, newSeen - d),
        /** new job visible → RUNNING with all tasks (Flink: schedule, deploy, restore). */
        startMs: newSeen === undefined ? undefined : up - Math.max(newSeen, d),
    };
}

/**
 * The service gap of a parallelism change, for an in-place rescale (same job id) and a redeploy
 * (new job id) alike: from the first sample in which no job with the name runs all its tasks, to
 * the first later one in which a job with the name runs all tasks at a task count other than
 * `oldTotal` (the new parallelism).
 */
function serviceGap(samples, name, oldTotal) {
    let down;
    for (const s of samples) {
        const mine = s.jobs.filter((j) => j.name === name);
        if (down === undefined) {
            if (!mine.some(allTasks)) down = s.t;
            continue;
        }
        const ready = mine.find((j) => allTasks(j) && j.total !== oldTotal);
        if (ready) return { ok: true, down, up: s.t, gapMs: s.t - down, jid: ready.jid, total: ready.total };
    }
    return { ok: false, down };
}

/** Spacing of the samples (ms between answers): median and 90th percentile. */
function spacing(samples) {
    const d = samples
        .slice(1)
        .map((s, i) => s.t - samples[i].t)
        .sort((a, b) => a - b);
    return d.length ? { median: d[Math.floor(d.length / 2)], p90: d[Math.floor(d.length * 0.9)] } : {};
}

/** The samples reduced to state changes: [{ t, jid, state, running, total }] (compact, for results.json). */
function transitions(samples) {
    const last = new Map();
    const out = [];
    for (const s of samples) {
        for (const j of s.jobs) {
            const key = `${j.state}/${j.running}/${j.total}`;
            if (last.get(j.jid) !== key) {
                last.set(j.jid, key);
                out.push({ t: s.t, jid: j.jid, state: j.state, running: j.running, total: j.total });
            }
        }
    }
    return out;
}

module.exports = { Observer, OutputWatch, outputGaps, downtime, serviceGap, spacing, transitions, allTasks, sleep };
