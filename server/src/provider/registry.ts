import { z } from 'zod';
import type { Store } from '../stores/store';
import type { SecretBox } from './secret-box';

/**
 * The corps that installed one of the provider's suites, kept in the store (not in configuration:
 * they arrive with create_auth and leave with cancel_auth), each with its permanent code sealed
 * by CORP_SECRETS_KEY. Every change is published, so every instance serves the same corps.
 */
export interface InstalledCorp {
  corpId: string;
  suiteId: string;
  kind: 'custom' | 'third-party';
  corpName?: string;
  /** The app's AgentId in the corp (auth_info.agent[0]). */
  agentId?: string;
  permanentCode: string;
  installedAt: number;
}

export interface CorpRegistry {
  list(): Promise<InstalledCorp[]>;
  get(corpId: string): Promise<InstalledCorp | undefined>;
  put(corp: InstalledCorp): Promise<void>;
  /** True when the corp was installed. */
  remove(corpId: string): Promise<boolean>;
  /** Calls `handler` with the corp ID of every change, on every instance (this one included). */
  onChange(handler: (corpId: string) => void): Promise<() => Promise<void>>;
}

const KEY = 'provider:corps';
const CHANNEL = 'provider:corps:changed';
/** Installed corps one deployment serves at most (`hashScan` pages through them). */
const MAX_INSTALLED = 5000;

const storedSchema = z.object({
  corpId: z.string(),
  suiteId: z.string(),
  kind: z.enum(['custom', 'third-party']),
  corpName: z.string().optional(),
  agentId: z.string().optional(),
  sealedCode: z.string(),
  installedAt: z.number(),
});

export function createCorpRegistry(deps: { store: Store; box: SecretBox }): CorpRegistry {
  const { store, box } = deps;
  const unseal = (raw: string): InstalledCorp => {
    const { sealedCode, ...corp } = storedSchema.parse(JSON.parse(raw));
    return { ...corp, permanentCode: box.open(sealedCode) };
  };
  return {
    async list() {
      const corps: InstalledCorp[] = [];
      let cursor = '0';
      do {
        const page = await store.hashScan(KEY, cursor, 200);
        for (const [, raw] of page.entries)
          if (corps.length < MAX_INSTALLED) corps.push(unseal(raw));
        cursor = page.cursor;
      } while (cursor !== '0' && corps.length < MAX_INSTALLED);
      // hashScan may answer a field twice.
      return [...new Map(corps.map((corp) => [corp.corpId, corp])).values()];
    },
    async get(corpId) {
      const [raw] = await store.hashGet(KEY, [corpId]);
      return raw ? unseal(raw) : undefined;
    },
    async put(corp) {
      const { permanentCode, ...rest } = corp;
      await store.hashSet(KEY, {
        [corp.corpId]: JSON.stringify({ ...rest, sealedCode: box.seal(permanentCode) }),
      });
      await store.publish(CHANNEL, corp.corpId);
    },
    async remove(corpId) {
      const [raw] = await store.hashGet(KEY, [corpId]);
      if (raw === null || raw === undefined) return false;
      await store.hashDelete(KEY, [corpId]);
      await store.publish(CHANNEL, corpId);
      return true;
    },
    onChange: (handler) => store.subscribe(CHANNEL, handler),
  };
}
