#!/usr/bin/env node
"use strict";
/**
 * Summary of a V8 CPU profile (`node --cpu-prof`): self time by function, self time by package
 * file, inclusive time by function (a function on the stack several times counts once), and the
 * time spent under Pulumi's `debuggablePromise` by its caller. See bench/README.md "Preview profile".
 *   node bench/profile-summary.js CPU.*.cpuprofile [rows]
 */
const fs = require("fs");

const profile = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const rows = Number(process.argv[3] || 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
const sampled = new Map(); // node id -> µs
profile.samples.forEach((id, i) => sampled.set(id, (sampled.get(id) || 0) + (profile.timeDeltas[i] || 0)));

const where = (f) => `${f.url.replace(/.*node_modules\//, "")}:${f.lineNumber + 1}`;
const fn = (n) => `${n.callFrame.functionName || "(anonymous)"} ${where(n.callFrame)}`;
const file = (n) => /node_modules\/((@[^/]+\/)?[^/]+\/.*)/.exec(n.callFrame.url)?.[1] || n.callFrame.url || n.callFrame.functionName;
const add = (m, k, t) => m.set(k, (m.get(k) || 0) + t);
const self = new Map();
const files = new Map();
const inclusive = new Map();
const traced = new Map();
let total = 0;
for (const [id, t] of sampled) {
    total += t;
    add(self, fn(byId.get(id)), t);
    add(files, file(byId.get(id)), t);
    const seen = new Set();
    let tracedBy;
    for (let x = id; x !== undefined; x = parent.get(x)) {
        const n = byId.get(x);
        if (!seen.has(fn(n))) (add(inclusive, fn(n), t), seen.add(fn(n)));
        if (tracedBy === undefined && n.callFrame.functionName === "debuggablePromise") tracedBy = fn(byId.get(parent.get(x)));
    }
    if (tracedBy !== undefined) add(traced, tracedBy, t);
}
const show = (title, m) => {
    console.log(`\n## ${title}`);
    for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, rows))
        console.log(`${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)} %  ${k}`);
};
console.log(`sampled ${(total / 1000).toFixed(0)} ms`);
show("self time by function", self);
show("self time by file", files);
show("inclusive time by function", inclusive);
show("under debuggablePromise, by caller", traced);
