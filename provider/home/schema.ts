import { z } from "zod";
import { InputFailure, invalid } from "../core/errors";
import { containsUnknown } from "../core/unknown";
import { withoutPulumiKeys, zodFailures } from "../core/zod";
import { configDialect, isSupported, tryParseFlinkVersion } from "../core/version";
import { FlinkConfig, validateConfig } from "../core/flink-config";
import { detectFlinkHome } from "./detect";
import { checkImageHome } from "./image";
import { checkDistribution } from "./distribution-url";

export const homeArgsSchema = z
    .object({
        path: z.string().min(1).optional(),
        version: z.string().min(1).optional(),
        defaultConfig: z.record(z.unknown()).optional(), // values checked by validateConfig, with better messages
        cacheDir: z.string().min(1).optional(),
        image: z.string().min(1).optional(),
        imagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).optional(),
        imagePullSecrets: z.array(z.string()).optional(),
        distributionUrl: z.string().min(1).optional(),
        distributionSha512: z.string().min(1).optional(),
    })
    .strict();

export type HomeArgs = Omit<z.infer<typeof homeArgsSchema>, "defaultConfig"> & { defaultConfig?: FlinkConfig };

/** Validate FlinkHome inputs. Pure apart from looking at the given directory. */
export function checkHomeArgs(news: Record<string, unknown>): { args?: HomeArgs; failures: InputFailure[] } {
    const inputs = withoutPulumiKeys(news);
    const parsed = homeArgsSchema.safeParse(inputs);
    if (!parsed.success) return { failures: zodFailures(parsed.error, inputs) };
    const args = parsed.data as HomeArgs; // config values are checked below
    const failures: InputFailure[] = checkDistribution(args);
    if (args.distributionUrl !== undefined || args.distributionSha512 !== undefined) {
        failures.push(...checkVersion(args.version));
        failures.push(...validateConfig("defaultConfig", args.defaultConfig, dialectOf(args.version)));
        return { args, failures };
    }
    if (args.image !== undefined || args.imagePullPolicy !== undefined || args.imagePullSecrets !== undefined) {
        failures.push(...checkImageHome(args));
        return { args, failures };
    }
    if (args.path === undefined && args.version === undefined) {
        failures.push(
            invalid(
                "path",
                undefined,
                "a FlinkHome needs a distribution",
                'set path to an existing FLINK_HOME, version (e.g. "1.20.3") to have it downloaded, or distributionUrl (an official binary release)',
            ),
        );
        return { failures };
    }
    let version = args.version;
    failures.push(...checkVersion(version));
    if (args.path !== undefined && !containsUnknown(args.path)) {
        const found = detectFlinkHome(args.path);
        if (!found.ok) {
            failures.push(invalid("path", args.path, found.problem, "point path at an unpacked Flink distribution (the folder holding bin/ and lib/)"));
        } else {
            const v = tryParseFlinkVersion(found.version);
            if (!v || !isSupported(v)) {
                failures.push(invalid("path", args.path, `holds Flink ${found.version}, which is not supported`, "use Flink 1.16 to 2.x"));
            } else if (version !== undefined && !containsUnknown(version) && version !== found.version) {
                failures.push(
                    invalid(
                        "version",
                        version,
                        `does not match the distribution at path, which is Flink ${found.version}`,
                        `set version to "${found.version}" or remove it (the version is read from the distribution)`,
                    ),
                );
            }
            version = found.version;
        }
    }
    failures.push(...validateConfig("defaultConfig", args.defaultConfig, dialectOf(version)));
    return { args, failures };
}

function checkVersion(version: string | undefined): InputFailure[] {
    if (version === undefined || containsUnknown(version)) return [];
    const v = tryParseFlinkVersion(version);
    if (!v) return [invalid("version", version, "is not a Flink version", 'use a release such as "1.20.3" or "2.3.0"')];
    if (!isSupported(v)) return [invalid("version", version, "is not supported (supported: 1.16 to 2.x)", "use Flink 1.16 or newer, 2.x at most")];
    return [];
}

/** The config dialect of a known version, or undefined (checked once the distribution is there). */
function dialectOf(version: string | undefined) {
    const v = version && !containsUnknown(version) ? tryParseFlinkVersion(version) : undefined;
    return v ? configDialect(v) : undefined;
}
