import {
  type Simulator,
  type StartSimulatorOptions,
  startSimulator,
} from '../../server/src/sandbox/index';
import { registerSecretSource } from './leak-check';

// One afterAll per test file (this module is loaded once per file), so startTestSimulator may be
// called at the top level, in beforeAll or inside a test.
const started: Simulator[] = [];
afterAll(async () => {
  await Promise.all(started.splice(0).map((simulator) => simulator.close()));
});

export async function startTestSimulator(options?: StartSimulatorOptions): Promise<Simulator> {
  const simulator = await startSimulator(options);
  started.push(simulator);
  registerSecretSource(() => simulator.issuedSecrets());
  return simulator;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert on them
export type WecomAnswer = { errcode: number; errmsg: string } & Record<string, any>;

/** GET or POST a simulator API (path below /cgi-bin/) and parse the JSON answer. */
export async function callWecom(
  simulator: Simulator,
  api: string,
  query: Record<string, string> = {},
  body?: unknown,
): Promise<WecomAnswer> {
  const url = `${simulator.url}/cgi-bin/${api}?${new URLSearchParams(query)}`;
  const response = await fetch(
    url,
    body === undefined
      ? undefined
      : {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        },
  );
  return (await response.json()) as WecomAnswer;
}

/** A fresh access token for `secret` (default: the mini-program app's secret). */
export async function tokenFor(
  simulator: Simulator,
  secret?: string,
  corpId?: string,
): Promise<string> {
  const answer = await callWecom(simulator, 'gettoken', {
    corpid: corpId ?? simulator.corpId,
    corpsecret: secret ?? simulator.seed.miniprogramApp.secret,
  });
  if (answer.errcode !== 0) throw new Error(`gettoken failed: ${answer.errcode}`);
  return answer.access_token as string;
}

/** What an entry point started in a process of its own needs to serve the simulator's corp. */
export const simulatorCorpEnv = (simulator: Simulator): Record<string, string> => ({
  WECOM_CORP_ID: simulator.corpId,
  WECOM_APP_SECRET: simulator.seed.miniprogramApp.secret,
  WECOM_API_BASE: simulator.url,
  JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
});
