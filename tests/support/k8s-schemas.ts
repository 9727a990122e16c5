/**
 * Validate emitted Kubernetes manifests against the real schemas, obtained from registries at
 * test time: core objects with the `kubernetes-models` validators (npm), Flink Operator custom
 * resources with ajv against the CRDs of the Operator release the package targets, fetched from
 * Maven Central by scripts/fetch-operator-crds.sh (cached by version).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import Ajv, { ValidateFunction } from "ajv";
import standaloneCode from "ajv/dist/standalone";
import { parse } from "yaml";
import { OPERATOR_VERSION } from "../../provider/core/k8s/operator";

type Schema = Record<string, unknown>;
type Manifest = { apiVersion: string; kind: string; [k: string]: unknown };

/** Folder of one release's CRDs: $PULUMI_FLINK_OPERATOR_CRDS for the default release (set by scripts/test.sh), else fetched now. */
const crdDirs = new Map<string, string>();
export function operatorCrdDir(version: string = OPERATOR_VERSION): string {
    if (!crdDirs.has(version)) crdDirs.set(version, fetchCrds(version));
    return crdDirs.get(version) as string;
}
function fetchCrds(version: string): string {
    const given = process.env.PULUMI_FLINK_OPERATOR_CRDS;
    if (version === OPERATOR_VERSION && given && fs.existsSync(given)) return given;
    const script = path.join(__dirname, "..", "..", "scripts", "fetch-operator-crds.sh");
    const out = execFileSync("bash", [script, version], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    return out.trim().split("\n").pop() as string;
}

/** The openAPIV3Schema of one CRD file, e.g. "flinkdeployments.flink.apache.org-v1.yml". */
const parsed = new Map<string, unknown>();
export function crdSchema(file: string, version: string = OPERATOR_VERSION): Schema {
    const crd = crdObject(file, version) as { spec: { versions: { name: string; schema: { openAPIV3Schema: Schema } }[] } };
    return crd.spec.versions.find((v) => v.name === "v1beta1")?.schema.openAPIV3Schema as Schema;
}
/** The whole CRD object, as the apiserver would return it. */
export function crdObject(file: string, version: string = OPERATOR_VERSION): unknown {
    const key = `${version}/${file}`;
    if (!parsed.has(key)) parsed.set(key, readCrd(file, version));
    return parsed.get(key);
}
function readCrd(file: string, version: string): unknown {
    // Parsing the 500 KB YAML takes seconds; a JSON copy next to it (same cache, same version) does not.
    const source = path.join(operatorCrdDir(version), file);
    const cached = `${source}.json`;
    if (!fs.existsSync(cached)) fs.writeFileSync(cached, JSON.stringify(parse(fs.readFileSync(source, "utf8"))));
    return JSON.parse(fs.readFileSync(cached, "utf8"));
}

/**
 * The apiserver's structural-schema semantics in JSON Schema terms: int-or-string accepts both,
 * and fields a schema does not declare are errors (the apiserver would prune them silently,
 * which for us means a setting that never takes effect) unless preserve-unknown-fields is set.
 */
export function structural(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(structural);
    if (node === null || typeof node !== "object") return node;
    const out: Schema = {};
    for (const [k, v] of Object.entries(node as Schema)) out[k] = k === "enum" || k === "required" ? v : structural(v);
    if (out["x-kubernetes-int-or-string"] === true && !out.anyOf) {
        delete out.type;
        out.anyOf = [{ type: "integer" }, { type: "string" }];
    }
    if (out.properties && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) out.additionalProperties = false;
    return out;
}

const validators = new Map<string, ValidateFunction>();
/**
 * Compiling the FlinkDeployment schema takes seconds, so the compiled validator is kept as
 * standalone code in the CRD cache, keyed by a hash of the schema it was compiled from.
 */
function crdValidator(key: string, schema: () => Schema, version: string): ValidateFunction {
    let v = validators.get(`${version}/${key}`);
    if (v) return v;
    const source = structural(schema()) as Schema;
    const file = path.join(
        operatorCrdDir(version),
        ".validators",
        `${key}-${createHash("sha256").update(JSON.stringify(source)).digest("hex").slice(0, 16)}.js`,
    );
    if (!fs.existsSync(file)) {
        const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { source: true } });
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(`${file}.partial`, standaloneCode(ajv, ajv.compile(source)));
        fs.renameSync(`${file}.partial`, file);
    }

    v = require(file) as ValidateFunction;
    validators.set(`${version}/${key}`, v);
    return v;
}

const CRD_FILES: Record<string, string> = {
    FlinkDeployment: "flinkdeployments.flink.apache.org-v1.yml",
    FlinkSessionJob: "flinksessionjobs.flink.apache.org-v1.yml",
};

/** The CRD's pod template schema: the full Pod schema, used to check Deployments' pod templates strictly too. */
function podValidator(version: string): ValidateFunction {
    return crdValidator(
        "Pod",
        () => {
            const spec = (crdSchema(CRD_FILES.FlinkDeployment, version).properties as Record<string, Schema>).spec;
            return (spec.properties as Record<string, Schema>).podTemplate;
        },
        version,
    );
}

/** Problems of one manifest against one Operator release's CRDs (and kubernetes-models); [] when it is valid. */
export function validateManifest(m: Manifest, version: string = OPERATOR_VERSION): string[] {
    const where = `${m.kind} ${(m.metadata as { name?: string } | undefined)?.name ?? "?"}`;
    if (m.apiVersion.startsWith("flink.apache.org/")) {
        const file = CRD_FILES[m.kind];
        if (!file) return [`${where}: no CRD known for kind ${m.kind}`];
        // apiVersion, kind and metadata are implicit in a CRD schema; the apiserver validates metadata itself.
        const v = crdValidator(
            m.kind,
            () => {
                const root = crdSchema(file, version);
                return {
                    ...root,
                    required: ["apiVersion", "kind", "metadata", "spec"],
                    properties: { ...(root.properties as Schema), apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" } },
                };
            },
            version,
        );
        return v(m) ? [] : (v.errors ?? []).map((e) => `${where}${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`);
    }
    const group = m.apiVersion.includes("/") ? m.apiVersion : `v1`;
    const modulePath = m.apiVersion.includes("/") ? `kubernetes-models/${group}/${m.kind}` : `kubernetes-models/v1/${m.kind}`;

    const Model = (require(modulePath) as Record<string, new (data: unknown) => { validate(): void }>)[m.kind];
    const problems: string[] = [];
    try {
        new Model(m).validate();
    } catch (err) {
        problems.push(`${where}: ${(err as Error).message}`);
    }
    const template = m.kind === "Deployment" ? (m.spec as { template?: Schema } | undefined)?.template : undefined;
    if (template) {
        const pod = podValidator(version);
        if (!pod({ apiVersion: "v1", kind: "Pod", ...template }))
            problems.push(...(pod.errors ?? []).map((e) => `${where} pod template${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`));
    }
    return problems;
}
