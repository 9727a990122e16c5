/**
 * A real Kafka broker for tests: KRaft mode, one process that is broker and controller, from the
 * jars scripts/install-kafka.sh caches. Topics, producing and consumer-group lag go through
 * Kafka's own command-line tools (java -cp), as an operator would use them.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { waitFor } from "./counter";
import { run, Service, startService } from "./service";

export interface RunningKafka {
    /** host:port for bootstrap.servers. */
    bootstrap: string;
    service: Service;
    /** Milliseconds from starting the JVM to "Kafka Server started" in its log. */
    readyMs: number;
    createTopic(name: string, partitions?: number): Promise<void>;
    /** Produce one record per value (serialized as JSON), with an optional key each. */
    produce(topic: string, records: Array<{ key?: string; value: unknown }>): Promise<void>;
    /** Sum over partitions of the topic's end offsets: how many records it holds. */
    endOffset(topic: string): Promise<number>;
    /** Total lag of a consumer group on a topic, or undefined when the group has no committed offsets. */
    groupLag(group: string, topic: string): Promise<number | undefined>;
    stop(): Promise<void>;
}

const JVM = ["-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true"];

function serverProperties(dir: string, port: number): string {
    return (
        [
            "process.roles=broker,controller",
            "node.id=1",
            `controller.quorum.voters=1@127.0.0.1:${port + 1}`,
            `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
            `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
            `log.dirs=${path.join(dir, "data")}`,
            // A single broker: internal topics cannot have more replicas than brokers.
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=false",
        ].join("\n") + "\n"
    );
}

const LOG4J =
    "log4j.rootLogger=INFO, out\nlog4j.appender.out=org.apache.log4j.ConsoleAppender\nlog4j.appender.out.layout=org.apache.log4j.PatternLayout\nlog4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n\n";

/** Start a broker listening on `port` (its controller on port + 1) in a fresh temp dir. */
export async function startKafka(libs: string, port: number): Promise<RunningKafka> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-kafka-"));
    const props = path.join(dir, "server.properties");
    fs.writeFileSync(props, serverProperties(dir, port));
    fs.writeFileSync(path.join(dir, "log4j.properties"), LOG4J);
    const classpath = path.join(libs, "*");
    const java = (main: string, args: string[], input?: string) =>
        run("java", [...JVM, `-Dlog4j.configuration=file:${path.join(dir, "log4j.properties")}`, "-cp", classpath, main, ...args], { input });

    // Cluster ids are 16 random bytes, base64url without padding (what `random-uuid` prints).
    await java("kafka.tools.StorageTool", ["format", "-t", randomBytes(16).toString("base64url"), "-c", props]);
    const started = Date.now();
    const service = startService(
        "kafka",
        "java",
        [...JVM, `-Dlog4j.configuration=file:${path.join(dir, "log4j.properties")}`, "-cp", classpath, "kafka.Kafka", props],
        {
            cwd: dir,
            logFile: path.join(dir, "kafka.log"),
        },
    );
    const bootstrap = `127.0.0.1:${port}`;
    try {
        await waitFor(
            "Kafka broker started",
            () => {
                if (service.exited()) throw new Error(`Kafka exited:\n${service.logTail()}`);
                return fs.readFileSync(service.logFile, "utf8").includes("Kafka Server started") || undefined;
            },
            120_000,
            200,
        );
    } catch (err) {
        await service.stop();
        throw new Error(`${(err as Error).message}\n${service.logTail()}`, { cause: err });
    }
    const readyMs = Date.now() - started;
    const tool = (main: string, args: string[], input?: string) => java(main, ["--bootstrap-server", bootstrap, ...args], input);
    return {
        bootstrap,
        service,
        readyMs,
        async createTopic(name, partitions = 1) {
            await tool("org.apache.kafka.tools.TopicCommand", ["--create", "--topic", name, "--partitions", String(partitions), "--replication-factor", "1"]);
        },
        async produce(topic, records) {
            const keyed = records.some((r) => r.key !== undefined);
            // A tab separates key and value: JSON values never contain a raw tab.
            const lines = records.map((r) => (keyed ? `${r.key ?? ""}\t` : "") + JSON.stringify(r.value)).join("\n") + "\n";
            const keyProps = keyed ? ["--property", "parse.key=true", "--property", "key.separator=\t"] : [];
            // Not --sync: with the console producer's 1 s linger that costs a second per record;
            // closing at the end of input flushes every record, acknowledged by the broker (acks=all).
            await tool("kafka.tools.ConsoleProducer", ["--topic", topic, "--producer-property", "acks=all", ...keyProps], lines);
        },
        async endOffset(topic) {
            const out = await tool("org.apache.kafka.tools.GetOffsetShell", ["--topic", topic, "--time", "-1"]);
            // One "topic:partition:offset" line per partition.
            return out
                .split("\n")
                .filter((l) => l.startsWith(`${topic}:`))
                .reduce((sum, l) => sum + Number(l.split(":")[2]), 0);
        },
        async groupLag(group, topic) {
            const out = await tool("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", ["--describe", "--group", group]).catch(
                (e: Error) => e.message,
            );
            return parseLag(out, topic);
        },
        async stop() {
            await service.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** Sum of the LAG column of `kafka-consumer-groups --describe` for one topic; undefined if none is known. */
export function parseLag(describeOutput: string, topic: string): number | undefined {
    const lines = describeOutput.split("\n").map((l) => l.trim().split(/\s+/));
    const header = lines.find((cols) => cols.includes("LAG") && cols.includes("TOPIC"));
    if (!header) return undefined;
    const [t, lag] = [header.indexOf("TOPIC"), header.indexOf("LAG")];
    const lags = lines.filter((cols) => cols[t] === topic).map((cols) => Number(cols[lag]));
    return lags.length && lags.every(Number.isFinite) ? lags.reduce((a, b) => a + b, 0) : undefined;
}
