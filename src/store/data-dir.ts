// The data directory holds the SQLite database (every AccessKey, sealed, and every bill) and
// master.key: only their owner may read them, whatever the process umask. A directory openeas
// creates is 0700. One that already exists keeps its mode: the user chose it, and it may be shared
// for other reasons (`--data-dir .`); that is why every file in it is made 0600 on its own.
import fs from 'node:fs';

const OWNER_ONLY_DIR = 0o700;
const OWNER_ONLY_FILE = 0o600;
// Windows has no permission bits to set.
const POSIX = process.platform !== 'win32';

// Causes worth a word of their own; any other error keeps its own message.
const CAUSES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file, not a directory, has that name',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** A file-system failure in the data directory, as one line that names the path and the cause. */
export class DataDirError extends Error {
  override name = 'DataDirError';
  readonly code: string | undefined;

  constructor(what: string, file: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason = code && CAUSES[code] ? `${CAUSES[code]} (${code})` : (cause as Error).message;
    super(`cannot ${what} ${file}: ${reason}`, { cause });
    this.code = code;
  }
}

/** Runs a file-system step; its failure becomes a DataDirError. */
function attempt<T>(what: string, file: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw new DataDirError(what, file, e);
  }
}

/** Creates the data directory (0700) if it is missing, and makes sure openeas may write in it. */
export function ensureDataDir(dir: string): void {
  const created = attempt('create the data directory', dir, () => fs.mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR }));
  // mkdir's mode passes through the umask: set it exactly on the directory asked for.
  if (created !== undefined && POSIX) fs.chmodSync(dir, OWNER_ONLY_DIR);
  // An existing directory may be read-only; say so now rather than as SQLite's "unable to open database file".
  attempt('write in the data directory', dir, () => fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK));
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
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new DataDirError('create', file, e);
    restrictToOwner(file);
    return;
  }
  try {
    if (POSIX) fs.fchmodSync(fd, OWNER_ONLY_FILE); // exact, whatever the umask removed
  } finally {
    fs.closeSync(fd);
  }
}
