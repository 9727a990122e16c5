/**
 * A job's labels as Flink job-level information (pure): they are written into the job's
 * `pipeline.global-job-parameters` at submit, which the web UI shows under the job's
 * Configuration tab ("User Configuration") and `GET /jobs/:id/config` returns as
 * `execution-config.user-config`. Flink reads that option as a map `k1:v1,k2:v2`, split on `,`
 * and `:` with `'`/`"` quoting, so labels holding those characters cannot travel and are refused.
 */

/** Flink's option that carries the labels. */
export const JOB_PARAMETERS_KEY = "pipeline.global-job-parameters";

/** The label key that names a job's owner in `pulumi-flink status` and `review`; `team` when there is no `owner`. */
export const OWNER_KEYS = ["owner", "team"] as const;

export const LABEL_KEY = /^[A-Za-z0-9_./-]{1,63}$/;
export const LABEL_VALUE_MAX = 256;

/** Why a label value cannot travel to Flink, with the fix; undefined when it can. */
export function labelValueProblem(value: string): readonly [problem: string, fix: string] | undefined {
    if (value.length > LABEL_VALUE_MAX)
        return [
            `is ${value.length} characters; Flink job parameters here take at most ${LABEL_VALUE_MAX}`,
            "shorten the value (a link or an id, not a document)",
        ];
    if (/[\u0000-\u001f\u007f]/.test(value))
        return ["holds a line break or control character, which Flink's job parameters cannot carry", "write the value on one line"];
    const bad = [...new Set(value.match(/[,:'"]/g) ?? [])];
    if (bad.length)
        return [
            `holds ${bad.map((c) => JSON.stringify(c)).join(" and ")}, which Flink's job parameters (${JOB_PARAMETERS_KEY}, a k:v,k:v map) cannot carry`,
            'leave them out or use another character, e.g. "team-a/payments" instead of "team-a:payments"',
        ];
    return undefined;
}

/** The owner a job's labels name: `owner`, else `team`; undefined when neither is set. */
export function ownerOf(labels: Record<string, string> | undefined): string | undefined {
    for (const key of OWNER_KEYS) if (labels?.[key]) return labels[key];
    return undefined;
}

/**
 * The job configuration with its labels added to `pipeline.global-job-parameters`. A value the
 * user set there is kept: its entries win over labels of the same key (it is explicit job input).
 */
export function withLabelParameters(config: Record<string, string>, labels: Record<string, string> | undefined): Record<string, string> {
    const entries = Object.entries(labels ?? {});
    if (entries.length === 0) return config;
    const own = config[JOB_PARAMETERS_KEY]?.trim() ?? "";
    const ownKeys = new Set(
        own
            .split(",")
            .map((e) =>
                e
                    .split(":")[0]
                    .trim()
                    .replace(/^['"]|['"]$/g, ""),
            )
            .filter(Boolean),
    );
    const added = entries.filter(([k]) => !ownKeys.has(k)).map(([k, v]) => `${k}:${v}`);
    if (added.length === 0) return config;
    return { ...config, [JOB_PARAMETERS_KEY]: [own, ...added].filter(Boolean).join(",") };
}
