/**
 * Bounded reads (src/io/bounded-read.ts) and where they are used (project.md, the RFC, the config
 * file): only a regular UTF-8 file within its cap is read; anything else is exit 2 naming the path,
 * and nothing blocks or grows without bound.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { fileErrorReason, MAX_DOCUMENT_BYTES, MAX_FRONT_MATTER_BYTES, readTextFile, readTextFileSync, type ReadTextOptions } from "../../src/io/bounded-read.js";
import { tempDir } from "../helpers/tmp.js";
import { copyExample, editFrontMatter, expectOneLineError, run } from "../spine/support.js";

const isRoot = process.getuid?.() === 0;
const options: ReadTextOptions = { maxBytes: 1024, what: "test file" };

/** The error both readers throw for `file`, checked to be the same InputError. */
async function refusal(file: string, opts: ReadTextOptions = options): Promise<InputError> {
  let sync: unknown;
  try {
    readTextFileSync(file, opts);
  } catch (error) {
    sync = error;
  }
  const async = await readTextFile(file, opts).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(sync).toBeInstanceOf(InputError);
  expect(async).toBeInstanceOf(InputError);
  expect((async as Error).message).toBe((sync as Error).message);
  expect((sync as InputError).exitCode).toBe(2);
  return sync as InputError;
}

async function reads(file: string, opts: ReadTextOptions = options): Promise<string> {
  const sync = readTextFileSync(file, opts);
  expect(await readTextFile(file, opts)).toBe(sync);
  return sync;
}

let dir: string;
const socketServer = createServer();
beforeAll(async () => {
  dir = tempDir("cloud-read-");
  await new Promise<void>((resolve) => socketServer.listen(path.join(dir, "a.sock"), resolve));
});
afterAll(() => new Promise<void>((resolve) => socketServer.close(() => resolve())));

describe("what is not a regular file is refused before it is read", () => {
  it("a character device: /dev/zero never ends", async () => {
    expect((await refusal("/dev/zero")).message).toBe("cannot read the test file /dev/zero: it is a character device, not a regular file");
  });

  it("a FIFO, which would block until a writer came: refused at once", async () => {
    const fifo = path.join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    expect((await refusal(fifo)).message).toMatch(/pipe: it is a named pipe \(FIFO\), not a regular file$/);
  });

  it("a folder", async () => {
    expect((await refusal(dir)).message).toMatch(/: it is a folder, not a regular file$/);
  });

  it("a socket", async () => {
    expect((await refusal(path.join(dir, "a.sock"))).message).toMatch(/a\.sock: it is a socket, not a regular file$/);
  });

  it("names the path as shown to the user", async () => {
    expect((await refusal("/dev/zero", { ...options, shown: "../dev/zero", hint: "Point rfc.doc at a file." })).hint).toBe("Point rfc.doc at a file.");
    expect((await refusal("/dev/zero", { ...options, shown: "../dev/zero" })).message).toContain(" ../dev/zero: ");
  });
});

describe("size", () => {
  it("refuses a file above the cap from its size, without reading it", async () => {
    const big = path.join(dir, "big.md");
    writeFileSync(big, "");
    truncateSync(big, MAX_DOCUMENT_BYTES + 1); // sparse: nothing is written
    expect((await refusal(big, { maxBytes: MAX_DOCUMENT_BYTES, what: "RFC" })).message).toBe(
      `cannot read the RFC ${big}: it is larger than the 10 MiB limit`,
    );
    expect(MAX_FRONT_MATTER_BYTES).toBe(1024 * 1024);
  });

  it("reads a file exactly at the cap", async () => {
    const exact = path.join(dir, "exact.md");
    writeFileSync(exact, "a".repeat(1024));
    expect(await reads(exact)).toHaveLength(1024);
  });

  it.runIf(existsSync("/proc/self/status"))("stops at the cap when a file is longer than its size says (/proc)", async () => {
    expect((await refusal("/proc/self/status", { maxBytes: 10, what: "test file" })).message).toMatch(/larger than the 10 bytes limit/);
  });
});

describe("encoding", () => {
  const file = (name: string, bytes: Buffer | string) => {
    const p = path.join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };

  it.each([
    ["UTF-16 LE with a BOM", Buffer.from("\ufefftitle: x\n", "utf16le"), "UTF-16 (little-endian)"],
    ["UTF-16 BE with a BOM", Buffer.from("\ufefftitle: x\n", "utf16le").swap16(), "UTF-16 (big-endian)"],
    ["UTF-16 LE without a BOM", Buffer.from("title: x\n", "utf16le"), "UTF-16 (little-endian, without a byte-order mark)"],
    ["UTF-32 LE", Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), "UTF-32 (little-endian)"],
    ["UTF-32 BE", Buffer.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x61]), "UTF-32 (big-endian)"],
  ])("%s is refused with what it is", async (name, bytes, encoding) => {
    const p = file(`${name}.md`, bytes);
    expect((await refusal(p)).message).toBe(`the test file ${p} is ${encoding}; save it as UTF-8`);
  });

  it("invalid UTF-8 is refused with its line and column", async () => {
    const p = file("latin1.md", Buffer.concat([Buffer.from("# Title\n\nCaf"), Buffer.from([0xe9]), Buffer.from(" au lait\n")]));
    expect((await refusal(p)).message).toBe(`the test file ${p} is not valid UTF-8 (line 3, column 4); save it as UTF-8`);
    const overlong = file("overlong.md", Buffer.from([0x61, 0xc0, 0xaf]));
    expect((await refusal(overlong)).message).toMatch(/\(line 1, column 2\)/);
    const surrogate = file("surrogate.md", Buffer.from([0xed, 0xa0, 0x80]));
    expect((await refusal(surrogate)).message).toMatch(/not valid UTF-8/);
  });

  it("a UTF-8 BOM is removed", async () => {
    expect(await reads(file("bom.md", "\ufeff---\ntitle: x\n"))).toBe("---\ntitle: x\n");
  });

  it("UTF-8 text is read as it is", async () => {
    expect(await reads(file("utf8.md", "Über straße 🚀\r\n"))).toBe("Über straße 🚀\r\n");
  });
});

describe("file-system errors are one sentence in plain words", () => {
  it.each([
    ["a missing file", () => path.join(dir, "missing.md"), "it does not exist"],
    ["a path through a file", () => path.join(dir, "exact.md", "x"), "a part of the path is not a folder"],
    [
      "a symlink loop",
      () => {
        const loop = path.join(dir, "loop");
        if (!existsSync(loop)) symlinkSync(loop, loop);
        return loop;
      },
      "it goes through too many symbolic links (a loop?)",
    ],
  ])("%s", async (_name, make, reason) => {
    const p = make();
    expect((await refusal(p)).message).toBe(`cannot read the test file ${p}: ${reason}`);
  });

  it.skipIf(isRoot)("a file that cannot be read", async () => {
    const p = path.join(dir, "secret.md");
    writeFileSync(p, "x");
    chmodSync(p, 0o000);
    expect((await refusal(p)).message).toBe(`cannot read the test file ${p}: permission denied`);
  });

  it.each([
    ["EACCES", "permission denied"],
    ["EMFILE", "too many files are open"],
    ["ENOSPC", "the disk is full"],
    ["EROFS", "the file system is read-only"],
  ])("%s reads as %j", (code, reason) => {
    expect(fileErrorReason(Object.assign(new Error(`${code}: x`), { code }))).toBe(reason);
  });
});

describe("where the bounded read is used", () => {
  it("rfc.doc pointing at /dev/zero is exit 2 naming the path, instead of reading forever", async () => {
    const example = copyExample();
    editFrontMatter(example.projectMd, (fm) => {
      fm.rfc = { doc: "/dev/zero" };
    });
    const result = await run(["dor", "check", "--offline"], { cwd: example.root });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr);
    expect(result.stderr).toMatch(/^error: cannot read the RFC (\.\.\/)+dev\/zero: it is a character device, not a regular file\. Point rfc\.doc in projects\/new-region\/project\.md at the project's Markdown RFC\.\n$/);
    expect(result.stdout).toBe("");
  });

  it("an RFC that is a FIFO is exit 2 and does not block", async () => {
    const example = copyExample();
    execFileSync("rm", [example.rfcMd]);
    execFileSync("mkfifo", [example.rfcMd]);
    const result = await run(["dor", "check", "--offline", "--json"], { cwd: example.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot read the RFC projects\/new-region\/rfc\.md: it is a named pipe \(FIFO\), not a regular file\./);
  });

  it("an RFC that is a folder is exit 2, not an unexpected failure", async () => {
    const example = copyExample();
    execFileSync("rm", [example.rfcMd]);
    mkdirSync(example.rfcMd);
    const result = await run(["dor", "check", "--offline"], { cwd: example.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot read the RFC projects\/new-region\/rfc\.md: it is a folder, not a regular file\./);
  });

  it("a project.md saved as UTF-16 is exit 2 saying so", async () => {
    const example = copyExample();
    const text = execFileSync("cat", [example.projectMd]);
    writeFileSync(example.projectMd, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.toString(), "utf16le")]));
    const result = await run(["dor", "check", "--offline"], { cwd: example.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: the project file projects\/new-region\/project\.md is UTF-16 \(little-endian\); save it as UTF-8\.\n$/);
  });

  it("a project.md above 1 MiB is exit 2", async () => {
    const example = copyExample();
    truncateSync(example.projectMd, MAX_FRONT_MATTER_BYTES + 1);
    const result = await run(["dor", "check", "--offline"], { cwd: example.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot read the project file projects\/new-region\/project\.md: it is larger than the 1 MiB limit/);
  });

  it("a cloud.config.yaml that is not UTF-8, or above 1 MiB, is exit 2 naming it", async () => {
    const root = tempDir("cloud-read-config-");
    writeFileSync(path.join(root, "cloud.config.yaml"), Buffer.from([0x64, 0x6f, 0x63, 0x73, 0x3a, 0x20, 0xff, 0x0a]));
    const bad = await run(["dor", "check"], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("error: the config file cloud.config.yaml is not valid UTF-8 (line 1, column 7); save it as UTF-8.\n");
    truncateSync(path.join(root, "cloud.config.yaml"), MAX_FRONT_MATTER_BYTES + 1);
    const big = await run(["dor", "check"], { cwd: root });
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/^error: cannot read the config file cloud\.config\.yaml: it is larger than the 1 MiB limit/);
  });

  it.skipIf(isRoot)("a docs folder that cannot be listed is exit 2 naming it", async () => {
    const root = tempDir("cloud-read-docs-");
    writeFileSync(path.join(root, "cloud.config.yaml"), "docs:\n  dir: docs\n");
    mkdirSync(path.join(root, "docs/locked"), { recursive: true });
    chmodSync(path.join(root, "docs/locked"), 0o000);
    const result = await run(["dor", "check"], { cwd: root });
    chmodSync(path.join(root, "docs/locked"), 0o755);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot read the folder .*docs\/locked: permission denied\.\n$/);
  });
});
