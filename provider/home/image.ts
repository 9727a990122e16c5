/** Validation of a FlinkHome that is a container image (for the Kubernetes target). */
import { InputFailure, invalid } from "../core/errors";
import { containsUnknown } from "../core/unknown";
import { configDialect, isSupported, tryParseFlinkVersion } from "../core/version";
import { isSubdomain, parseImage } from "../core/k8s/names";
import { validateConfig } from "../core/flink-config";
import type { HomeArgs } from "./schema";

/** An image home needs a pinned image and a declared, supported Flink version. */
export function checkImageHome(args: HomeArgs): InputFailure[] {
    const failures: InputFailure[] = [];
    if (args.image === undefined) {
        return [
            invalid(
                "image",
                undefined,
                "imagePullPolicy and imagePullSecrets only apply to an image home",
                'set image, e.g. "flink:1.20.3-java17", or remove them',
            ),
        ];
    }
    if (args.path !== undefined)
        failures.push(
            invalid("path", args.path, "a home is either a local distribution (path) or a container image (image), not both", "remove path or image"),
        );
    const version = args.version;
    if (version === undefined) {
        failures.push(
            invalid(
                "version",
                undefined,
                "an image home must declare the Flink version inside the image (it cannot be read from the image at preview)",
                'set version, e.g. "1.20.3"',
            ),
        );
    } else if (!containsUnknown(version)) {
        const parsed = tryParseFlinkVersion(version);
        if (!parsed) failures.push(invalid("version", version, "is not a Flink version", 'use a release such as "1.20.3"'));
        else if (!isSupported(parsed))
            failures.push(invalid("version", version, "is not supported by pulumi-flink (supported: 1.16 to 2.x)", "use an image of Flink 1.16 or newer"));
        // Whether the installed Operator accepts this line is checked by the cluster or job that uses the home (its CRD).
    }
    if (!containsUnknown(args.image)) {
        const image = parseImage(args.image);
        if (!image)
            failures.push(invalid("image", args.image, "is not a container image reference", 'use "registry/repository:tag", e.g. "flink:1.20.3-java17"'));
        else if (image.tag === undefined && image.digest === undefined) {
            failures.push(
                invalid(
                    "image",
                    args.image,
                    "has no tag or digest, so the Flink version running would change with the registry",
                    'pin a version tag, e.g. "flink:1.20.3-java17", or a digest "@sha256:..."',
                ),
            );
        } else if (image.tag === "latest" && image.digest === undefined) {
            failures.push(invalid("image", args.image, 'the tag "latest" does not pin a Flink version', 'pin a version tag, e.g. "flink:1.20.3-java17"'));
        } else if (image.tag && version && !containsUnknown(version)) {
            const tagged = /^v?(\d+)\.(\d+)/.exec(image.tag);
            const declared = tryParseFlinkVersion(version);
            if (tagged && declared && (Number(tagged[1]) !== declared.major || Number(tagged[2]) !== declared.minor)) {
                failures.push(
                    invalid(
                        "image",
                        args.image,
                        `its tag names Flink ${tagged[1]}.${tagged[2]}, but version is ${version}`,
                        "make version match the Flink release inside the image",
                    ),
                );
            }
        }
    }
    for (const [i, secret] of (args.imagePullSecrets ?? []).entries()) {
        if (!containsUnknown(secret) && !isSubdomain(secret)) {
            failures.push(
                invalid(
                    `imagePullSecrets[${i}]`,
                    secret,
                    "is not a valid Secret name (lowercase DNS-1123 subdomain)",
                    'use the name of a docker-registry Secret in the cluster\'s namespace, e.g. "registry-cred"',
                ),
            );
        }
    }
    const v = version && !containsUnknown(version) ? tryParseFlinkVersion(version) : undefined;
    failures.push(...validateConfig("defaultConfig", args.defaultConfig, v ? configDialect(v) : undefined));
    return failures;
}
