import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * Every way this repository starts the built server runs node with the same flags: the heap cap
 * and no allocation-site pretenuring (docs/operations.md, "Memory"). NODE_OPTIONS cannot carry
 * the second, so each start command names them.
 */

const root = join(__dirname, '../../../..');
const read = (name: string) => readFile(join(root, name), 'utf8');
const flagsOf = (words: string[]) => words.filter((word) => word.startsWith('--'));

async function startCommands(): Promise<Record<string, string[]>> {
  const pkg = JSON.parse(await read('package.json')) as { scripts: Record<string, string> };
  const dockerCmd = /^CMD (\[.*\])$/m.exec(await read('Dockerfile'))?.[1];
  const execStart = /^ExecStart=(.*)$/m.exec(await read('deploy/wecom-gate.service'))?.[1];
  const pm2 = createRequire(__filename)(join(root, 'deploy/ecosystem.config.cjs')) as {
    apps: { node_args: string[] }[];
  };
  return {
    'start:prod': flagsOf(pkg.scripts['start:prod']!.split(' ')),
    // npm start runs the TypeScript through tsx's hook: its other flags are the same.
    start: flagsOf(pkg.scripts.start!.split(' ')).filter((flag) => flag !== '--require'),
    Dockerfile: flagsOf(JSON.parse(dockerCmd ?? '[]') as string[]),
    'wecom-gate.service': flagsOf((execStart ?? '').split(' ')),
    'ecosystem.config.cjs': pm2.apps[0]!.node_args,
  };
}

describe('start commands', () => {
  it('run node with the heap cap and without allocation-site pretenuring, all alike', async () => {
    const commands = await startCommands();
    const flags = ['--max-old-space-size=96', '--no-allocation-site-pretenuring'];
    expect(commands).toEqual(
      Object.fromEntries(Object.keys(commands).map((name) => [name, flags])),
    );
  });
});
