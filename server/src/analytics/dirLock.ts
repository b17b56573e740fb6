/**
 * One writer per directory: a LOCK file holding the owner's pid. A lock whose owner is gone (a
 * crash) is taken over. Used by the spool and the embedded analytics database, which two live
 * processes must never open at once.
 */
import { open, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The pid holding `dir`'s lock, if another live process does; otherwise takes it and returns null. */
export async function takeDirLock(dir: string): Promise<number | null> {
  const path = join(dir, "LOCK");
  try {
    const fh = await open(path, "wx");
    await fh.writeFile(String(process.pid));
    await fh.close();
    return null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const owner = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (owner && owner !== process.pid && isAlive(owner)) return owner;
    await writeFile(path, String(process.pid));
    return null;
  }
}

/** Gives the lock back if this process holds it. */
export async function releaseDirLock(dir: string): Promise<void> {
  const path = join(dir, "LOCK");
  const owner = Number((await readFile(path, "utf8").catch(() => "")).trim());
  if (owner === process.pid) await unlink(path).catch(() => undefined);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
