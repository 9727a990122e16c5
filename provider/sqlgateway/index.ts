/**
 * Flink SQL Gateway REST client (`provider/sqlgateway`): sessions, statements, result paging,
 * and errors reduced to the line a SQL author needs, with the position in the statement.
 */
export { createGatewayClient, nextTokenOf, normalizeFetchResult } from "./client";
export type {
    ExecuteStatementRequest,
    FetchResult,
    GatewayClient,
    GatewayClientOptions,
    GatewayColumn,
    OpenSessionRequest,
    RunStatementOptions,
    StatementResult,
} from "./client";
export { extractSqlGatewayMessage, isSqlGatewayNotFound, parseSqlPosition, SqlGatewayError } from "./errors";
export type { SqlGatewayErrorDetails, SqlPosition } from "./errors";
export { OPERATION_STATES } from "./schemas";
export type { GatewayInfo, OperationState } from "./schemas";
