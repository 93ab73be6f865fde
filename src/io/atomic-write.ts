/**
 * Files written whole or not at all.
 *
 * writeFileAtomic / createFileAtomic write one file. writeAllOrNothing writes several, such as a
 * project's project.md and rfc.md: either all of them end up in place or, whatever fails on the way
 * (a full disk, a permission, a file that appears meanwhile, a symlink), none of them does, no
 * temporary file is left, and folders it made are removed again.
 */
import { randomBytes } from "node:crypto";
import * as nodeFs from "node:fs/promises";
import { link, mkdir, open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { RefusedError, UsageError } from "../errors.js";
import { fileErrorReason } from "./bounded-read.js";

async function writeTemp(target: string, content: string): Promise<string> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", 0o644);
  try {
    await handle.writeFile(content, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** Write atomically: a temporary file in the same folder, fsynced, then renamed over the target. */
export async function writeFileAtomic(target: string, content: string): Promise<void> {
  const temp = await writeTemp(target, content);
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Write atomically and only if the target does not exist: the complete file is hard-linked into
 * place, which fails with EEXIST rather than replace a file created meanwhile.
 */
export async function createFileAtomic(target: string, content: string): Promise<void> {
  const temp = await writeTemp(target, content);
  try {
    await link(temp, target);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Several files, all or nothing

/** The file-system calls writeAllOrNothing makes; tests pass one that fails where they want. */
export interface WriteFs {
  lstat(file: string): Promise<{ isSymbolicLink(): boolean; isDirectory(): boolean; isFile(): boolean; dev: number; ino: number }>;
  realpath(file: string): Promise<string>;
  mkdir(dir: string): Promise<unknown>;
  rmdir(dir: string): Promise<void>;
  open(file: string, flags: string, mode: number): Promise<WriteHandle>;
  link(existing: string, created: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
}

export interface WriteHandle {
  writeFile(content: string, encoding: "utf8"): Promise<void>;
  sync(): Promise<void>;
  stat(): Promise<{ dev: number; ino: number }>;
  close(): Promise<void>;
}

export const systemWriteFs: WriteFs = {
  lstat: (file) => nodeFs.lstat(file),
  realpath: (file) => nodeFs.realpath(file),
  mkdir: (dir) => nodeFs.mkdir(dir),
  rmdir: (dir) => nodeFs.rmdir(dir),
  open: (file, flags, mode) => nodeFs.open(file, flags, mode),
  link: (existing, created) => nodeFs.link(existing, created),
  rename: (from, to) => nodeFs.rename(from, to),
  unlink: (file) => nodeFs.unlink(file),
};

export interface WriteTarget {
  /** Absolute path of the file to write. */
  file: string;
  content: string;
}

export interface WriteAllOptions {
  /** Replace files that exist (`--force`); without it, any existing target refuses the whole write. */
  overwrite: boolean;
  /**
   * The folder everything must stay inside (the docs folder). It is created if missing; every folder
   * between it and a target must be a real folder (not a symlink) that resolves inside it.
   */
  root: string;
  /** How paths appear in messages (relative to the working directory); absolute when absent. */
  display?: (absolute: string) => string;
  fs?: WriteFs;
}

/**
 * Write every target, or none.
 *
 * 1. Check, writing nothing: each target lies lexically inside `root`; no folder between `root` and a
 *    target, and no target, is a symbolic link (lstat); a target that exists is a regular file, and
 *    without `overwrite` refuses everything (RefusedError, exit 1: "already exists; nothing was
 *    written").
 * 2. Create the missing folders, one level at a time, and check that each target's folder resolves
 *    (realpath) inside the real `root`.
 * 3. Write each file to a temporary file in its own folder (exclusive create, fsync, close).
 * 4. Place them: a file that did not exist is hard-linked into place, so one created meanwhile fails
 *    with EEXIST instead of being replaced; a file being overwritten is first hard-linked to a backup,
 *    then replaced by rename.
 * 5. On any failure, undo in reverse: remove each file placed (only if it is still ours: same inode),
 *    put each backup back, remove every temporary file and backup, and remove the folders made in 2
 *    (if empty). Then throw one sentence naming the path and the reason: RefusedError (exit 1) when a
 *    target appeared meanwhile, UsageError (exit 2) otherwise (a symlink, a folder outside the root,
 *    ENOSPC, EROFS, EACCES, ENOTDIR, …).
 *
 * On success the temporary files and backups are removed (a failure to remove one is ignored: the
 * files themselves are in place).
 */
export async function writeAllOrNothing(targets: readonly WriteTarget[], options: WriteAllOptions): Promise<void> {
  const fs = options.fs ?? systemWriteFs;
  const show = options.display ?? ((p: string) => p);
  const root = path.resolve(options.root);
  const files = targets.map((t) => ({ file: path.resolve(t.file), content: t.content }));
  if (new Set(files.map((f) => f.file)).size !== files.length) {
    throw new UsageError("the same file is to be written twice");
  }

  // 1. Inspect.
  const missingDirs = new Set<string>();
  const existing = new Set<string>();
  for (const { file } of files) {
    const relative = path.relative(root, file);
    if (relative === "" || relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
      throw new UsageError(`refusing to write ${show(file)}: it is outside ${show(root)}`);
    }
    const parts = relative.split(path.sep);
    let dir = root;
    let dirExists = true;
    for (const part of parts.slice(0, -1)) {
      dir = path.join(dir, part);
      if (!dirExists) {
        missingDirs.add(dir);
        continue;
      }
      const info = await lstatOrNull(fs, dir, show);
      if (info === null) {
        dirExists = false;
        missingDirs.add(dir);
      } else if (info.isSymbolicLink()) {
        throw new UsageError(`refusing to write into ${show(dir)}: it is a symbolic link`, { hint: "Replace the link with a real folder, or choose another name." });
      } else if (!info.isDirectory()) {
        throw new UsageError(`cannot write ${show(file)}: ${show(dir)} is not a folder`);
      }
    }
    if (!dirExists) continue;
    const info = await lstatOrNull(fs, file, show);
    if (info === null) continue;
    if (info.isSymbolicLink()) {
      throw new UsageError(`refusing to write ${show(file)}: it is a symbolic link`, { hint: "Remove the link first if the file should be written." });
    }
    if (!info.isFile()) throw new UsageError(`cannot write ${show(file)}: something that is not a file is in its place`);
    if (!options.overwrite) {
      throw new RefusedError(`${show(file)} already exists; nothing was written`, { hint: "Pass --force to overwrite it." });
    }
    existing.add(file);
  }

  const made: string[] = [];
  const temps = new Map<string, { temp: string; dev: number; ino: number }>();
  const backups = new Map<string, string>();
  const placed: string[] = [];
  let current = root;
  try {
    // 2. Folders, then where they really are.
    current = root;
    await mkdirp(fs, root, made);
    const realRoot = await fs.realpath(root);
    for (const dir of [...missingDirs].sort((a, b) => a.length - b.length)) {
      current = dir;
      try {
        await fs.mkdir(dir);
        made.push(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const info = await fs.lstat(dir);
        if (info.isSymbolicLink() || !info.isDirectory()) {
          throw new UsageError(`refusing to write into ${show(dir)}: it appeared meanwhile and is not a folder`);
        }
      }
    }
    const checkInside = async () => {
      for (const dir of new Set(files.map((f) => path.dirname(f.file)))) {
        current = dir;
        const real = await fs.realpath(dir);
        if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
          throw new UsageError(`refusing to write into ${show(dir)}: it resolves to ${real}, outside ${show(root)}`);
        }
      }
    };
    await checkInside();

    // 3. Temporary files.
    for (const { file, content } of files) {
      current = file;
      const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
      const handle = await fs.open(temp, "wx", 0o644);
      let id: { dev: number; ino: number };
      try {
        temps.set(file, { temp, dev: 0, ino: 0 });
        await handle.writeFile(content, "utf8");
        await handle.sync();
        id = await handle.stat();
      } finally {
        await handle.close();
      }
      temps.set(file, { temp, dev: id.dev, ino: id.ino });
    }

    // 4. Into place: back up what is replaced, then place each file.
    for (const file of existing) {
      current = file;
      const backup = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.bak`);
      await fs.link(file, backup);
      backups.set(file, backup);
    }
    await checkInside();
    for (const { file } of files) {
      current = file;
      const { temp } = temps.get(file)!;
      if (existing.has(file)) await fs.rename(temp, file);
      else await fs.link(temp, file);
      placed.push(file);
    }
  } catch (error) {
    await undo(fs, { placed, temps, backups, made });
    throw describeWriteError(error, current, show);
  }
  // Done: only the leftovers go.
  for (const { temp } of temps.values()) await fs.unlink(temp).catch(() => undefined);
  for (const backup of backups.values()) await fs.unlink(backup).catch(() => undefined);
}

async function lstatOrNull(fs: WriteFs, file: string, show: (p: string) => string) {
  try {
    return await fs.lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw describeWriteError(error, file, show);
  }
}

/** `mkdir -p`, through the injected calls; what it creates is added to `made`, outermost first. */
async function mkdirp(fs: WriteFs, dir: string, made: string[]): Promise<void> {
  try {
    await fs.mkdir(dir);
    made.push(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    if (code !== "ENOENT" || path.dirname(dir) === dir) throw error;
    await mkdirp(fs, path.dirname(dir), made);
    try {
      await fs.mkdir(dir);
      made.push(dir);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== "EEXIST") throw again;
    }
  }
}

async function undo(
  fs: WriteFs,
  state: { placed: string[]; temps: Map<string, { temp: string; dev: number; ino: number }>; backups: Map<string, string>; made: string[] },
): Promise<void> {
  for (const file of [...state.placed].reverse()) {
    const backup = state.backups.get(file);
    if (backup !== undefined) {
      // rename is atomic: the old file is back in one step. Should that fail, the backup stays.
      await fs.rename(backup, file).catch(() => undefined);
      continue;
    }
    const ours = state.temps.get(file)!;
    const info = await fs.lstat(file).catch(() => null);
    if (info && info.dev === ours.dev && info.ino === ours.ino) await fs.unlink(file).catch(() => undefined);
  }
  for (const { temp } of state.temps.values()) await fs.unlink(temp).catch(() => undefined);
  for (const [file, backup] of state.backups) {
    // The backup of a file put back is gone; one that could not be put back is the only copy left.
    if (!state.placed.includes(file)) await fs.unlink(backup).catch(() => undefined);
  }
  for (const dir of [...state.made].reverse()) await fs.rmdir(dir).catch(() => undefined);
}

function describeWriteError(error: unknown, file: string, show: (p: string) => string): Error {
  if (error instanceof UsageError || error instanceof RefusedError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "EEXIST") {
    return new RefusedError(`${show(file)} already exists; nothing was written`, {
      hint: "Another run may have created it meanwhile. Pass --force to overwrite it.",
      cause: error,
    });
  }
  return new UsageError(`cannot write ${show(file)}: ${fileErrorReason(error)}; nothing was written`, { cause: error });
}
