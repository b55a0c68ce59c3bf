// Flat config shared by every package: typescript-eslint's recommended rules, zero warnings.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-console": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // Tests, the dev runner and benchmarks talk to a terminal on purpose.
    files: ["tests/**/*.ts", "**/*.test.ts"],
    rules: { "no-console": "off" },
  },
);
