/**
 * The log line of the live view's containerd panel (pure): containerd's log records as they
 * arrive, read as errors and warnings per second over a sliding window of wall-clock time (the
 * records' own times) and the newest error with its age. Fatal and panic lines count as errors.
 */
import { LOG_LEVELS, type LogLevel, type LogRecord } from '../../parsers/containerd-log.js';
import { messageTemplate, containerOf } from './containerd-logs.js';

export const LOG_WINDOW_MS = 10_000;

export interface ContainerdLogView {
  errorsPerSec: number;
  warningsPerSec: number;
  windowSeconds: number;
  /** The newest error seen (also from the lines just before the view started). */
  newestError: { message: string; template: string; ageSeconds: number; count: number } | null;
  /** Lines by level read since the view started or was reset (the lines just before its start included), and lines that could not be read. */
  levels: Record<LogLevel, number>;
  lines: number;
  unreadLines: number;
}

const isError = (l: LogLevel) => l === 'error' || l === 'fatal' || l === 'panic';

/** The message an error line shows: msg, and its error field when it has one. */
export function errorText(r: LogRecord): string {
  return r.fields.error ? `${r.msg}: ${r.fields.error}` : r.msg;
}

export class ContainerdLogPanel {
  /** Wall-clock ms of error and warning records inside the window, oldest first. */
  private errors: number[] = [];
  private warnings: number[] = [];
  private newest: { message: string; template: string; wallMs: number } | null = null;
  /** Errors with the newest error's template, since the view started. */
  private byTemplate = new Map<string, number>();
  private levels = Object.fromEntries(LOG_LEVELS.map((l) => [l, 0])) as Record<LogLevel, number>;
  private lines = 0;

  /** `wallNowMs`: when the record arrived; used when the line carries no time. */
  add(r: LogRecord, wallNowMs: number): void {
    this.lines++;
    this.levels[r.level]++;
    const at = r.timeMs ?? wallNowMs;
    if (isError(r.level)) {
      insertSorted(this.errors, at);
      const c = containerOf(r);
      const template = messageTemplate(errorText(r), c ? [c.id] : []);
      if (this.byTemplate.size < 1000 || this.byTemplate.has(template)) this.byTemplate.set(template, (this.byTemplate.get(template) ?? 0) + 1);
      if (!this.newest || at >= this.newest.wallMs) this.newest = { message: errorText(r), template, wallMs: at };
    } else if (r.level === 'warning') insertSorted(this.warnings, at);
  }

  /** Forget counts and rates (the newest error stays: it is still the newest). */
  reset(): void {
    this.errors = [];
    this.warnings = [];
    this.byTemplate.clear();
    this.levels = Object.fromEntries(LOG_LEVELS.map((l) => [l, 0])) as Record<LogLevel, number>;
    this.lines = 0;
  }

  view(wallNowMs: number, unreadLines: number): ContainerdLogView {
    const from = wallNowMs - LOG_WINDOW_MS;
    const prune = (xs: number[]) => {
      let i = 0;
      while (i < xs.length && xs[i]! <= from) i++;
      if (i) xs.splice(0, i);
      return xs.filter((x) => x <= wallNowMs).length;
    };
    const w = LOG_WINDOW_MS / 1000;
    const n = this.newest;
    return {
      errorsPerSec: prune(this.errors) / w,
      warningsPerSec: prune(this.warnings) / w,
      windowSeconds: w,
      newestError: n ? { message: n.message, template: n.template, ageSeconds: Math.max(0, (wallNowMs - n.wallMs) / 1000), count: this.byTemplate.get(n.template) ?? 0 } : null,
      levels: { ...this.levels },
      lines: this.lines,
      unreadLines,
    };
  }
}

/** Appends keeping order (records arrive almost in order: the search runs from the end). */
function insertSorted(xs: number[], v: number): void {
  let i = xs.length;
  while (i > 0 && xs[i - 1]! > v) i--;
  xs.splice(i, 0, v);
}
