import type { Session } from '../stores/session-store';
import {
  CONSOLE_PATH,
  consoleShell,
  loginUrl,
  refusalPage,
  SIGNED_OUT_PATH,
  signedOutPage,
} from './pages';

export { CONSOLE_PATH, SIGNED_OUT_PATH };

/** What a page route answers: a document, or a redirect. */
export type PageResult = { status: number; html: string } | { redirect: string };

export interface ConsolePages {
  /**
   * `/admin/`: without a web session, the web login (back here afterwards); an employee who is
   * not in ADMIN_USERIDS sees a refusal page (403); an admin gets the console.
   */
  entry(session: Session | undefined): PageResult;
  signedOut(): PageResult;
}

export function createConsolePages(deps: { adminUserIds: readonly string[] }): ConsolePages {
  const admins = new Set(deps.adminUserIds);
  return {
    entry(session) {
      if (!session) return { redirect: loginUrl(CONSOLE_PATH) };
      if (!admins.has(session.userid)) return { status: 403, html: refusalPage(session.userid) };
      return { status: 200, html: consoleShell(session.userid) };
    },
    signedOut: () => ({ status: 200, html: signedOutPage() }),
  };
}
