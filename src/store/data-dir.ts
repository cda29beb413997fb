// The data directory holds the SQLite database (every AccessKey, sealed, and every bill) and
// master.key: only their owner may read them, whatever the process umask. A directory openeas
// creates is 0700. One that already exists keeps its mode: the user chose it, and it may be shared
// for other reasons (`--data-dir .`); that is why every file in it is made 0600 on its own.
import fs from 'node:fs';

const OWNER_ONLY_DIR = 0o700;
const OWNER_ONLY_FILE = 0o600;
// Windows has no permission bits to set.
const POSIX = process.platform !== 'win32';

/** Creates the data directory (0700) if it is missing. */
export function ensureDataDir(dir: string): void {
  const created = fs.mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR });
  // mkdir's mode passes through the umask: set it exactly on the directory asked for.
  if (created !== undefined && POSIX) fs.chmodSync(dir, OWNER_ONLY_DIR);
}

/** Takes group and other access away from a file we own, if it exists (files of older versions were 0644). */
export function restrictToOwner(file: string): void {
  if (!POSIX) return;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if ((stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) fs.chmodSync(file, OWNER_ONLY_FILE);
}

/** Makes sure `file` exists and is 0600 before anything else (SQLite) opens it. */
export function ensurePrivateFile(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', OWNER_ONLY_FILE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    restrictToOwner(file);
    return;
  }
  try {
    if (POSIX) fs.fchmodSync(fd, OWNER_ONLY_FILE); // exact, whatever the umask removed
  } finally {
    fs.closeSync(fd);
  }
}
