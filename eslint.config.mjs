// Lint: typescript-eslint's recommended rules (syntax-only, fast) over the package and its tests.
// Formatting is prettier's (`npm run format`, width 160); `max-len` here catches what prettier
// cannot break: in the package a line over 160 characters is an error unless the excess is a
// regular expression (long messages are split into pieces joined with `+`, so files fit in a head);
// tests may keep a long expected message whole.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["bin/**", "node_modules/**", "examples/**/node_modules/**", ".work/**", "tests/fixtures/**", "bench/**/*.js", "jest.config.js"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            // `_name` marks a value destructured away on purpose (e.g. dropping a key from state).
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
            "no-control-regex": "off", // validators match control characters on purpose
            "max-len": ["error", { code: 160, ignoreRegExpLiterals: true, ignoreUrls: true }],
        },
    },
    {
        // Tests load modules after jest.mock() with require(), and poke at untyped mock internals.
        files: ["tests/**/*.ts"],
        rules: {
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-explicit-any": "off",
            "max-len": ["error", { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
        },
    },
);
