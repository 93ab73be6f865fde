#!/usr/bin/env node
// Tiny shim, CommonJS so that the fastest answers start without Node's ES module loader:
// `--version` from package.json, `--help` from the text the build rendered with the real program
// (dist/help.txt); everything else runs the built CLI, dist/cli.cjs.
//
// The bundle is compiled with the V8 code cache the build saved beside it (dist/cli.cache): most of a
// command's start-up is otherwise spent parsing and compiling the bundle. V8 checks that the cache was
// made from this very source by this very V8 with the same flags; when it was not (another Node, or
// NODE_OPTIONS), the cache is ignored and the bundle is compiled as usual.
"use strict";

const path = require("node:path");

const DIST = path.join(__dirname, "..", "dist");

/** Compile and run the bundle; `cache: false` compiles without the cache (the build, making it). */
function loadBundle({ cache = true } = {}) {
  const fs = require("node:fs");
  const vm = require("node:vm");
  const { createRequire } = require("node:module");
  const file = path.join(DIST, "cli.cjs");
  const source = fs.readFileSync(file, "utf8");
  let cachedData;
  if (cache) {
    try {
      cachedData = fs.readFileSync(path.join(DIST, "cli.cache"));
    } catch {
      // no cache: compile as usual
    }
  }
  // CommonJS's own wrapper, on the first line so that stack traces keep the bundle's line numbers.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, DIST);
  // Code compiled by vm.Script has no module loader for import(): the installed ES-module packages
  // (jira.js, @octokit/graphql, @inquirer/prompts) are imported from here instead.
  bundle.exports.useImporter((specifier) => import(specifier));
  return { cli: bundle.exports, script };
}

function serveRenderedHelp() {
  const { readFileSync, writeSync } = require("node:fs");
  let text;
  try {
    text = readFileSync(path.join(DIST, "help.txt"), "utf8");
  } catch {
    return false;
  }
  writeSync(1, text);
  return true;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const only = args.length === 1 ? args[0] : undefined;
  if (only === "--version" || only === "-V" || only === "-v") {
    const { readFileSync, writeSync } = require("node:fs");
    const { version } = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
    writeSync(1, `${version}\n`);
  } else if ((only === "--help" || only === "-h") && serveRenderedHelp()) {
    // served
  } else {
    loadBundle().cli.main();
  }
} else {
  module.exports = { loadBundle };
}
