// Lint: typescript-eslint's recommended rules (syntax-only, fast) over the package and its tests.
// Formatting is not linted here; `max-len` keeps lines readable in a side-by-side diff.
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
        },
    },
    {
        // Tests load modules after jest.mock() with require(), and poke at untyped mock internals.
        files: ["tests/**/*.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off", "@typescript-eslint/no-explicit-any": "off" },
    },
);
