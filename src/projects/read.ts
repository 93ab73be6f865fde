/**
 * Projects on disk: find them under the docs folder, read project.md and its RFC, and gather the
 * evidence the pure checker needs.
 */
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { InputError, UsageError, type InputProblemAt } from "../errors.js";
import { fileErrorReason, MAX_DOCUMENT_BYTES, MAX_FRONT_MATTER_BYTES, readTextFileSync, readTextFileSyncIfPresent } from "../io/bounded-read.js";
import { parseProjectDocument, type ProjectDocument } from "./front-matter.js";
import { parseSections } from "./sections.js";
import type { SectionSource } from "../gates/judge.js";

export const PROJECT_FILE = "project.md";
export const RFC_FILE = "rfc.md";

export interface LoadedProject {
  project: ProjectDocument;
  documents: SectionSource[];
  /** Absolute folder of project.md; links resolve against it. */
  dir: string;
  exists(relativePath: string): boolean;
}

const SKIP_DIRS = new Set(["node_modules", ".git"]);

/**
 * Every project.md under `root`, sorted, at most a few levels deep. A folder that cannot be read is an
 * InputError (exit 2) naming it (relative to `cwd` when given, else absolute), or, below the root and
 * with `unreadable` given, a problem added there while the walk goes on.
 */
export async function discoverProjects(root: string, depth = 4, cwd?: string, unreadable?: InputProblemAt[]): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, level: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" && level === 0) return;
      // With somewhere to report it, one folder that cannot be read does not stop the others.
      const shown = cwd === undefined ? dir : displayPath(dir, cwd);
      if (unreadable && level > 0) {
        unreadable.push({ location: shown, message: `cannot read the folder: ${fileErrorReason(error)}` });
        return;
      }
      throw new InputError(`cannot read the folder ${cwd === undefined ? dir : displayPath(dir, cwd)}: ${fileErrorReason(error)}`, { cause: error });
    }
    for (const entry of entries) {
      if (entry.isFile() && entry.name === PROJECT_FILE) found.push(path.join(dir, entry.name));
    }
    if (level >= depth) return;
    await Promise.all(
      entries
        .filter((e) => e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith("."))
        .map((e) => walk(path.join(dir, e.name), level + 1)),
    );
  };
  await walk(root, 0);
  return found.sort();
}

/** A path argument is a project folder or its project.md. */
export async function resolveProjectPath(arg: string, cwd: string): Promise<string> {
  const absolute = path.resolve(cwd, arg);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "does not exist" : `cannot be read: ${fileErrorReason(error)}`;
    throw new UsageError(`'${arg}' ${reason}`, { hint: "Pass a project folder or its project.md." });
  }
  if (info.isDirectory()) {
    const file = path.join(absolute, PROJECT_FILE);
    if (!existsSync(file)) throw new UsageError(`'${arg}' has no ${PROJECT_FILE}`, { hint: "Pass a project folder or its project.md." });
    return file;
  }
  return absolute;
}

export function displayPath(absolute: string, cwd: string): string {
  // The common case, a file below the working directory, without path.relative's normalising.
  const prefix = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  if (absolute.startsWith(prefix) && !absolute.includes(`${path.sep}..`)) {
    return absolute.slice(prefix.length).split(path.sep).join("/");
  }
  const relative = path.relative(cwd, absolute);
  return (relative === "" ? "." : relative).split(path.sep).join("/");
}

/**
 * Synchronous reads: for many small files they are several times faster than fs/promises. Both files
 * are read bounded (src/io/bounded-read.ts): a regular UTF-8 file of at most MAX_FRONT_MATTER_BYTES
 * (project.md) or MAX_DOCUMENT_BYTES (the RFC), else an InputError (exit 2) naming the path.
 */
export function loadProject(file: string, cwd: string): LoadedProject {
  const shown = displayPath(file, cwd);
  const text = readTextFileSync(file, { maxBytes: MAX_FRONT_MATTER_BYTES, what: "project file", shown });
  const project = parseProjectDocument(text, shown);
  const dir = path.dirname(file);
  const documents: SectionSource[] = [];
  const rfcDoc = project.frontMatter.rfc?.doc;
  const rfcPath = rfcDoc && !/^[a-z][a-z0-9+.-]*:\/\//i.test(rfcDoc) ? path.resolve(dir, rfcDoc) : path.join(dir, RFC_FILE);
  // What is known to exist is not asked again: the judge asks about the RFC, which was just read.
  const present = new Map<string, boolean>([[file, true]]);
  if (rfcPath !== file) {
    const rfcShown = displayPath(rfcPath, cwd);
    const rfcText = readTextFileSyncIfPresent(rfcPath, {
      maxBytes: MAX_DOCUMENT_BYTES,
      what: "RFC",
      shown: rfcShown,
      ...(rfcDoc ? { hint: `Point rfc.doc in ${shown} at the project's Markdown RFC.` } : {}),
    });
    present.set(rfcPath, rfcText !== undefined);
    if (rfcText !== undefined) documents.push({ file: rfcShown, sections: parseSections(rfcText) });
  }
  documents.push({ file: shown, sections: parseSections(project.body, project.bodyLine) });
  return {
    project,
    documents,
    dir,
    exists: (relative) => {
      const absolute = path.resolve(dir, relative);
      let found = present.get(absolute);
      if (found === undefined) present.set(absolute, (found = existsSync(absolute)));
      return found;
    },
  };
}
