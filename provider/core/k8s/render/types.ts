/** Plain Kubernetes manifests as the renderers emit them (validated against the real schemas in tests). */
export type Manifest = {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [field: string]: unknown;
};

/** What an image home contributes to a FlinkDeployment. */
export interface ImageHome {
    image: string;
    /** Declared Flink version, e.g. "1.20.3". */
    version: string;
    imagePullPolicy?: string;
    imagePullSecrets?: string[];
    defaultConfig?: Record<string, string | number | boolean>;
}
