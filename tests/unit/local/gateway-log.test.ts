/** The local SQL Gateway's own conf dir and masked logging setup (the masking itself is proven on real Flink in tests/integration/sql-secrets.test.ts). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GATEWAY_LOG_PATTERN, gatewayLog4jProperties } from "../../../provider/local/gateway-log";
import { localLayout } from "../../../provider/local/layout";
import { writeGatewayConf } from "../../../provider/local/start";

/** Read a .properties text the way java.util.Properties does for these simple lines. */
function properties(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of text.split("\n")) {
        const m = /^([^#=\s][^=]*?)\s*=\s*(.*)$/.exec(line);
        if (m) out[m[1]] = m[2].replace(/\\(.)/g, "$1");
    }
    return out;
}

describe("the local SQL Gateway's logging setup", () => {
    test("the main appender writes the masked pattern and no exception outside it", () => {
        const props = properties(gatewayLog4jProperties());
        expect(props["appender.main.layout.pattern"]).toBe(GATEWAY_LOG_PATTERN);
        expect(props["appender.main.layout.alwaysWriteExceptions"]).toBe("false");
        expect(props["rootLogger.appenderRef.file.ref"]).toBe("MainAppender");
        expect(props["appender.main.fileName"]).toBe("${sys:log.file}");
        // Message and stack trace inside all three replacements.
        expect(GATEWAY_LOG_PATTERN).toMatch(/%replace\{%replace\{%replace\{%m%n%xEx\}/);
        // Braces inside an option would end it early in log4j's pattern parser.
        for (const option of GATEWAY_LOG_PATTERN.match(/\}\{[^}]*\}/g) ?? []) expect(option.slice(2, -1)).not.toMatch(/[{}]/);
    });

    test("writeGatewayConf: a dir inside the cluster's conf dir with its configuration and the masked setup", () => {
        const layout = localLayout(fs.mkdtempSync(path.join(os.tmpdir(), "pf-gwlog-")));
        fs.mkdirSync(layout.confDir, { recursive: true });
        fs.writeFileSync(path.join(layout.confDir, "config.yaml"), "rest.port: 1\n");
        fs.writeFileSync(path.join(layout.confDir, "log4j.properties"), "# the JobManager's, unmasked\n");
        const dir = writeGatewayConf(layout);
        expect(dir.startsWith(layout.confDir + path.sep)).toBe(true); // processes are recognised by the conf dir
        expect(fs.readFileSync(path.join(dir, "config.yaml"), "utf8")).toBe("rest.port: 1\n");
        expect(fs.readFileSync(path.join(dir, "log4j.properties"), "utf8")).toBe(gatewayLog4jProperties());
        expect(fs.readFileSync(path.join(layout.confDir, "log4j.properties"), "utf8")).toBe("# the JobManager's, unmasked\n");
        // A later start with the older file name replaces the copy.
        fs.rmSync(path.join(layout.confDir, "config.yaml"));
        fs.writeFileSync(path.join(layout.confDir, "flink-conf.yaml"), "rest.port: 2\n");
        writeGatewayConf(layout);
        expect(fs.readdirSync(dir).sort()).toEqual(["flink-conf.yaml", "log4j.properties"]);
        fs.rmSync(layout.workDir, { recursive: true, force: true });
    });
});
