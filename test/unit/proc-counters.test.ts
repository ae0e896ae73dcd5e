/**
 * parsers/proc-counters.ts on the real /proc text in fixtures/proc/ (containerd and a shim, two
 * snapshots), and src/host/proc-counters.ts reading those trees in place of /proc. Expected values
 * are taken from the files by plain splitting here, not by the parser under test.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcCounterParser, parsePollLine, parseSched, parseStat, parseStatus, parseUptime } from '../../parsers/proc-counters.js';
import { ProcCounterReader, counterTargets } from '../../src/host/proc-counters.js';

const DIR = new URL('../../fixtures/proc/', import.meta.url).pathname;
const PIDS = [2216, 2945];
const read = (p: string) => readFileSync(DIR + p, 'latin1');
const tids = (snap: string, pid: number) => readdirSync(`${DIR}${snap}/${pid}/task`).map(Number);
/** "key:<blanks>value" of a file, by regex. */
const val = (text: string, key: string) => Number(new RegExp(`^${key.replace('.', '\\.')}\\s*:\\s*(\\d+)$`, 'm').exec(text)![1]);
/** Field N (1-based) of a stat line whose comm has no blanks. */
const statField = (line: string, n: number) => Number(line.trim().split(' ')[n - 1]);

const sysDirs: string[] = [];
/** A /sys with these event source devices. */
function fakeSys(devices: string[]): string {
  const d = mkdtempSync(`${tmpdir()}/ctrscope-sys-`);
  sysDirs.push(d);
  for (const x of devices) mkdirSync(`${d}/bus/event_source/devices/${x}`, { recursive: true });
  return d;
}
afterAll(() => {
  for (const d of sysDirs) rmSync(d, { recursive: true, force: true });
});

describe('fixtures/proc', () => {
  it('holds both processes, with several threads each, in both snapshots', () => {
    for (const s of ['a', 'b']) for (const pid of PIDS) expect(tids(s, pid).length).toBeGreaterThanOrEqual(10);
  });
});

describe('parseStat on real stat lines', () => {
  it.each(PIDS.flatMap((pid) => ['a', 'b'].map((s) => [s, pid] as const)))('%s/%i: fields 1, 10, 12, 14, 15, 22', (s, pid) => {
    const line = read(`${s}/${pid}/stat`);
    const st = parseStat(line)!;
    expect(st).toEqual({
      pid,
      comm: pid === 2216 ? 'containerd' : 'containerd-shim',
      state: line.split(' ')[2],
      minflt: statField(line, 10),
      majflt: statField(line, 12),
      utime: statField(line, 14),
      stime: statField(line, 15),
      start: statField(line, 22),
    });
  });

  it('takes comm up to the last ") " (a comm may hold blanks and parentheses)', () => {
    const real = read('a/2945/stat');
    const odd = real.replace('(containerd-shim)', '(a) b (c)');
    expect(parseStat(odd)).toMatchObject({ pid: 2945, comm: 'a) b (c', minflt: statField(real, 10), start: statField(real, 22) });
  });

  it('is null for text cut short, a non-number, or no stat at all', () => {
    const real = read('a/2216/stat');
    const f = real.split(' ');
    expect(parseStat(f.slice(0, 21).join(' '))).toBeNull();
    expect(parseStat([...f.slice(0, 9), 'x', ...f.slice(10)].join(' '))).toBeNull();
    expect(parseStat([...f.slice(0, 9), 'x', ...f.slice(10)].join(' ').replace(' x ', ` ${f[9]} `))).not.toBeNull();
    expect(parseStat('')).toBeNull();
    expect(parseStat(null)).toBeNull();
    expect(parseStat(read('a/2216/task/2216/status'))).toBeNull();
  });
});

describe('parseStatus and parseSched on real thread files', () => {
  const threads = ['a', 'b'].flatMap((s) => PIDS.flatMap((pid) => tids(s, pid).map((tid) => `${s}/${pid}/task/${tid}`)));

  it('reads every thread\'s switches and migrations', () => {
    expect(threads.length).toBeGreaterThan(40);
    for (const t of threads) {
      const status = read(`${t}/status`);
      const sched = read(`${t}/sched`);
      expect(parseStatus(status), t).toEqual({ vcs: val(status, 'voluntary_ctxt_switches'), nvcs: val(status, 'nonvoluntary_ctxt_switches') });
      expect(parseSched(sched), t).toEqual({ migr: val(sched, 'se.nr_migrations'), vcs: val(sched, 'nr_voluntary_switches'), nvcs: val(sched, 'nr_involuntary_switches') });
    }
  });

  it('sched\'s switch counts are status\'s (read just after: equal, or a switch or two ahead)', () => {
    let ahead = 0;
    for (const t of threads) {
      const a = parseStatus(read(`${t}/status`))!;
      const b = parseSched(read(`${t}/sched`))!;
      for (const [x, y] of [[a.vcs, b.vcs!], [a.nvcs, b.nvcs!]] as const) {
        expect(y - x, t).toBeGreaterThanOrEqual(0);
        expect(y - x, t).toBeLessThanOrEqual(2);
        ahead += y - x;
      }
    }
    expect(ahead).toBeLessThan(10);
  });

  it('status: null when a line is missing or not a count; the two lines are told apart', () => {
    const real = read('a/2945/task/2947/status');
    expect(parseStatus(real.replace(/^voluntary_ctxt_switches:.*\n/m, ''))).toBeNull();
    expect(parseStatus(real.replace(/^nonvoluntary_ctxt_switches:.*\n?/m, ''))).toBeNull();
    expect(parseStatus(real.replace('voluntary_ctxt_switches:\t187', 'voluntary_ctxt_switches:\t-1'))).toBeNull();
    // Only the two lines, in the other order, no final newline.
    expect(parseStatus('nonvoluntary_ctxt_switches:\t6\nvoluntary_ctxt_switches:\t187')).toEqual({ vcs: 187, nvcs: 6 });
  });

  it('sched: a kernel without se.nr_migrations gives null migrations; other text is null', () => {
    const real = read('b/2216/task/2220/sched');
    expect(parseSched(real.replace(/^se\.nr_migrations.*\n/m, ''))).toEqual({ migr: null, vcs: val(real, 'nr_voluntary_switches'), nvcs: val(real, 'nr_involuntary_switches') });
    expect(parseSched(read('b/2216/task/2220/status'))).toBeNull();
    expect(parseSched(undefined)).toBeNull();
  });

  it('uptime in centiseconds (the unit of starttime)', () => {
    const text = read('a/uptime');
    expect(parseUptime(text)).toBe(Math.round(Number(text.split(' ')[0]) * 100));
    expect(parseUptime('12.3 4.5\n')).toBeNull();
    expect(parseUptime('')).toBeNull();
  });

  it('ProcCounterParser counts what it could not read', () => {
    const p = new ProcCounterParser();
    expect(p.stat(read('a/2216/stat'))).not.toBeNull();
    expect(p.status(read('a/2216/task/2216/status'))).not.toBeNull();
    expect(p.unreadable).toBe(0);
    p.stat('garbage');
    p.status(null);
    p.sched('');
    p.uptime('x');
    expect(p.poll('{"t":1}')).toBeNull();
    expect(p.poll('not json')).toBeNull();
    expect(p.unreadable).toBe(6);
  });
});

describe('ProcCounterReader on the fixture trees', () => {
  const noPmu = fakeSys(['breakpoint', 'msr', 'software', 'tracepoint', 'uprobe']);
  const reader = (snap: string, sys = noPmu, threads: 'auto' | 'status' = 'auto') => new ProcCounterReader({ proc: DIR + snap, sys, threads, now: () => 1000 });

  it('one process entry per target: stat\'s counters, thread rows from sched, sums over the threads', () => {
    const line = reader('a').line(PIDS.map((pid) => ({ pid })));
    expect(line).not.toContain('\n');
    const poll = parsePollLine(line)!.poll;
    expect(poll.t).toBe(1000);
    expect(poll.up).toBe(parseUptime(read('a/uptime')));
    expect(poll.hw).toBe(false);
    expect(poll.procs.map((p) => p.pid)).toEqual(PIDS);
    for (const p of poll.procs) {
      const stat = read(`a/${p.pid}/stat`);
      expect(p).toMatchObject({ start: statField(stat, 22), minflt: statField(stat, 10), majflt: statField(stat, 12), utime: statField(stat, 14), stime: statField(stat, 15) });
      const ts = tids('a', p.pid);
      expect(p.th.map((r) => r[0]).sort((x, y) => x - y)).toEqual(ts.sort((x, y) => x - y));
      const sched = (tid: number) => read(`a/${p.pid}/task/${tid}/sched`);
      expect(p.vcs).toBe(ts.reduce((a, tid) => a + val(sched(tid), 'nr_voluntary_switches'), 0));
      expect(p.nvcs).toBe(ts.reduce((a, tid) => a + val(sched(tid), 'nr_involuntary_switches'), 0));
      expect(p.migr).toBe(ts.reduce((a, tid) => a + val(sched(tid), 'se.nr_migrations'), 0));
      // containerd: the main thread is a small part of the switches (counting it alone is far off).
      if (p.pid === 2216) expect(p.th.find((r) => r[0] === 2216)![1]).toBeLessThan(p.vcs / 100);
    }
  });

  it('threads: "status" takes the switches from status (migrations still from sched)', () => {
    const p = parsePollLine(reader('a', noPmu, 'status').line([{ pid: 2945 }]))!.poll.procs[0]!;
    const st = (tid: number) => read(`a/2945/task/${tid}/status`);
    expect(p.vcs).toBe(tids('a', 2945).reduce((a, tid) => a + val(st(tid), 'voluntary_ctxt_switches'), 0));
    expect(p.nvcs).toBe(tids('a', 2945).reduce((a, tid) => a + val(st(tid), 'nonvoluntary_ctxt_switches'), 0));
    expect(p.migr).toBe(tids('a', 2945).reduce((a, tid) => a + val(read(`a/2945/task/${tid}/sched`), 'se.nr_migrations'), 0));
  });

  it('leaves out a pid that is not there, or whose start time is not the discovered one (reused)', () => {
    const start = statField(read('a/2216/stat'), 22);
    const poll = parsePollLine(reader('a').line([{ pid: 2216, startTime: start }, { pid: 2945, startTime: 1 }, { pid: 999999 }, { pid: 2216 }]))!.poll;
    expect(poll.procs.map((p) => p.pid)).toEqual([2216]);
    expect(poll.gone).toBe(2);
  });

  it('hw: true with a hardware PMU registered, null when the devices cannot be listed', () => {
    expect(parsePollLine(reader('a', fakeSys(['cpu', 'software'])).line([]))!.poll.hw).toBe(true);
    expect(parsePollLine(reader('a', `${DIR}no-such-sys`).line([]))!.poll.hw).toBeNull();
  });

  it('counterTargets: every containerd and every shim of a discovery, with start times', () => {
    const host = {
      containerd: [{ pid: 1, comm: 'containerd', role: 'containerd' as const, startTime: 5 }],
      shims: [{ pid: 2, comm: 'containerd-shim', role: 'shim' as const, startTime: 6 }, { pid: 3, comm: 'containerd-shim', role: 'shim' as const }],
      containers: [{ pid: 4, comm: 'sh', role: 'container' as const }],
    };
    expect(counterTargets(host)).toEqual([{ pid: 1, startTime: 5 }, { pid: 2, startTime: 6 }, { pid: 3, startTime: undefined }]);
  });
});
