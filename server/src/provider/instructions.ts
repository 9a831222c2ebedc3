import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { type CallbackCrypto, createCallbackCrypto } from '../callbacks/crypto';
import { CallbackError } from '../callbacks/errors';
import { parseEnvelope, parseXml, text } from '../callbacks/xml';
import type { Store } from '../stores/store';
import type { Suite } from './suite';

/**
 * A suite's 指令回调 (instruction callback): the URL the provider saves for each suite, where
 * WeCom pushes, encrypted with the suite's Token and EncodingAESKey and with the suite ID as
 * receiveid, the suite_ticket every 10 minutes and what corps do with the suite (create_auth,
 * change_auth, cancel_auth, reset_permanent_code). A push is applied once (a retry of one already
 * applied is answered `success` again without applying it).
 */
export interface Instructions {
  /** URL verification (GET): the decrypted echostr. */
  verifyUrl(suiteId: string, query: Readonly<Record<string, unknown>>): string;
  /** A push (POST), applied before the answer `success`. */
  deliver(
    suiteId: string,
    query: Readonly<Record<string, unknown>>,
    readBody: () => Promise<string>,
  ): Promise<void>;
}

/** What a push asks of the provider. */
export interface InstructionEffects {
  /** A corp installed the suite (create_auth), or its permanent code changed (reset_permanent_code). */
  authorised(suite: Suite, authCode: string): Promise<void>;
  /** A corp changed what the suite may see (change_auth). */
  changed(suite: Suite, corpId: string): Promise<void>;
  /** A corp removed the suite (cancel_auth). */
  cancelled(suite: Suite, corpId: string): Promise<void>;
}

const DEDUPE_TTL_MS = 15 * 60_000;

const single = (query: Readonly<Record<string, unknown>>, name: string): string => {
  const value = query[name];
  if (typeof value !== 'string') throw new CallbackError('malformed');
  return value;
};

export function createInstructions(deps: {
  suites: ReadonlyMap<string, Suite>;
  effects: InstructionEffects;
  store: Store;
  logger: Logger;
  now?: () => number;
}): Instructions {
  const { suites, effects, store, logger, now = Date.now } = deps;
  const cryptos = new Map<string, CallbackCrypto>(
    [...suites.values()].map((suite) => [
      suite.entry.suiteId,
      createCallbackCrypto({ keys: suite.entry.callback, receiveId: suite.entry.suiteId, now }),
    ]),
  );
  const of = (suiteId: string) => {
    const suite = suites.get(suiteId);
    const crypto = cryptos.get(suiteId);
    if (!suite || !crypto) throw new CallbackError('not_configured');
    return { suite, crypto };
  };
  const signed = (query: Readonly<Record<string, unknown>>) => ({
    msgSignature: single(query, 'msg_signature'),
    timestamp: single(query, 'timestamp'),
    nonce: single(query, 'nonce'),
  });

  async function apply(suite: Suite, message: string): Promise<void> {
    const fields = parseXml(message);
    const infoType = text(fields, 'InfoType');
    const required = (name: string) => {
      const value = text(fields, name);
      if (!value) throw new CallbackError('malformed');
      return value;
    };
    if (text(fields, 'SuiteId') !== suite.entry.suiteId) throw new CallbackError('receiveid');
    switch (infoType) {
      case 'suite_ticket':
        await suite.recordTicket(required('SuiteTicket'), now());
        return;
      case 'create_auth':
      case 'reset_permanent_code':
        await effects.authorised(suite, required('AuthCode'));
        return;
      case 'change_auth':
        await effects.changed(suite, required('AuthCorpId'));
        return;
      case 'cancel_auth':
        await effects.cancelled(suite, required('AuthCorpId'));
        return;
      default:
        // Pushes this server has no use for (license, contact changes of third-party apps …).
        logger.info({ suiteId: suite.entry.suiteId, infoType }, 'suite push ignored');
    }
  }

  return {
    verifyUrl(suiteId, query) {
      const { crypto } = of(suiteId);
      return crypto.openEcho(signed(query), single(query, 'echostr'));
    },
    async deliver(suiteId, query, readBody) {
      const { suite, crypto } = of(suiteId);
      const signedQuery = signed(query);
      const message = crypto.openMessage(signedQuery, parseEnvelope(await readBody()).encrypt);
      const digest = createHash('sha256').update(message).digest('base64url');
      const claim = `suite:${suiteId}:seen:${digest}`;
      if (!(await store.setIfAbsent(claim, String(now()), DEDUPE_TTL_MS))) return;
      try {
        await apply(suite, message);
      } catch (error) {
        await store.delete(claim).catch(() => undefined);
        throw error;
      }
    },
  };
}
