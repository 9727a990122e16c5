/** Three tiers: unit (pure, mocked I/O), integration (real Flink), e2e (real pulumi CLI + Flink). */
// Type checking is done once by `tsc -p tsconfig.test.json`; jest only transpiles.
const tsJest = ["ts-jest", { tsconfig: "<rootDir>/tsconfig.test.json", diagnostics: false }];
const common = { testEnvironment: "node", transform: { "^.+\\.ts$": tsJest }, moduleFileExtensions: ["ts", "js", "json"] };

module.exports = {
    projects: [
        { ...common, displayName: "unit", testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
        { ...common, displayName: "integration", testMatch: ["<rootDir>/tests/integration/**/*.test.ts"], slowTestThreshold: 120 },
        { ...common, displayName: "e2e", testMatch: ["<rootDir>/tests/e2e/**/*.test.ts"], slowTestThreshold: 300 },
    ],
};
