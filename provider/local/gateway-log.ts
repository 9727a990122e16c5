/**
 * The logging setup of a local cluster's SQL Gateway (pure text). The gateway logs failed
 * statements with their exception, and Flink quotes the statement's text there: the parser the
 * token it stopped at (`Encountered "\'s3cr\'\'et\'"`) or the text before a lexical error
 * (`after : "..."`), the client a job named after its statement (`Submitting job 'SELECT ...'`).
 * A password inside a SQL string literal would so end up in the gateway's log file.
 *
 * This file is Flink's default log4j2 setup (same file, size-based rolling, levels) with every
 * log event, message and stack trace together, passed through three regex replacements:
 * 1. a quoted token after `Encountered `, `Encountered: ` or `after : ` becomes `"***"`;
 * 2. in an event with an odd number of single quotes (a cut literal, an apostrophe),
 *    everything from the first one to the end becomes `'***`;
 * 3. everything from the first to the last single quote of the event becomes `'***'`.
 * Pairing quotes as SQL does (`'...'` with `''`) is not enough: messages put quotes around text
 * that holds literals (`job 'SELECT 'a''b'' (id)`) or around a raw value (`value 'it's' for`),
 * and the pairs shift. The price: quoted names (`identifier 'kafka'`) and anything between two
 * quoted parts of one event, stack frames between two quoted `Caused by:` lines included, are
 * masked. The error itself reaches the CLI, redacted piece by piece (provider/core/redact.ts).
 * Flink 1.20 ships log4j 2.24 and Flink 2.x log4j 2.25: `%replace{pattern}{regex}{substitution}`
 * (a Java regex; `$1` in the substitution) is in both.
 */

/** A quoted parser token (JavaCC escapes `"` and `\` with a backslash). */
const TOKEN = String.raw`(?<=Encountered |Encountered: |after : )"(?:[^"\\]|\\.)*"`;
/** From the first single quote to the end, where an even number of quotes follows that one. */
const ODD = String.raw`(?s)^([^']*)'(?=[^']*(?:'[^']*'[^']*)*$).*?(\n?)$`;
/** From the first to the last single quote, across lines. */
const QUOTED = String.raw`(?s)'.*'`;

/** `.properties` files read `\` as an escape: double it. */
const prop = (text: string) => text.replace(/\\/g, "\\\\");

/** Message and stack trace, masked; exceptions are written by this pattern only. */
export const GATEWAY_LOG_PATTERN =
    "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - " + `%replace{%replace{%replace{%m%n%xEx}{${TOKEN}}{"***"}}{${ODD}}{$1'***$2}}{${QUOTED}}{'***'}`;

/** The log4j2 properties file the local SQL Gateway runs with. */
export function gatewayLog4jProperties(): string {
    return [
        "# Written by pulumi-flink for the local SQL Gateway: Flink's default setup, with SQL string",
        "# literals and parser tokens masked in every line (they may hold secrets).",
        "monitorInterval=30",
        "rootLogger.level = ${env:ROOT_LOG_LEVEL:-INFO}",
        "rootLogger.appenderRef.file.ref = MainAppender",
        ...[
            "pekko:org.apache.pekko",
            "kafka:org.apache.kafka",
            "hadoop:org.apache.hadoop",
            "zookeeper:org.apache.zookeeper",
            "shaded_zookeeper:org.apache.flink.shaded.zookeeper3",
        ].flatMap((l) => {
            const [id, name] = l.split(":");
            return [`logger.${id}.name = ${name}`, `logger.${id}.level = INFO`];
        }),
        "appender.main.name = MainAppender",
        "appender.main.type = RollingFile",
        "appender.main.append = true",
        "appender.main.fileName = ${sys:log.file}",
        "appender.main.filePattern = ${sys:log.file}.%i",
        "appender.main.layout.type = PatternLayout",
        "appender.main.layout.alwaysWriteExceptions = false",
        `appender.main.layout.pattern = ${prop(GATEWAY_LOG_PATTERN)}`,
        "appender.main.policies.type = Policies",
        "appender.main.policies.size.type = SizeBasedTriggeringPolicy",
        "appender.main.policies.size.size = 100MB",
        "appender.main.policies.startup.type = OnStartupTriggeringPolicy",
        "appender.main.strategy.type = DefaultRolloverStrategy",
        "appender.main.strategy.max = ${env:MAX_LOG_FILE_NUMBER:-10}",
        "logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline",
        "logger.netty.level = OFF",
        "",
    ].join("\n");
}
