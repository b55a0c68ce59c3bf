#!/usr/bin/env node
// The CLI entry: the compiled program lives in dist/ (`pnpm --filter @atrium/appservice build`).
require("../dist/main.js");
