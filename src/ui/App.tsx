/**
 * The live view's Ink component: it turns keys and resizes into actions on the store. It draws
 * nothing itself: the frontend writes the screen with LineWriter (line-writer.ts says why), so
 * Ink keeps the terminal (raw mode, key decoding, resize, cleanup) without rebuilding every
 * character of every frame.
 */
import { useInput, useStdout } from 'ink';
import { useEffect } from 'react';
import { toUiKeys } from './keys.js';
import type { UiStore } from './store.js';

export function App({ store }: { store: UiStore }) {
  const { stdout } = useStdout();
  useEffect(() => {
    const onResize = () => store.dispatch({ type: 'resize', cols: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, store]);
  useInput((input, key) => {
    for (const k of toUiKeys(input, key)) store.dispatch({ type: 'key', key: k });
  });
  return null;
}
