import type { CredentialName } from '../config/index';
import { addBigCorp, type BigCorpOptions } from './big-corp';
import type { DemoCorp } from './seed-types';
import type { ScenarioName } from './types';

/** Misconfigurations the simulator can start in, so admins and tests can see the doctor's answers. */

export const scenarioNames: readonly ScenarioName[] = [
  'healthy',
  'wrong-secret',
  'wrong-corp',
  'untrusted-ip',
  'not-associated',
  'contact-not-callable',
  'no-contact-permission',
  'narrow-visible-range',
  'directory-sync-secret',
  'big-corp',
];

export const scenarioDescriptions: Readonly<Record<ScenarioName, string>> = {
  healthy: 'Everything configured correctly.',
  'wrong-secret': 'The app secret is wrong (reset or mistyped): gettoken answers 40001.',
  'wrong-corp': 'The corp ID is wrong: gettoken answers 40013.',
  'untrusted-ip':
    "The server's IP is not in the app's 企业可信IP: every API but gettoken answers 60020.",
  'not-associated':
    'The app secret belongs to a self-built app that is not associated with the mini-program: jscode2session answers 48002.',
  'contact-not-callable':
    'The associated app is not in 客户联系 → 可调用接口的应用: externalcontact APIs answer 48002.',
  'no-contact-permission':
    'The app has no customer-contact permission: externalcontact APIs answer 84074.',
  'narrow-visible-range':
    "The app's visible range holds only zhangsan: user/get answers 60011 for others and follow_user is filtered.",
  'directory-sync-secret':
    'The directory secret is the 通讯录同步 one: user/get and department/list answer 48009.',
  'big-corp':
    'A generated world of 20,000 more members in 1,000 more departments, all in the visible range: groupchat/list without owner_filter answers 81017.',
};

export const WRONG_SECRET = 'YsDemoWrongSecretThatWasResetLongAgo0000000E';
export const WRONG_CORP_ID = 'ww0000000000000000';
/** The 企业可信IP list of the 'untrusted-ip' scenario (documentation range, not loopback). */
export const UNTRUSTED_SCENARIO_IPS = ['203.0.113.10'];

export interface ScenarioSetup {
  /** The effective seed (a copy of the input, changed by the scenario). */
  seed: DemoCorp;
  trustedIps: string[] | null;
  contactPermission: boolean;
  /** People counted in the visible range without being seeded (big-corp). */
  extraVisibleMembers: number;
  corpIdForConfig: string;
  secretsForConfig: Record<CredentialName, string>;
}

export function isScenarioName(value: string): value is ScenarioName {
  return (scenarioNames as readonly string[]).includes(value);
}

export function setUpScenario(
  name: ScenarioName,
  input: DemoCorp,
  bigCorp?: BigCorpOptions,
): ScenarioSetup {
  const seed = structuredClone(input);
  const app = seed.miniprogramApp.secret;
  const setup: ScenarioSetup = {
    seed,
    trustedIps: null,
    contactPermission: true,
    extraVisibleMembers: 0,
    corpIdForConfig: seed.corpId,
    secretsForConfig: { app, contact: app, directory: app },
  };
  switch (name) {
    case 'healthy':
      break;
    case 'wrong-secret':
      setup.secretsForConfig.app = WRONG_SECRET;
      break;
    case 'wrong-corp':
      setup.corpIdForConfig = WRONG_CORP_ID;
      break;
    case 'untrusted-ip':
      setup.trustedIps = [...UNTRUSTED_SCENARIO_IPS];
      break;
    case 'not-associated':
      setup.secretsForConfig.app = seed.otherApp.secret;
      break;
    case 'contact-not-callable':
      seed.contactCallableAgentIds = seed.contactCallableAgentIds.filter(
        (id) => id !== seed.miniprogramApp.agentid,
      );
      break;
    case 'no-contact-permission':
      setup.contactPermission = false;
      break;
    case 'narrow-visible-range':
      seed.miniprogramApp.visibleRange = { departments: [], users: ['zhangsan'] };
      break;
    case 'directory-sync-secret':
      setup.secretsForConfig.directory = seed.directorySyncSecret;
      break;
    case 'big-corp':
      addBigCorp(seed, bigCorp);
      break;
  }
  return setup;
}
