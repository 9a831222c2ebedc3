/** The WeCom simulator: real HTTP, demo corp, scenarios, faults, counters (see README.md here). */

export { BIG_CORP_FIRST_DEPARTMENT_ID, bigCorpUserid } from './big-corp';
export type { OrgChangeEvent } from './org';
export { isScenarioName, scenarioDescriptions, scenarioNames } from './scenarios';
export {
  addGeneratedFollowers,
  customerId,
  DEMO_APP_AGENT_ID,
  DEMO_DIRECTORY_SYNC_SECRET,
  DEMO_FACTS,
  DEMO_MINIPROGRAM_APPID,
  DEMO_OTHER_APP_SECRET,
  demoCorp,
  groupChatId,
  OTHER_CORP_ID,
  OTHER_CORP_SECRET,
} from './seed';
export type { DemoCorp } from './seed-types';
export { startSimulator } from './simulator';
export type {
  CorpSimulator,
  OrgView,
  ScenarioName,
  Simulator,
  StartSimulatorOptions,
} from './types';
