/**
 * The logging setup of a local cluster's SQL Gateway (pure text). The gateway logs every failed
 * statement with its exception, and Flink's SQL parser quotes the statement's text in it: the
 * token it stopped at (`Encountered "\'s3cr\'\'et\'"`), the text before a lexical error
 * (`after : "..."`), and whole literals in messages such as `Invalid value 'x' for option`.
 * A password inside a SQL string literal would so end up in the gateway's log file.
 *
 * This file is Flink's default log4j2 setup (same file, size-based rolling, levels) with every
 * logged line, message and stack trace, passed through two regex replacements:
 * - a quoted token after `Encountered `, `Encountered: ` or `after : ` becomes `"***"`;
 * - every SQL string literal `'...'` (with `''` inside) becomes `'***'`.
 * Identifiers Flink quotes in single quotes (`identifier 'kafka'`) are masked too: that is the
 * price of never writing a literal to the log. Flink 1.20 ships log4j 2.24 and Flink 2.x log4j
 * 2.25: `%replace{pattern}{regex}{substitution}` (Java regex, `$` groups) is in both.
 */

/** A quoted parser token (JavaCC escapes `"` and `\` with a backslash). */
const TOKEN = String.raw`(?<=Encountered |Encountered: |after : )"(?:[^"\\]|\\.)*"`;
/** A SQL string literal; `''` inside is an escaped quote. */
const LITERAL = String.raw`'(?:[^']|'')*'`;

/** `.properties` files read `\` as an escape: double it. */
const prop = (text: string) => text.replace(/\\/g, "\\\\");

/** Message and stack trace, masked; exceptions are written by this pattern only. */
export const GATEWAY_LOG_PATTERN = `%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %replace{%replace{%m%n%xEx}{${TOKEN}}{"***"}}{${LITERAL}}{'***'}`;

/** The log4j2 properties file the local SQL Gateway runs with. */
export function gatewayLog4jProperties(): string {
    return [
        "# Written by pulumi-flink for the local SQL Gateway: Flink's default setup, with SQL string",
        "# literals and parser tokens masked in every line (they may hold secrets).",
        "monitorInterval=30",
        "rootLogger.level = ${env:ROOT_LOG_LEVEL:-INFO}",
        "rootLogger.appenderRef.file.ref = MainAppender",
        ...["pekko:org.apache.pekko", "kafka:org.apache.kafka", "hadoop:org.apache.hadoop", "zookeeper:org.apache.zookeeper", "shaded_zookeeper:org.apache.flink.shaded.zookeeper3"].flatMap((l) => {
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
