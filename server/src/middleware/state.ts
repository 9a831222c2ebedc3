import type { Logger } from 'pino';
import type { Session } from '../stores/session-store';

/** What middleware puts on `ctx.state`. */
export interface AppState {
  requestId: string;
  log: Logger;
  /** Set by the employee auth middleware. */
  session?: Session;
  /** Set by the admin auth middleware: who is acting. */
  admin?: { via: 'session'; userid: string } | { via: 'token' };
}
