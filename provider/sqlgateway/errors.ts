/**
 * Errors of the Flink SQL Gateway client.
 *
 * The gateway answers every failure with HTTP 500 and
 * `{"errors": ["Internal server error.", "<Exception on server side:\n<Java chain>…"]}`, where the
 * chain wraps the interesting exception in several layers (`SqlGatewayException: Failed to
 * fetchResults.`, `SqlExecutionException: Failed to execute the operation <uuid>.`, …). The
 * functions here reduce that to the line a SQL author needs, e.g.
 * `SQL parse failed. Encountered "FORM" at line 1, column 10.`, and find the position in it.
 */
import { FlinkApiError, type FlinkApiErrorInit, summarizeJavaError } from "../flink/errors";

/** A position in the submitted statement, 1-based as Flink reports it. */
export interface SqlPosition {
    readonly line: number;
    readonly column: number;
}

/** Extra facts of a {@link SqlGatewayError}. */
export interface SqlGatewayErrorDetails {
    /** The statement itself failed (parse, validation, planning, job submission), not the gateway. */
    readonly statementFailed?: boolean;
    /** The session or operation does not exist (any more): the gateway says so with HTTP 500. */
    readonly notFound?: boolean;
    /** Where in the statement Flink located the problem, when it says (`at line N, column M`). */
    readonly sqlPosition?: SqlPosition;
}

/**
 * A failure reported by the SQL Gateway. It is a {@link FlinkApiError} (kind `http`, or `timeout`
 * when a statement did not finish in time), so one `instanceof FlinkApiError` catches both clients.
 */
export class SqlGatewayError extends FlinkApiError {
    readonly statementFailed: boolean;
    readonly notFound: boolean;
    readonly sqlPosition: SqlPosition | undefined;

    constructor(init: FlinkApiErrorInit, details: SqlGatewayErrorDetails = {}, message?: string) {
        super(init, message ?? gatewayMessage(init, details));
        this.name = "SqlGatewayError";
        this.statementFailed = details.statementFailed ?? false;
        this.notFound = details.notFound ?? false;
        this.sqlPosition = details.sqlPosition;
    }
}

/** True when `err` says the session or operation is unknown to the gateway (closed, expired, restarted). */
export function isSqlGatewayNotFound(err: unknown): err is SqlGatewayError {
    return err instanceof SqlGatewayError && err.notFound;
}

function gatewayMessage(init: FlinkApiErrorInit, details: SqlGatewayErrorDetails): string {
    const what = init.flinkMessage ?? (init.status > 0 ? `HTTP ${init.status}` : init.kind);
    if (details.statementFailed) return `SQL statement failed on the Flink SQL Gateway at ${init.baseUrl}: ${what}`;
    return `Flink SQL Gateway ${init.method} ${init.path} on ${init.baseUrl} failed${init.status > 0 ? ` with HTTP ${init.status}` : ""}: ${what}`;
}

/** `at line 3, column 7` (parser) or `From line 3, column 7 to line 3, column 11` (validator). */
const POSITION = /\b(?:at|from) line (\d+), column (\d+)/i;

/** The first statement position named in a message, if any. */
export function parseSqlPosition(message: string | undefined): SqlPosition | undefined {
    const m = message === undefined ? null : POSITION.exec(message);
    return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}

const MAX_MESSAGE = 600;
/** A (possibly `Caused by:`) exception line: `a.b.SomeException` or `a.b.SomeException: message`. */
const EXCEPTION_LINE = /^(?:Caused by:\s*)?((?:[a-z_$][\w$]*\.)+([A-Z][\w$]*))(?::\s?(.*))?$/;
const LEADING_CLASS = /^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*:\s*/;
const NOISE = /^(?:\[?internal server error\.?,?|<exception on server side:|end of exception on server side>\]?)$/i;
/** Layers that only say "something below failed". */
const WRAPPER = new RegExp(
    "^(?:" +
        [
            "",
            "\\[Internal server error\\..*",
            "Failed to fetchResults\\.?",
            "Failed to execute the operation [\\w-]+\\.?",
            "Failed to execute statement\\.?",
            "Failed to configure session\\.?",
            "Failed to execute sql\\.?",
            "Failed to submit (?:JobGraph|ExecutionPlan)\\.?",
            "Could not execute SQL statement\\.?",
            "Could not execute application\\.?",
        ].join("|") +
        ")$",
    "i",
);
/** `'org.apache.flink.table.factories.DynamicTableFactory'` → `'DynamicTableFactory'` (not table paths). */
const QUOTED_CLASS = /'(?:org|com|java|javax|io|net)\.(?:[a-z_$][\w$]*\.)+([A-Z][\w$]*)'/g;
/** Packages whose exception names add nothing to their messages for a SQL author. */
const SELF_EXPLAINING = /^org\.apache\.(?:flink\.table|flink\.sql|calcite)\./;

interface Block {
    className: string;
    shortName: string;
    lines: string[];
}

/** Split Java stack traces into exceptions with their (possibly multi-line) messages; frames dropped. */
function blocksOf(texts: readonly string[]): Block[] {
    const blocks: Block[] = [];
    for (const text of texts) {
        let current: Block | undefined;
        let inFrames = false;
        for (const raw of text.split(/\r?\n/)) {
            const line = raw.trim();
            if (/^at\s/.test(line) && raw.startsWith("\t")) {
                inFrames = true;
                continue;
            }
            if (/^\.\.\. \d+ (?:more|common frames)/.test(line)) continue;
            if (NOISE.test(line)) continue;
            const m = EXCEPTION_LINE.exec(line);
            if (m) {
                current = { className: m[1]!, shortName: m[2]!, lines: [stripLeadingClasses(m[3] ?? "")] };
                blocks.push(current);
                inFrames = false;
                continue;
            }
            if (current && !inFrames) current.lines.push(line);
        }
    }
    return blocks;
}

function stripLeadingClasses(text: string): string {
    let t = text.trim();
    for (let m = LEADING_CLASS.exec(t); m; m = LEADING_CLASS.exec(t)) t = t.slice(m[0].length).trim();
    return t;
}

/**
 * One block's message on one line: lists introduced by a line ending in `:` are joined with
 * commas (`Available factory identifiers are: blackhole, datagen`), `Table options are:` and the
 * options under it are dropped (they may hold credentials), repeated sentences collapse.
 */
function render(block: Block, firstLineOnly = false): string {
    const lines = firstLineOnly ? block.lines.slice(0, 1) : block.lines;
    const parts: string[] = [];
    let list: string[] | undefined;
    let skipping = false;
    const flush = () => {
        if (list && list.length > 0) parts[parts.length - 1] += ` ${list.join(", ")}.`;
        list = undefined;
    };
    for (const raw of lines) {
        const line = raw.trim();
        if (/^Table options are:$/i.test(line)) {
            flush();
            skipping = true;
            continue;
        }
        if (skipping && /^'.*'='.*'$/.test(line)) continue;
        skipping = false;
        if (!line) continue;
        if (list && !/:$/.test(line)) {
            list.push(line.replace(/\s+\.\.\.$/, ""));
            continue;
        }
        flush();
        parts.push(line);
        if (/:$/.test(line)) list = [];
    }
    flush();
    return parts
        .join(" ")
        .replace(/\s+/g, " ")
        .replace(/(\b[A-Z][^.:]*\.)(?:\s+\1)+/g, "$1")
        .replace(QUOTED_CLASS, "'$1'")
        .trim();
}

function clip(text: string): string {
    return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

/**
 * Reduce the gateway's error body to the most useful line: the first exception that is not a
 * wrapper (the statement-level message, e.g. `SQL validation failed. From line 1, column 15 to
 * line 1, column 18: Object 'nope' not found`), plus the root cause when it says more
 * (`Unable to create a sink for writing table 'default_catalog.default_database.k'. Caused by:
 * Could not find any factory for identifier 'kafka' …`). At most 600 characters. Non-gateway
 * bodies fall back to the JobManager client's summary.
 */
export function extractSqlGatewayMessage(body: string): string | undefined {
    const text = body.trim();
    if (!text) return undefined;
    let errors: string[] | undefined;
    try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === "object" && "errors" in parsed && Array.isArray(parsed.errors)) {
            errors = parsed.errors.filter((e): e is string => typeof e === "string");
        }
    } catch {
        // not JSON (a proxy's page): first line of text
    }
    if (!errors)
        return clip(
            text
                .replace(/<[^>]+>/g, "\n")
                .split("\n")
                .map((l) => l.trim())
                .find(Boolean) ?? text.slice(0, 200),
        );
    const meaningful = blocksOf(errors).filter((b) => !WRAPPER.test(render(b)));
    if (meaningful.length === 0) {
        const plain = errors.filter((e) => !NOISE.test(e.trim()));
        return plain.length > 0 ? clip(summarizeJavaError(...plain) ?? plain[0]!.split("\n")[0]!) : undefined;
    }
    const head = meaningful[0]!;
    const root = meaningful[meaningful.length - 1]!;
    const headFull = render(head);
    const rootFirst = render(root, true);
    if (head === root || headFull.includes(rootFirst)) return clip(headFull);
    const headLine = render(head, true);
    const rootFull = render(root);
    const rootText = SELF_EXPLAINING.test(root.className) || rootFull.startsWith(root.shortName) ? rootFull : `${root.shortName}: ${rootFull}`;
    return clip(`${headLine}${/[.!?:;]$/.test(headLine) ? "" : "."} Caused by: ${rootText}`);
}
