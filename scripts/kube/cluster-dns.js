#!/usr/bin/env node
// Cluster DNS for the test bed's single-node Kubernetes (scripts/kube-up.sh), in place of CoreDNS:
// building CoreDNS from the Go module proxy took 15 minutes of the cold test command, and the
// pods here need only Service names. Answers, over UDP and TCP:
//   <svc>.<ns>.svc.cluster.local              A  the ClusterIP, or for a headless Service the ready
//                                                 addresses of its EndpointSlices (Flink's native
//                                                 Kubernetes mode gives TaskManagers a headless one)
//   <hostname>.<svc>.<ns>.svc.cluster.local   A  an endpoint that has a hostname
// Any other name under cluster.local is NXDOMAIN; names outside it go to the host's resolver.
// The tables are re-read from the apiserver every second (a test bed, a few dozen Services).
// Usage: cluster-dns.js LISTEN_IP PORT KUBE_URL TOKEN CA_FILE
"use strict";
const dgram = require("dgram");
const net = require("net");
const fs = require("fs");
const https = require("https");

const [ip, port, url, token, caFile] = process.argv.slice(2);
const ca = fs.readFileSync(caFile);
const DOMAIN = "cluster.local";
const upstream = (fs.readFileSync("/etc/resolv.conf", "utf8").match(/^nameserver\s+(\S+)/m) || [])[1];
let names = new Map(); // lower-case name -> IPv4 addresses

function get(path) {
    return new Promise((resolve, reject) => {
        const req = https.get(url + path, { ca, headers: { Authorization: `Bearer ${token}` }, timeout: 5000 }, (res) => {
            let body = "";
            res.on("data", (c) => (body += c));
            res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
        });
        req.on("error", reject);
        req.on("timeout", () => req.destroy(new Error(`${path}: timed out`)));
    });
}

async function refresh() {
    const [services, slices] = await Promise.all([get("/api/v1/services"), get("/apis/discovery.k8s.io/v1/endpointslices")]);
    const next = new Map();
    const add = (name, addr) => next.set(name, [...(next.get(name) || []), addr]);
    for (const s of services.items) {
        const base = `${s.metadata.name}.${s.metadata.namespace}.svc.${DOMAIN}`;
        if (s.spec.clusterIP && s.spec.clusterIP !== "None") add(base, s.spec.clusterIP);
        else next.set(base, next.get(base) || []);
    }
    for (const sl of slices.items) {
        const svc = sl.metadata.labels && sl.metadata.labels["kubernetes.io/service-name"];
        const base = `${svc}.${sl.metadata.namespace}.svc.${DOMAIN}`;
        if (!svc || !next.has(base)) continue;
        const headless = services.items.some((s) => s.metadata.name === svc && s.metadata.namespace === sl.metadata.namespace && s.spec.clusterIP === "None");
        for (const e of sl.endpoints || []) {
            if (e.conditions && e.conditions.ready === false) continue;
            for (const a of e.addresses) {
                if (headless) add(base, a);
                if (e.hostname) add(`${e.hostname}.${base}`, a);
            }
        }
    }
    names = next;
}

// One DNS message in, one out (RFC 1035 §4.1). Returns null to forward the query upstream.
function answer(query) {
    let off = 12;
    const labels = [];
    while (query[off] !== 0) {
        labels.push(query.subarray(off + 1, off + 1 + query[off]).toString("latin1"));
        off += query[off] + 1;
    }
    const qtype = query.readUInt16BE(off + 1);
    const qend = off + 5;
    const name = labels.join(".").toLowerCase();
    const inDomain = name === DOMAIN || name.endsWith("." + DOMAIN);
    if (!inDomain) return null;
    const addrs = names.get(name);
    const records = addrs && qtype === 1 ? addrs : [];
    const head = Buffer.alloc(12);
    query.copy(head, 0, 0, 2); // id
    head.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (addrs ? 0 : 3), 2); // QR AA RD RA rcode
    head.writeUInt16BE(1, 4);
    head.writeUInt16BE(records.length, 6);
    const rrs = records.map((a) => {
        const rr = Buffer.alloc(16);
        rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
        rr.writeUInt16BE(1, 2); // A
        rr.writeUInt16BE(1, 4); // IN
        rr.writeUInt32BE(5, 6); // TTL: short, Services come and go during the tests
        rr.writeUInt16BE(4, 10);
        a.split(".").forEach((o, i) => rr.writeUInt8(Number(o), 12 + i));
        return rr;
    });
    return Buffer.concat([head, query.subarray(12, qend), ...rrs]);
}

function forward(query, reply) {
    if (!upstream) return reply(null);
    const sock = dgram.createSocket(net.isIPv6(upstream) ? "udp6" : "udp4");
    const timer = setTimeout(() => { sock.close(); reply(null); }, 2000);
    sock.on("message", (msg) => { clearTimeout(timer); sock.close(); reply(msg); });
    sock.on("error", () => { clearTimeout(timer); sock.close(); reply(null); });
    sock.send(query, 53, upstream);
}

function handle(query, reply) {
    try {
        const local = answer(query);
        if (local) return reply(local);
        forward(query, (msg) => {
            if (msg) return reply(msg);
            const fail = Buffer.from(query.subarray(0, 12));
            fail.writeUInt16BE(0x8002 | (query.readUInt16BE(2) & 0x0100), 2); // SERVFAIL
            fail.writeUInt16BE(0, 4);
            reply(fail);
        });
    } catch (e) {
        console.error(`bad query: ${e.message}`);
    }
}

const udp = dgram.createSocket("udp4");
udp.on("message", (msg, rinfo) => handle(msg, (out) => udp.send(out, rinfo.port, rinfo.address)));
udp.bind(Number(port), ip);
net.createServer((conn) => {
    let buf = Buffer.alloc(0);
    conn.on("data", (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
            const q = buf.subarray(2, 2 + buf.readUInt16BE(0));
            buf = buf.subarray(2 + q.length);
            handle(q, (out) => {
                const len = Buffer.alloc(2);
                len.writeUInt16BE(out.length);
                conn.write(Buffer.concat([len, out]));
            });
        }
    });
    conn.on("error", () => {});
}).listen(Number(port), ip);

let failing = false;
(async function loop() {
    try {
        await refresh();
        if (failing) console.error(`${new Date().toISOString()} apiserver reachable again`);
        failing = false;
    } catch (e) {
        if (!failing) console.error(`${new Date().toISOString()} refresh failed: ${e.message}`);
        failing = true;
    }
    setTimeout(loop, 1000);
})();
console.error(`cluster DNS on ${ip}:${port} (udp, tcp), upstream ${upstream || "none"}`);
