import { isScenarioName, scenarioNames, startSimulator } from './index';

/**
 * `tsx server/src/sandbox/main.ts`: starts the simulator and prints one JSON line
 * `{url, corpId, wecomConfig}`. Env: SANDBOX_PORT, SANDBOX_SCENARIO, SANDBOX_LATENCY_MS, and for
 * the big-corp scenario SANDBOX_BIG_CORP_MEMBERS and SANDBOX_BIG_CORP_DEPARTMENTS (its size).
 */

function integer(name: string, fallback: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`${name} must be a whole number from 0 to ${max}`);
  }
  return value;
}

async function main(): Promise<void> {
  const scenario = process.env.SANDBOX_SCENARIO?.trim() || 'healthy';
  if (!isScenarioName(scenario))
    throw new Error(
      `SANDBOX_SCENARIO: unknown scenario ${JSON.stringify(scenario)} (one of ${scenarioNames.join(', ')})`,
    );
  const simulator = await startSimulator({
    port: integer('SANDBOX_PORT', 0, 65535),
    latencyMs: integer('SANDBOX_LATENCY_MS', 0, 60_000),
    scenario,
    bigCorp: {
      members: integer('SANDBOX_BIG_CORP_MEMBERS', 20_000, 1_000_000),
      departments: integer('SANDBOX_BIG_CORP_DEPARTMENTS', 1000, 100_000),
    },
  });
  process.stdout.write(
    `${JSON.stringify({ url: simulator.url, corpId: simulator.corpId, wecomConfig: simulator.wecomConfig() })}\n`,
  );
  const stop = () => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
