/** Three tiers: unit (pure, mocked I/O), integration (real Flink), e2e (real pulumi CLI + Flink). */
// Type checking is done once by `tsc -p tsconfig.test.json`; jest only transpiles.
const tsJest = ["ts-jest", { tsconfig: "<rootDir>/tsconfig.test.json", diagnostics: false }];
// @kubernetes/client-node 1.x and a few of its dependencies ship ESM only; Node 20 requires them
// natively in the provider host, jest's module system does not, so jest transpiles just those.
const esmOnly = ["@kubernetes/client-node", "openid-client", "oauth4webapi", "jose", "jsonpath-plus", "rfc4648"];
const esmJs = [
    "ts-jest",
    { tsconfig: { allowJs: true, module: "commonjs", target: "ES2022", esModuleInterop: true }, diagnostics: false, isolatedModules: true },
];
const common = {
    testEnvironment: "node",
    transform: { "^.+\\.ts$": tsJest, [`node_modules/(${esmOnly.join("|")})/.+\\.js$`]: esmJs },
    transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join("|")})/)`],
    moduleFileExtensions: ["ts", "js", "json"],
};

module.exports = {
    projects: [
        { ...common, displayName: "unit", testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
        { ...common, displayName: "integration", testMatch: ["<rootDir>/tests/integration/**/*.test.ts"], slowTestThreshold: 120 },
        { ...common, displayName: "e2e", testMatch: ["<rootDir>/tests/e2e/**/*.test.ts"], slowTestThreshold: 300 },
    ],
};
