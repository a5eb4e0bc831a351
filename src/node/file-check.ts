/**
 * The headless runner's check of a file a run config names, made while the config is
 * validated: a missing file, a folder or a device (`/dev/zero` never ends) is a problem in the
 * config, listed with the others, not an error halfway through loading.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { resolve } from 'node:path';

/** A check of paths relative to `baseDir` (the config's folder): a problem, or undefined when the file can be read. */
export function fileCheck(baseDir: string): (path: string) => Promise<string | undefined> {
  return async (path) => {
    const full = resolve(baseDir, path);
    const where = full === path ? `"${path}"` : `"${path}" (${full})`;
    try {
      const s = await stat(full);
      if (s.isDirectory()) return `${where} is a folder, not a file`;
      if (!s.isFile()) return `${where} is not a regular file (a device, pipe or socket cannot be read as data)`;
      await access(full, constants.R_OK);
      return undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return `${where} does not exist`;
      if (code === 'EACCES' || code === 'EPERM') return `${where} cannot be read (permission denied)`;
      return `${where} cannot be read (${code ?? (err as Error).message})`;
    }
  };
}
