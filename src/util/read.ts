/**
 * Reading a file that may not be there: /proc entries of a process that can vanish between two
 * reads, /sys and cgroup files a kernel may not have. The one read-or-null helper.
 */
import { readFileSync } from 'node:fs';

/** The file's text, or null when it cannot be read (gone, absent, not permitted). */
export function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
