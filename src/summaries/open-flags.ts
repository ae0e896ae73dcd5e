/** openat(2) flags and errno numbers as names (Linux's generic values, which x86_64 and arm64 use). */

const FLAGS: Array<[number, string]> = [
  [0o100, 'O_CREAT'],
  [0o200, 'O_EXCL'],
  [0o400, 'O_NOCTTY'],
  [0o1000, 'O_TRUNC'],
  [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'],
  [0o10000, 'O_DSYNC'],
  [0o20000, 'O_ASYNC'],
  [0o40000, 'O_DIRECT'],
  [0o100000, 'O_LARGEFILE'],
  [0o200000, 'O_DIRECTORY'],
  [0o400000, 'O_NOFOLLOW'],
  [0o1000000, 'O_NOATIME'],
  [0o2000000, 'O_CLOEXEC'],
  [0o4000000, '__O_SYNC'],
  [0o10000000, 'O_PATH'],
  [0o20000000, '__O_TMPFILE'],
];

/** 524288 → "O_RDONLY|O_CLOEXEC"; unknown bits are kept as a hex remainder. */
export function openFlags(flags: number): string {
  const acc = flags & 3;
  const parts = [acc === 0 ? 'O_RDONLY' : acc === 1 ? 'O_WRONLY' : acc === 2 ? 'O_RDWR' : 'O_ACCMODE'];
  let rest = flags & ~3;
  for (const [bit, name] of FLAGS) {
    if (rest & bit) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest) parts.push(`0x${rest.toString(16)}`);
  return parts.join('|');
}

const ERRNO: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 8: 'ENOEXEC', 9: 'EBADF', 10: 'ECHILD',
  11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY', 17: 'EEXIST', 18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR',
  21: 'EISDIR', 22: 'EINVAL', 23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY', 26: 'ETXTBSY', 27: 'EFBIG', 28: 'ENOSPC', 30: 'EROFS',
  31: 'EMLINK', 36: 'ENAMETOOLONG', 40: 'ELOOP', 95: 'EOPNOTSUPP', 110: 'ETIMEDOUT', 122: 'EDQUOT',
};

/** 2 → "ENOENT"; unknown numbers read "errno N". */
export function errnoName(n: number): string {
  return ERRNO[n] ?? `errno ${n}`;
}
