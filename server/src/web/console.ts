import { type AdminRule, isTokenAdmin } from '../auth/admin-token';
import type { Session } from '../stores/session-store';
import {
  CONSOLE_PATH,
  createPageRenderer,
  type PageRenderer,
  SIGN_IN_PATH,
  SIGNED_OUT_PATH,
} from './pages';

export { CONSOLE_PATH, SIGN_IN_PATH, SIGNED_OUT_PATH };

/** What a page route answers: a document, or a redirect. */
export type PageResult = { status: number; html: string } | { redirect: string };

/** Who the admin console shows as signed in when that is the token admin. */
const TOKEN_ADMIN_LABEL = 'ADMIN_TOKEN 管理员';

export interface ConsolePages {
  readonly render: PageRenderer;
  /**
   * `/admin/`: without a web session (or with one that ended), the sign-in (back here
   * afterwards); an employee who is not in ADMIN_USERIDS sees a refusal page (403); an admin,
   * or the token admin, gets the admin console.
   */
  entry(session: Session | undefined): PageResult;
  /** `/admin` → `/admin/`, with the query. */
  withSlash(query: string): PageResult;
  /**
   * `/admin/login?returnTo`: the sign-in page when ADMIN_TOKEN is set, else the WeCom login
   * straight away (there is nothing to choose).
   */
  signIn(returnTo: string | undefined): PageResult;
  signedOut(): PageResult;
}

export function createConsolePages(deps: {
  adminRule: AdminRule;
  basePath: string;
  adminTokenSignIn: boolean;
}): ConsolePages {
  const { adminRule } = deps;
  const render = createPageRenderer(deps);
  const home = render.url(CONSOLE_PATH);
  return {
    render,
    entry(session) {
      const standing = session && adminRule(session);
      if (!session || standing === 'ended') return { redirect: render.signInUrl(home) };
      if (standing !== 'admin') return { status: 403, html: render.refusalPage(session.userid) };
      const who = isTokenAdmin(session) ? TOKEN_ADMIN_LABEL : session.userid;
      return { status: 200, html: render.consoleShell(who) };
    },
    withSlash: (query) => ({ redirect: query ? `${home}?${query}` : home }),
    signIn(returnTo = home) {
      if (!deps.adminTokenSignIn) return { redirect: render.webLoginUrl(returnTo) };
      return { status: 200, html: render.signInPage(returnTo) };
    },
    signedOut: () => ({ status: 200, html: render.signedOutPage() }),
  };
}
