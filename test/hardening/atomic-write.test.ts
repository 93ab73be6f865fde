/**
 * Whole-or-nothing writes (src/io/atomic-write.ts, writeAllOrNothing): every target ends up in place or
 * none does, whatever fails on the way, and no temporary file or new folder is left behind. Failures are
 * injected through the file-system seam, one call at a time.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CliError, RefusedError, UsageError } from "../../src/errors.js";
import { systemWriteFs, writeAllOrNothing, type WriteFs, type WriteHandle, type WriteTarget } from "../../src/io/atomic-write.js";
import { tempDir } from "../helpers/tmp.js";

/** Every file and folder under `dir`, with file contents: what "nothing changed" is compared by. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      const rel = path.relative(dir, full);
      if (statSync(full).isDirectory()) {
        out[`${rel}/`] = "";
        walk(full);
      } else {
        out[rel] = readFileSync(full, "utf8");
      }
    }
  };
  walk(dir);
  return out;
}

const leftovers = (dir: string) => Object.keys(tree(dir)).filter((f) => /\.(tmp|bak)$/.test(f));

interface Fault {
  /** Fail the n-th file-system call (1-based)… */
  at?: number;
  /** …or the first call of this kind (after `after` calls of it). */
  op?: string;
  after?: number;
  code?: string;
  /** Run before the failing call instead of failing: simulate another process. */
  instead?: () => void;
}

/** The real file system, counting calls, with one fault injected where the test says. */
function faulty(fault: Fault = {}): WriteFs & { calls: string[] } {
  const calls: string[] = [];
  const seen: Record<string, number> = {};
  const gate = (op: string) => {
    calls.push(op);
    seen[op] = (seen[op] ?? 0) + 1;
    const hit = fault.at !== undefined ? calls.length === fault.at : op === fault.op && seen[op] === (fault.after ?? 0) + 1;
    if (!hit) return;
    if (fault.instead) return fault.instead();
    const code = fault.code ?? "ENOSPC";
    throw Object.assign(new Error(`${code}: injected failure, ${op}`), { code });
  };
  const wrap =
    <A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      gate(op);
      return fn(...args);
    };
  return {
    calls,
    lstat: wrap("lstat", systemWriteFs.lstat),
    realpath: wrap("realpath", systemWriteFs.realpath),
    mkdir: wrap("mkdir", systemWriteFs.mkdir),
    rmdir: wrap("rmdir", systemWriteFs.rmdir),
    link: wrap("link", systemWriteFs.link),
    rename: wrap("rename", systemWriteFs.rename),
    unlink: wrap("unlink", systemWriteFs.unlink),
    open: wrap("open", async (file: string, flags: string, mode: number): Promise<WriteHandle> => {
      const handle = await systemWriteFs.open(file, flags, mode);
      return {
        writeFile: wrap("writeFile", (c: string, e: "utf8") => handle.writeFile(c, e)),
        sync: wrap("sync", () => handle.sync()),
        stat: wrap("stat", () => handle.stat()),
        close: () => handle.close(), // always closes; a failed close is rare and not what is tested
      };
    }),
  };
}

function setup(existing: Record<string, string> = {}) {
  const root = tempDir("cloud-write-");
  const docs = path.join(root, "docs/projects");
  for (const [rel, content] of Object.entries(existing)) {
    mkdirSync(path.dirname(path.join(docs, rel)), { recursive: true });
    writeFileSync(path.join(docs, rel), content);
  }
  const targets: WriteTarget[] = [
    { file: path.join(docs, "new-region/project.md"), content: "---\ntitle: new\n---\n" },
    { file: path.join(docs, "new-region/rfc.md"), content: "# RFC\n" },
  ];
  const display = (p: string) => path.relative(root, p);
  return { root, docs, targets, display };
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe("writeAllOrNothing", () => {
  it("writes every file, fsynced via a temporary file, and leaves nothing else", async () => {
    const { root, docs, targets, display } = setup();
    const fs = faulty();
    await writeAllOrNothing(targets, { overwrite: false, root: docs, display, fs });
    expect(tree(root)).toEqual({
      "docs/": "",
      "docs/projects/": "",
      "docs/projects/new-region/": "",
      "docs/projects/new-region/project.md": "---\ntitle: new\n---\n",
      "docs/projects/new-region/rfc.md": "# RFC\n",
    });
    expect(fs.calls.filter((c) => c === "sync")).toHaveLength(2);
    expect(fs.calls.indexOf("link")).toBeGreaterThan(fs.calls.lastIndexOf("sync"));
  });

  it("refuses when a target exists (exit 1) and writes nothing", async () => {
    const { root, docs, targets, display } = setup({ "new-region/rfc.md": "mine" });
    const before = tree(root);
    const error = await failure(writeAllOrNothing(targets, { overwrite: false, root: docs, display }));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe("docs/projects/new-region/rfc.md already exists; nothing was written");
    expect(tree(root)).toEqual(before);
  });

  it("overwrites with overwrite, and leaves no backup", async () => {
    const { root, docs, targets, display } = setup({ "new-region/rfc.md": "old rfc", "new-region/notes.md": "kept" });
    await writeAllOrNothing(targets, { overwrite: true, root: docs, display });
    expect(tree(path.join(docs, "new-region"))).toEqual({ "notes.md": "kept", "project.md": targets[0]!.content, "rfc.md": "# RFC\n" });
  });

  it.each([
    ["the disk fills while the second file is written", { op: "writeFile", after: 1, code: "ENOSPC" }, "docs/projects/new-region/rfc.md", "the disk is full"],
    ["the second file cannot be placed", { op: "link", after: 1, code: "EACCES" }, "docs/projects/new-region/rfc.md", "permission denied"],
    ["the file system is read-only", { op: "mkdir", after: 1, code: "EROFS" }, "docs/projects/new-region", "the file system is read-only"],
    ["a folder on the way is a file", { op: "mkdir", after: 1, code: "ENOTDIR" }, "docs/projects/new-region", "a part of the path is not a folder"],
    ["the disk quota runs out at fsync", { op: "sync", code: "EDQUOT" }, "docs/projects/new-region/project.md", "the disk quota is used up"],
  ])("%s: exit 2 naming the path and the reason; nothing is left", async (_name, fault, shown, reason) => {
    const { root, docs, targets, display } = setup();
    mkdirSync(docs, { recursive: true });
    const before = tree(root);
    const error = await failure(writeAllOrNothing(targets, { overwrite: false, root: docs, display, fs: faulty(fault) }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`cannot write ${shown}: ${reason}; nothing was written`);
    expect(tree(root)).toEqual(before);
  });

  it("a target that appears meanwhile (a concurrent init): exit 1, ours removed, theirs untouched", async () => {
    const { root, docs, targets, display } = setup();
    const fs = faulty({ op: "link", after: 1, instead: () => writeFileSync(targets[1]!.file, "theirs") });
    const error = await failure(writeAllOrNothing(targets, { overwrite: false, root: docs, display, fs }));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe("docs/projects/new-region/rfc.md already exists; nothing was written");
    expect(tree(path.join(docs, "new-region"))).toEqual({ "rfc.md": "theirs" });
  });

  it("two inits at once: exactly one wins, whole; the other is exit 1", async () => {
    const { docs, targets, display } = setup();
    const other = targets.map((t) => ({ ...t, content: `other ${t.content}` }));
    const results = await Promise.allSettled([
      writeAllOrNothing(targets, { overwrite: false, root: docs, display }),
      writeAllOrNothing(other, { overwrite: false, root: docs, display }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(RefusedError);
    const winner = results[0]!.status === "fulfilled" ? targets : other;
    expect(tree(path.join(docs, "new-region"))).toEqual({ "project.md": winner[0]!.content, "rfc.md": winner[1]!.content });
  });

  it("with overwrite, a failure puts the old files back", async () => {
    const { docs, targets, display } = setup({ "new-region/project.md": "old project", "new-region/rfc.md": "old rfc" });
    const before = tree(docs);
    const error = await failure(writeAllOrNothing(targets, { overwrite: true, root: docs, display, fs: faulty({ op: "rename", after: 1, code: "EIO" }) }));
    expect(error.exitCode).toBe(2);
    expect(tree(docs)).toEqual(before);
  });

  describe("one failure at each file-system call in turn: all or nothing", () => {
    for (const overwrite of [false, true]) {
      it(overwrite ? "replacing existing files" : "creating new files", async () => {
        const initial: Record<string, string> = overwrite ? { "new-region/project.md": "old project", "new-region/rfc.md": "old rfc" } : {};
        const clean = setup(initial);
        const counting = faulty();
        await writeAllOrNothing(clean.targets, { overwrite, root: clean.docs, fs: counting });
        expect(counting.calls.length).toBeGreaterThan(10);

        for (let at = 1; at <= counting.calls.length; at++) {
          const { root, docs, targets, display } = setup(initial);
          const before = tree(root);
          const fs = faulty({ at, code: "EIO" });
          const outcome = await writeAllOrNothing(targets, { overwrite, root: docs, display, fs }).then(
            () => "written",
            (e: unknown) => e,
          );
          const op = counting.calls[at - 1];
          if (outcome === "written") {
            // Only a failure in the clean-up after success lets the write succeed.
            expect(op, `call ${at}`).toBe("unlink");
            for (const t of targets) expect(readFileSync(t.file, "utf8")).toBe(t.content);
          } else {
            expect(outcome, `call ${at} (${op})`).toBeInstanceOf(CliError);
            expect((outcome as CliError).message, `call ${at} (${op})`).toMatch(/^cannot write .*: the disk reported an input\/output error; nothing was written$/);
            expect(tree(root), `call ${at} (${op})`).toEqual(before);
            expect(leftovers(root)).toEqual([]);
          }
        }
      });
    }
  });
});

describe("writeAllOrNothing refuses to write through symlinks or outside the root (exit 2)", () => {
  it("a symlinked project folder pointing outside the repository", async () => {
    const { docs, targets, display } = setup();
    const outside = tempDir("cloud-outside-");
    mkdirSync(docs, { recursive: true });
    symlinkSync(outside, path.join(docs, "new-region"));
    const error = await failure(writeAllOrNothing(targets, { overwrite: true, root: docs, display }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe("refusing to write into docs/projects/new-region: it is a symbolic link");
    expect(readdirSync(outside)).toEqual([]);
  });

  it("a symlinked target file", async () => {
    const { docs, targets, display } = setup({ "new-region/rfc.md": "x" });
    const outside = path.join(tempDir("cloud-outside-"), "victim");
    writeFileSync(outside, "victim");
    const link = targets[0]!.file;
    symlinkSync(outside, link);
    const error = await failure(writeAllOrNothing(targets, { overwrite: true, root: docs, display }));
    expect(error.message).toBe("refusing to write docs/projects/new-region/project.md: it is a symbolic link");
    expect(readFileSync(outside, "utf8")).toBe("victim");
  });

  it("a folder that resolves outside the root (a bind mount, or a swap after the check)", async () => {
    const { root, docs, targets, display } = setup();
    const outside = tempDir("cloud-outside-");
    const fs = { ...faulty(), realpath: async (p: string) => (p.endsWith("new-region") ? outside : systemWriteFs.realpath(p)) };
    const error = await failure(writeAllOrNothing(targets, { overwrite: false, root: docs, display, fs }));
    expect(error.message).toBe(`refusing to write into docs/projects/new-region: it resolves to ${outside}, outside docs/projects`);
    expect(existsSync(path.join(docs, "new-region"))).toBe(false);
    expect(leftovers(root)).toEqual([]);
  });

  it("a target outside the root", async () => {
    const { docs, display } = setup();
    const error = await failure(writeAllOrNothing([{ file: path.join(docs, "../../escape.md"), content: "x" }], { overwrite: false, root: docs, display }));
    expect(error.message).toBe("refusing to write escape.md: it is outside docs/projects");
  });

  it("a folder name that only starts with two dots is inside", async () => {
    const { docs, display } = setup();
    await writeAllOrNothing([{ file: path.join(docs, "..x/project.md"), content: "x" }], { overwrite: false, root: docs, display });
    expect(readFileSync(path.join(docs, "..x/project.md"), "utf8")).toBe("x");
  });
});
