#!/usr/bin/env node
// Tiny shim, CommonJS so that the fastest answers start without Node's ES module loader:
// `--version` from package.json, `--help` from the text the build rendered with the real program
// (dist/help.txt); everything else is handed to the built CLI.
"use strict";

const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
if (only === "--version" || only === "-V" || only === "-v") {
  const { readFileSync, writeSync } = require("node:fs");
  const { version } = JSON.parse(readFileSync(require("node:path").join(__dirname, "..", "package.json"), "utf8"));
  writeSync(1, `${version}\n`);
} else if ((only === "--help" || only === "-h") && serveRenderedHelp()) {
  // served
} else {
  import("../dist/cli.js").then(({ main }) => main());
}

function serveRenderedHelp() {
  const { readFileSync, writeSync } = require("node:fs");
  let text;
  try {
    text = readFileSync(require("node:path").join(__dirname, "..", "dist", "help.txt"), "utf8");
  } catch {
    return false;
  }
  writeSync(1, text);
  return true;
}
