/**
 * zod schemas of the SQL Gateway REST answers (`/v1`, Flink 1.16–2.x). Strict on the fields the
 * client relies on, `passthrough` for the rest. The fetch-results shape follows the wire, not the
 * published spec (which names it after Java fields): `resultType`, `isQueryResult` (1.17+),
 * `jobID` (1.17+), `resultKind` (1.17+), `results{columns,rowFormat,data}`, `nextResultUri`.
 */
import { z } from "zod";
import { HexId } from "../flink/schemas";

/** GET /v1/info */
export const GatewayInfoSchema = z.object({ productName: z.string(), version: z.string() }).passthrough();
export type GatewayInfo = z.infer<typeof GatewayInfoSchema>;

/** POST /v1/sessions */
export const OpenSessionSchema = z.object({ sessionHandle: z.string().min(1) }).passthrough();

/** POST /v1/sessions/:session/statements */
export const ExecuteStatementSchema = z.object({ operationHandle: z.string().min(1) }).passthrough();

/** Operation status answers (status, cancel, close) and close-session: `{"status": "RUNNING"}`. */
export const StatusSchema = z.object({ status: z.string() }).passthrough();

/** Every operation status the gateway knows (`OperationStatus`). */
export const OPERATION_STATES = ["INITIALIZED", "PENDING", "RUNNING", "FINISHED", "CANCELED", "CLOSED", "ERROR", "TIMEOUT"] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

const ColumnSchema = z
    .object({
        name: z.string(),
        logicalType: z.object({ type: z.string(), nullable: z.boolean().optional() }).passthrough().optional(),
        comment: z.string().nullable().optional(),
    })
    .passthrough();

/** One row in `rowFormat` JSON: its change kind and field values. */
const RowSchema = z.object({ kind: z.string().optional(), fields: z.array(z.unknown()) }).passthrough();

/** GET /v1/sessions/:session/operations/:operation/result/:token */
export const FetchResultsWireSchema = z
    .object({
        resultType: z.enum(["NOT_READY", "PAYLOAD", "EOS"]),
        isQueryResult: z.boolean().optional(),
        jobID: HexId.optional(),
        resultKind: z.string().optional(),
        results: z
            .object({
                columns: z.array(ColumnSchema).optional(),
                rowFormat: z.string().optional(),
                data: z.array(RowSchema).optional(),
            })
            .passthrough()
            .optional(),
        nextResultUri: z.string().optional(),
    })
    .passthrough();
export type FetchResultsWire = z.infer<typeof FetchResultsWireSchema>;
