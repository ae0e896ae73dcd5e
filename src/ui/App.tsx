/** The live view: renders the screen lines of the current state and turns keys and resizes into actions. */
import { Box, Text, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { toUiKeys } from './keys.js';
import { screenLines } from './screen.js';
import type { UiStore } from './store.js';
import type { Line } from './text.js';

function StyledLine({ line }: { line: Line }) {
  return (
    <Text wrap="truncate">
      {line.map((s, i) => (
        <Text key={i} color={s.color} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>
          {s.t}
        </Text>
      ))}
    </Text>
  );
}

export function App({ store }: { store: UiStore }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
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
  const lines = useMemo(() => screenLines(state), [state]);
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <StyledLine key={i} line={l} />
      ))}
    </Box>
  );
}
