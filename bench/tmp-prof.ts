import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { startSimulator } from '../server/src/sandbox';

async function main() {
  const sim = await startSimulator({});
  const w = sim.wecomConfig();
  const env = {
    PATH: process.env.PATH!,
    PORT: '3917',
    WECOM_CORP_ID: w.corpId,
    WECOM_APP_SECRET: w.secrets.app,
    WECOM_API_BASE: w.apiBase,
    REDIS_URL: process.env.TEST_REDIS_URL!,
    REDIS_KEY_PREFIX: 'prof:',
    JWT_SECRET: 'x'.repeat(40),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const child = spawn(
    process.execPath,
    ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--import', 'tsx', 'server/src/index.ts'],
    { env, stdio: 'inherit', cwd: '/work/wt/prod' },
  );
  await new Promise((r) => setTimeout(r, 3000));
  const res = await fetch('http://127.0.0.1:3917/api/sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: sim.issueLoginCode('zhangsan') }),
  });
  const { token } = (await res.json()) as { token: string };
  const r = await autocannon({
    url: 'http://127.0.0.1:3917/api/me',
    connections: 50,
    duration: 4,
    headers: { authorization: `Bearer ${token}` },
  });
  console.log(r.requests.average, r.non2xx);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await sim.close();
}
main();
