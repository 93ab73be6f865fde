// Build the CLI into dist/:
//   cli.cjs     the whole program in one CommonJS bundle (the heavy clients and the prompts stay in
//               node_modules and load only when a command needs them);
//   gates.json  templates/gates.yaml, validated once here;
//   help.txt    `cloud --help` as the program prints it, served by bin/cloud.js without loading it;
//   cli.cache   V8's code cache for cli.cjs, made after running a few commands, so that a command
//               starts without parsing and compiling the bundle (bin/cloud.js explains how it is used).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });

await build({
  entryPoints: ["src/cli.ts"],
  outfile: "dist/cli.cjs",
  bundle: true,
  platform: "node",
  // CommonJS, one file: V8 can cache a script's compiled code, not an ES module's, and one file is one
  // read and one compile.
  format: "cjs",
  target: "node20",
  external: ["jira.js", "jira.js/*", "@octokit/graphql", "@inquirer/prompts"],
  // Smaller text parses faster, which still counts when the cache cannot be used.
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  // The sources are ES modules (strict, with import.meta.url); the bundle is a CommonJS script.
  banner: { js: `"use strict";var __import_meta_url=require("node:url").pathToFileURL(__filename).href;` },
  define: { "import.meta.url": "__import_meta_url" },
});

// Code run by vm.Script has no loader for import(): the packages go through importPackage
// (src/package.ts), whose default, for a plain require() of the bundle, is the one import() left.
const imports = readFileSync("dist/cli.cjs", "utf8").match(/\bimport\(/g) ?? [];
if (imports.length !== 1) throw new Error(`dist/cli.cjs has ${imports.length} import() calls: import packages with importPackage()`);

// The gates, validated once here and saved as JSON: a check then reads JSON and builds no schema
// (src/gates/load-gates.ts falls back to the YAML when it is newer than this file).
const compiler = "dist/gates-compiler.mjs";
await build({
  entryPoints: ["src/gates/definitions.ts"],
  outfile: compiler,
  bundle: true,
  packages: "external",
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
});
const { parseGates } = await import(new URL(`../${compiler}`, import.meta.url).href);
writeFileSync("dist/gates.json", JSON.stringify(parseGates(readFileSync("templates/gates.yaml", "utf8"))));
rmSync(compiler);

const { loadBundle } = createRequire(import.meta.url)("../bin/cloud.js");
const { cli, script } = loadBundle({ cache: false });

// `cloud --help` at the program's fixed help width (80 columns), whatever this terminal's width.
writeFileSync("dist/help.txt", (await cli.runInMemory(["--help"])).output);

// Warm up: the cache holds the functions compiled so far, so run what a person runs all day.
const scratch = mkdtempSync(path.join(tmpdir(), "cloud-build-"));
try {
  const project = path.join(scratch, "docs", "projects", "warm-up");
  const runs = [
    ["project", "init", "--yes", "--title", "Warm up", "--dri", "@dri", "--milestone", "M1@2030-01-31", "--dir", "docs/projects"],
    ["dor", "check", "--offline", project],
    ["dod", "check", "--offline", "--format", "markdown", project],
    ["dor", "check", "--help"],
  ];
  for (const argv of runs) await cli.runInMemory(argv, scratch);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
writeFileSync("dist/cli.cache", script.createCachedData());
