/** Files written whole or not at all. */
import { randomBytes } from "node:crypto";
import { link, mkdir, open, rename, unlink } from "node:fs/promises";
import path from "node:path";

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
