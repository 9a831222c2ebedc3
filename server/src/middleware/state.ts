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
}

export type Admin = { via: 'session'; userid: string } | { via: 'token' };

/** Routes of the employee routers: a verified token naming a live session. */
export interface EmployeeState extends AppState {
  token: SessionRef;
  session: Session;
}

/** Routes of the admin router. */
export interface AdminState extends AppState {
  admin: Admin;
}
