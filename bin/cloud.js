#!/usr/bin/env node
// Tiny shim, CommonJS so that `cloud --version` starts without Node's ES module loader:
// answer --version straight away, otherwise hand over to the built CLI.
"use strict";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { readFileSync, writeSync } = require("node:fs");
  const { version } = JSON.parse(readFileSync(require("node:path").join(__dirname, "..", "package.json"), "utf8"));
  writeSync(1, `${version}\n`);
} else {
  import("../dist/cli.js").then(({ main }) => main());
}
