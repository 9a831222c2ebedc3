import type { Logger } from 'pino';
import type { Session, SessionRef } from '../stores/session-store';

/** What middleware puts on `ctx.state` for every request. */
export interface AppState {
  requestId: string;
  log: Logger;
  /** Set on employee and admin routes once the caller's session is loaded (access log, errors). */
  session?: Session;
  /** Set on admin routes: who is acting. */
  admin?: Admin;
  /** Set on routes a browser navigates to: errors are answered as an HTML page. */
  page?: true;
}

export type Admin =
  | { via: 'session'; userid: string }
  | { via: 'web'; userid: string }
  | { via: 'token' };

/** Routes of the employee routers: the caller's live session. */
export interface EmployeeState extends AppState {
  session: Session;
}

/** Routes that need what the web session cookie names but not the session (logout). */
export interface WebTokenState extends AppState {
  token: SessionRef;
}

/** Routes of the admin router. */
export interface AdminState extends AppState {
  admin: Admin;
}
