/** Pulumi's placeholder for a value that is not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True if the value, or anything inside it, is not yet known (preview of a new dependency). */
export function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** Where in `value` Pulumi's placeholder sits, as dotted paths ("cluster.connection.restUrl"), so a message can name them. */
export function unknownPaths(value: unknown, at = ""): string[] {
    if (value === UNKNOWN) return [at || "(the whole value)"];
    const entries: [string, unknown][] = Array.isArray(value)
        ? value.map((v, i) => [`${at}[${i}]`, v])
        : value !== null && typeof value === "object"
          ? Object.entries(value).map(([k, v]) => [at ? `${at}.${k}` : k, v])
          : [];
    return entries.flatMap(([p, v]) => unknownPaths(v, p));
}
