// Lint as Effect's own repositories and templates do (Effect-TS/examples
// templates/cli): eslint's and typescript-eslint's recommended rules, and the
// formatting checked (and fixed by `eslint --fix`) by dprint through @effect/eslint-plugin.
import * as effectEslint from "@effect/eslint-plugin"
import js from "@eslint/js"
import { defineConfig } from "eslint/config"
import globals from "globals"
import tseslint from "typescript-eslint"

export default defineConfig(
  {
    ignores: ["dist/**", "node_modules/**", "coverage/**", "**/.vitest-*.json"]
  },
  {
    files: [
      "src/**/*.{ts,mts,mjs,js}",
      "test/**/*.{ts,mts,mjs,js}",
      "bench/**/*.{ts,mts,mjs,js}",
      "scripts/**/*.{ts,mts,mjs,js}",
      "*.config.{ts,mjs}"
    ]
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  effectEslint.configs.dprint,
  {
    // The .mjs scripts run on Node. (TypeScript files need no list of globals:
    // typescript-eslint turns no-undef off for them, as the compiler checks names.)
    files: ["**/*.mjs"],
    languageOptions: {
      globals: globals.node
    }
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_"
        }
      ],
      "@effect/dprint": [
        "error",
        {
          config: {
            indentWidth: 2,
            lineWidth: 120,
            semiColons: "asi",
            quoteStyle: "alwaysDouble",
            trailingCommas: "never",
            operatorPosition: "maintain",
            "arrowFunction.useParentheses": "force"
          }
        }
      ]
    }
  }
)
