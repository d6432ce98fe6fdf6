import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", ".tools/**", ".data/**", "**/.turbo/**", "e2e/artifacts/**", "packages/db/drizzle/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-empty": ["error", { allowEmptyCatch: true }],
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    // Type-aware rules, on the sources (tests are left to the compiler): promises that nobody awaits or that
    // land where a callback returns void, awaits of non-promises, casts the compiler already knows, switches
    // that forget a case, and objects printed as "[object Object]".
    files: ["apps/*/src/**/*.{ts,tsx}", "packages/*/src/**/*.ts"],
    ignores: ["**/*.test.ts", "**/*.test-util.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unnecessary-type-assertion": "error",
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "@typescript-eslint/no-base-to-string": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true, allowNullish: true }],
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
    },
  },
  {
    files: ["apps/web/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // The job catalog is the one door to the queues: enqueue() and stageJob() in packages/core apply its policy.
    files: ["**/*.ts"],
    ignores: ["packages/core/src/queues.ts", "packages/core/src/outbox.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        ...["callee.object.object.property.name='queues'", "callee.object.object.name='queues'"].map((q) => ({
          selector: `CallExpression[callee.property.name='add'][${q}]`,
          message: "add jobs through enqueue() or stageJob() (packages/core): the job catalog carries their policy",
        })),
      ],
    },
  },
  {
    // Adapters do not speak SQL: the API's routes and the worker's jobs call core's verbs and views.
    files: ["apps/api/src/**/*.ts", "apps/worker/src/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        ...["callee.object.object.property.name='queues'", "callee.object.object.name='queues'"].map((q) => ({
          selector: `CallExpression[callee.property.name='add'][${q}]`,
          message: "add jobs through enqueue() or stageJob() (packages/core): the job catalog carries their policy",
        })),
        ...[
          "TaggedTemplateExpression[tag.property.name='sql']",
          "TaggedTemplateExpression[tag.callee.property.name='sql']",
          "CallExpression[callee.property.name='unsafe'][callee.object.property.name='sql']",
        ].map((selector) => ({
          selector,
          message: "SQL belongs in packages/core: give the route or job a core function to call",
        })),
      ],
    },
  },
  {
    // Only the config package reads the environment; everything else gets a parsed OpsEnv.
    files: ["apps/*/src/**/*.ts", "packages/*/src/**/*.ts"],
    ignores: ["packages/config/src/env.ts", "packages/db/src/test-db.ts", "**/*.test.ts", "apps/fleet-simulator/**", "apps/web/**"],
    rules: { "no-restricted-properties": ["error", { object: "process", property: "env", message: "read the environment through readEnv() in @ops/config" }] },
  },
  // web rooms: the shell (apps/web/src/app) may import anything; the kit (ui/) imports only lib/; lib/ imports
  // only itself; a feature imports ui/, lib/ and itself. Pages that show several features are composed in the shell.
  // Relative paths climb as many levels as the file is deep, hence a pattern per depth; paths that leave src/
  // (a test reading packages/domain) are not a room's business.
  ...["ui", "lib"].map((room) => ({
    files: [`apps/web/src/${room}/*.{ts,tsx}`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: room === "ui" ? "^\\.\\./(?!lib/|styles/|\\.\\./)" : "^\\.\\./(?!styles/|\\.\\./)",
              message: room === "ui" ? "the ui/ kit imports only lib/: no feature, no shell" : "lib/ imports only lib/: no kit, no feature, no shell",
            },
          ],
        },
      ],
    },
  })),
  ...[0, 1, 2, 3].map((depth) => ({
    files: [`apps/web/src/features/*/${"*/".repeat(depth)}*.{ts,tsx}`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^(\\.\\./){${depth + 1}}(?!\\.\\./)`,
              message: "a feature does not import another feature: move the shared part to ui/ or lib/, or compose both in the shell (app/)",
            },
            {
              regex: `^(\\.\\./){${depth + 2}}(?!lib/|ui/|styles/|\\.\\./)`,
              message: "a feature imports only ui/, lib/ and itself: the shell (app/) imports features, not the other way",
            },
          ],
        },
      ],
    },
  })),
);
