import { randomBytes } from 'node:crypto';
import type { Store } from '../stores/store';
import { WebhookError } from './errors';
import {
  type EndpointView,
  endpointSchema,
  type LaneState,
  laneStateSchema,
  type StoredEndpoint,
} from './model';

/**
 * Endpoints and their lanes' state in the store: two hashes keyed by endpoint id, one written by
 * admins (the endpoint), one only by the lane delivering to it (positions, failures), so that
 * neither overwrites the other's fields.
 */

const ENDPOINTS = 'webhooks:endpoints';
const LANES = 'webhooks:lanes';
/** Endpoints kept at most: the lanes, the admin console's list and the doctor read them all. */
export const MAX_ENDPOINTS = 100;
const SCAN_COUNT = 200;

export const newEndpointId = (): string => randomBytes(8).toString('hex');
export const newSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

const parseJson =
  <T>(schema: { safeParse(value: unknown): { success: boolean; data?: T } }) =>
  (value: string | null | undefined): T | undefined => {
    if (!value) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(value));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };
const parseEndpoint = parseJson<StoredEndpoint>(endpointSchema);
const parseLane = parseJson<LaneState>(laneStateSchema);

export interface EndpointStore {
  all(): Promise<StoredEndpoint[]>;
  get(id: string): Promise<StoredEndpoint | undefined>;
  /** `WebhookError('not_found')` when it is not there. */
  require(id: string): Promise<StoredEndpoint>;
  put(endpoint: StoredEndpoint): Promise<void>;
  remove(id: string): Promise<void>;
  lane(id: string): Promise<LaneState>;
  putLane(id: string, state: LaneState): Promise<void>;
  view(endpoint: StoredEndpoint): Promise<EndpointView>;
}

export function createEndpointStore(store: Store): EndpointStore {
  const get = async (id: string) => parseEndpoint((await store.hashGet(ENDPOINTS, [id]))[0]);
  const lane = async (id: string): Promise<LaneState> =>
    parseLane((await store.hashGet(LANES, [id]))[0]) ?? { positions: {}, failures: 0 };
  return {
    async all() {
      const found = new Map<string, StoredEndpoint>();
      let cursor = '0';
      do {
        const page = await store.hashScan(ENDPOINTS, cursor, SCAN_COUNT);
        for (const [, value] of page.entries) {
          const endpoint = parseEndpoint(value);
          if (endpoint) found.set(endpoint.id, endpoint);
        }
        cursor = page.cursor;
      } while (cursor !== '0' && found.size <= MAX_ENDPOINTS);
      return [...found.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    get,
    async require(id) {
      const endpoint = /^[0-9a-f]{16}$/.test(id) ? await get(id) : undefined;
      if (!endpoint) throw new WebhookError('not_found');
      return endpoint;
    },
    put: (endpoint) => store.hashSet(ENDPOINTS, { [endpoint.id]: JSON.stringify(endpoint) }),
    async remove(id) {
      await store.hashDelete(ENDPOINTS, [id]);
      await store.hashDelete(LANES, [id]);
    },
    lane,
    putLane: (id, state) => store.hashSet(LANES, { [id]: JSON.stringify(state) }),
    async view(endpoint) {
      const { secrets: _secrets, ...shown } = endpoint;
      const state = await lane(endpoint.id);
      return {
        ...shown,
        failures: state.failures,
        ...(state.retryAt !== undefined && { retryAt: new Date(state.retryAt).toISOString() }),
        ...(state.lastError !== undefined && { lastError: state.lastError }),
        positions: state.positions,
      };
    },
  };
}
