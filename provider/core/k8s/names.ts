/** Kubernetes naming and quantity rules (the apiserver's own validation, applied at preview). */

/** DNS-1123 label: namespaces, most object names. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1035 label: Service names (must start with a letter). */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: Secret, ServiceAccount names, ingress hosts (lowercase). */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kubernetes resource quantity, e.g. "2Gi", "500m", "1.5". */
export const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
/** Memory as Flink and the Operator read it: bytes with an optional unit, e.g. "2048m", "2g", "2Gi". */
export const MEMORY = /^[0-9]+(\.[0-9]+)?\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib|Ki|Mi|Gi|Ti|K|M|G|T)?$/i;

export function isLabel(s: string): boolean {
    return s.length <= 63 && DNS1123_LABEL.test(s);
}
export function isSubdomain(s: string): boolean {
    return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** Label/annotation key: optional DNS-1123 subdomain prefix, then a name of up to 63 characters. */
export function isQualifiedKey(key: string): boolean {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (prefix !== undefined && !isSubdomain(prefix)) return false;
    return name.length > 0 && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}

export function isLabelValue(v: string): boolean {
    return v === "" || (v.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(v));
}

/** An image reference split into its parts; tag/digest undefined when absent. */
export function parseImage(ref: string): { repository: string; tag?: string; digest?: string } | undefined {
    if (!/^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/.test(ref)) return undefined;
    const [nameTag, digest] = ref.split("@", 2);
    const slash = nameTag.lastIndexOf("/");
    const colon = nameTag.lastIndexOf(":");
    const hasTag = colon > slash;
    const repository = hasTag ? nameTag.slice(0, colon) : nameTag;
    const tag = hasTag ? nameTag.slice(colon + 1) : undefined;
    if (!repository || repository.endsWith("/") || (tag !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag))) return undefined;
    if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) return undefined;
    return { repository, tag, digest };
}
