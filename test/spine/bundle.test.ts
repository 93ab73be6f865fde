/**
 * How bin/cloud.js runs the built bundle: from the V8 code cache the build saved, and just the same
 * without it. The BUILT package is used (`npm run build` first; `npm test` does).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp.js";
import { EXAMPLE, REPO } from "./support.js";

function node(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 20_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Whether V8 turned the package's cache down when the shim compiled the bundle with it. */
function cacheRejected(root: string): string {
  const probe = `const { script } = require(${JSON.stringify(path.join(root, "bin/cloud.js"))}).loadBundle(); process.stdout.write(String(script.cachedDataRejected));`;
  const result = node(["-e", probe], root);
  expect(result.stderr).toBe("");
  return result.stdout;
}

/** A copy of the built package (bin, dist, templates, package.json), sharing node_modules. */
function copyOfPackage(): string {
  const root = tempDir("cloud-package-");
  for (const part of ["package.json", "templates", "bin", "dist"]) cpSync(path.join(REPO, part), path.join(root, part), { recursive: true });
  symlinkSync(path.join(REPO, "node_modules"), path.join(root, "node_modules"), "dir");
  return root;
}

const check = (root: string) => node([path.join(root, "bin/cloud.js"), "dor", "check", "--offline", "--json"], EXAMPLE);

beforeAll(() => {
  if (!existsSync(path.join(REPO, "dist/cli.cache"))) throw new Error("dist/cli.cache is missing: run `npm run build` first");
});

describe("the built bundle and its code cache", () => {
  it("the cache the build made is accepted by this Node", () => {
    expect(cacheRejected(REPO)).toBe("false");
  });

  it("a cache this Node cannot use is ignored: the command prints the same", () => {
    const expected = check(REPO);
    expect(expected.code, expected.stderr).toBe(0);
    const root = copyOfPackage();
    writeFileSync(path.join(root, "dist/cli.cache"), Buffer.alloc(4096, 7));
    expect(cacheRejected(root)).toBe("true");
    expect(check(root)).toEqual(expected);
  });

  it("without a cache the command prints the same", () => {
    const expected = check(REPO);
    const root = copyOfPackage();
    rmSync(path.join(root, "dist/cli.cache"));
    expect(cacheRejected(root)).toBe("undefined");
    expect(check(root)).toEqual(expected);
  });
});
