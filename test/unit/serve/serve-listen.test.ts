/** serve's --listen: what is refused at the boundary, and binding failures as one line each. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeServer, listen, parseListen } from '../../../src/serve/listen.js';
import { CtrscopeError, ExitCode } from '../../../src/errors.js';

const refused = (v: string) => {
  try {
    parseListen(v);
  } catch (e) {
    expect(e).toBeInstanceOf(CtrscopeError);
    return (e as CtrscopeError).line();
  }
  throw new Error(`accepted ${v}`);
};

describe('serve --listen', () => {
  it('reads HOST:PORT for IPv4, [IPv6] and localhost', () => {
    expect(parseListen('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseListen('localhost:0')).toEqual({ host: 'localhost', port: 0 });
  });

  it('refuses a bad address with one line naming the flag', () => {
    for (const bad of ['9464', '127.0.0.1', '127.0.0.1:99999', '300.1.1.1:9464', 'example.com:80', '127.0.0.1:94a', ':9464', '$(id):1', '[::g]:1']) {
      const line = refused(bad);
      expect(line).toMatch(/^ctrscope: --listen /);
      expect(line.split('\n')).toHaveLength(1);
    }
  });

  it('a busy port is one line, exit code usage', async () => {
    const other = createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const port = (other.address() as { port: number }).port;
    try {
      const err = await listen({ host: '127.0.0.1', port }, () => undefined).then(
        () => null,
        (e) => e,
      );
      expect(err).toBeInstanceOf(CtrscopeError);
      expect(err.exitCode).toBe(ExitCode.usage);
      expect(err.line()).toMatch(/already in use/);
    } finally {
      other.close();
    }
  });

  it('an address this host does not have is one line', async () => {
    // TEST-NET-1 (RFC 5737): never configured on a host.
    const err = await listen({ host: '192.0.2.1', port: 9464 }, () => undefined).then(
      () => null,
      (e) => e,
    );
    expect(err?.line()).toMatch(/is not an address of this host/);
  });

  it('port 0 gets a free port; the server closes with its connections', async () => {
    const { server, port } = await listen({ host: '127.0.0.1', port: 0 }, (_q, res) => void res.end('x'));
    expect(port).toBeGreaterThan(0);
    const r = await fetch(`http://127.0.0.1:${port}/`);
    expect(await r.text()).toBe('x');
    await closeServer(server);
    expect(server.listening).toBe(false);
  });
});
