/**
 * The live view: renders the screen lines of the current state and turns keys and resizes into
 * actions. The screen memo lives as long as the view, so an unchanged panel hands back the same
 * line objects and their <Text> elements are not re-rendered.
 */
import { Box, Text, useInput, useStdout } from 'ink';
import { memo, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { toUiKeys } from './keys.js';
import { ScreenMemo, screenLines } from './screen.js';
import type { UiStore } from './store.js';
import type { Line } from './text.js';

const ASCII = /^[\x20-\x7e]*$/;
const NON_ASCII = /([^\x20-\x7e]+)/;

/**
 * A line cut where it turns from ASCII to other characters and back. Ink measures each <Text> it
 * draws with string-width, every frame, and anything but plain ASCII takes its slow path (a
 * grapheme segmenter over the whole text): one box-drawing separator made a 160-cell row slow.
 */
function runs(line: Line): Line[] {
  const out: Line[] = [];
  let run: Line = [];
  let ascii: boolean | null = null;
  for (const s of line) {
    for (const t of s.t.split(NON_ASCII)) {
      if (!t) continue;
      const a = ASCII.test(t);
      if (a !== ascii && run.length) out.push((run = []));
      if (!out.length) out.push(run);
      ascii = a;
      run.push(t === s.t ? s : { ...s, t });
    }
  }
  return out;
}

const Segs = ({ line }: { line: Line }) =>
  line.map((s, i) => (
    <Text key={i} color={s.color} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>
      {s.t}
    </Text>
  ));

/** One line; re-rendered only when it is another line object. */
const StyledLine = memo(function StyledLine({ line }: { line: Line }) {
  const parts = runs(line);
  if (parts.length <= 1)
    return (
      <Text wrap="truncate">
        <Segs line={line} />
      </Text>
    );
  return (
    <Box>
      {parts.map((p, i) => (
        <Text key={i} wrap="truncate">
          <Segs line={p} />
        </Text>
      ))}
    </Box>
  );
});

export function App({ store }: { store: UiStore }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [screen] = useState(() => new ScreenMemo());
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
  const lines = useMemo(() => screenLines(state, screen), [state, screen]);
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <StyledLine key={i} line={l} />
      ))}
    </Box>
  );
}
