import { createHash } from "crypto";

/** Stable JSON: object keys sorted, so equal values hash equally. */
export function stableJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "null";
}

export function sha256(text: string | Buffer): string {
    return createHash("sha256").update(text).digest("hex");
}

/** Short content hash of a JSON-able value. */
export function hashOf(value: unknown): string {
    return sha256(stableJson(value)).slice(0, 16);
}
