import type { Config, WecomConfig } from './config';
import { ConfigError } from './config';
import { isScenarioName, type Simulator, scenarioNames, startSimulator } from './sandbox';

/**
 * Where WeCom calls go: the configured corp, or in sandbox mode (no WECOM_CORP_ID) a simulator
 * started here in the SANDBOX_SCENARIO. Shared by the server and the admin CLIs.
 */
export async function resolveWecomTarget(
  config: Config,
): Promise<{ wecomConfig: WecomConfig; simulator?: Simulator }> {
  if (config.wecom) return { wecomConfig: config.wecom };
  const scenario = config.sandboxScenario;
  if (!isScenarioName(scenario)) {
    throw new ConfigError(
      `Invalid configuration: SANDBOX_SCENARIO must be one of ${scenarioNames.join(', ')}`,
    );
  }
  const simulator = await startSimulator({ scenario });
  return { wecomConfig: simulator.wecomConfig(), simulator };
}
