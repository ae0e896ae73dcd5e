// CPU and memory of a process tree from /proc, for the benches of the modes that stay running
// (bench-live.mjs, bench-pair.mjs): a process's own CPU, and its tracers' (live descendants, and
// the reaped ones in its cutime/cstime).
import { readFileSync, readdirSync } from 'node:fs';

const HZ = 100; // USER_HZ

/** utime, stime, cutime, cstime (seconds), ppid, rss (bytes), threads of a pid, or null. */
export function stat(pid) {
  let s;
  try {
    s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), u: Number(f[11]) / HZ, s: Number(f[12]) / HZ, cu: Number(f[13]) / HZ, cs: Number(f[14]) / HZ, threads: Number(f[17]), rss: Number(f[21]) * 4096 };
}

/** The whole tree's CPU seconds so far, and its RSS. */
export function treeCost(root) {
  const me = stat(root);
  if (!me) return null;
  const kids = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = stat(Number(name));
    if (st) kids.set(Number(name), st);
  }
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, st] of kids) if (!inTree.has(pid) && inTree.has(st.ppid)) inTree.add(pid), (grew = true);
  }
  let childCpu = me.cu + me.cs;
  let childRss = 0;
  for (const pid of inTree) {
    if (pid === root) continue;
    const st = kids.get(pid);
    childCpu += st.u + st.s + st.cu + st.cs;
    childRss += st.rss;
  }
  return { own: me.u + me.s, children: childCpu, rss: me.rss, treeRss: me.rss + childRss, threads: me.threads, procs: inTree.size - 1 };
}

