/** Ink's key events to the live view's keys. */
import type { Key } from 'ink';
import type { UiKey } from './state.js';

const PLAIN = new Set(['p', 'r', 's', 'e', '?', 'q', 'y', 'n', '1', '2', '3', '4', '5', '6', '7']);

export function toUiKey(input: string, key: Key): UiKey | null {
  if (key.ctrl && input === 'c') return 'ctrl-c';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.return) return 'enter';
  if (key.escape || key.backspace || key.delete) return 'escape';
  if (key.ctrl || key.meta) return null;
  const c = input.toLowerCase();
  return PLAIN.has(c) ? (c as UiKey) : null;
}

const TYPED: Record<string, UiKey> = { '\r': 'enter', '\n': 'enter', '\t': 'tab', '\x7f': 'escape', '\x03': 'ctrl-c' };

/**
 * Ink hands over plain text that arrived in one read as one input ("6\r" when two keys came
 * quickly, or were pasted): each character is then a key of its own.
 */
export function toUiKeys(input: string, key: Key): UiKey[] {
  if (input.length > 1 && !input.includes('\x1b') && !key.ctrl && !key.meta) {
    return [...input].map((c) => TYPED[c] ?? (PLAIN.has(c.toLowerCase()) ? (c.toLowerCase() as UiKey) : null)).filter((k): k is UiKey => k !== null);
  }
  const k = toUiKey(input, key);
  return k ? [k] : [];
}
