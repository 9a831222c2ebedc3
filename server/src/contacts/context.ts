import type { LoginContext, LoginContextAnswer } from '../../../miniprogram/typings/api';
import type { Customers } from './customers';
import type { GroupChats } from './group-chats';

/**
 * The customer or group of the chat the mini-program was opened from, loaded with the login: the
 * detail is read while the login code is still being exchanged, and authorized against the userid
 * that the exchange answers, exactly as a read of that resource would be. A refusal or failure
 * becomes the error that such a read would answer, so it never fails the login itself, and what
 * the employee may not read is never in the answer.
 */
export interface LoginContexts {
  /** Never rejects. `userid` is the exchange still running. */
  load(context: LoginContext, userid: Promise<string>): Promise<LoginContextAnswer>;
}

export function createLoginContexts(deps: {
  customers: Customers;
  groupChats: GroupChats;
  /** The error code and message that a read of the resource would answer for `error`. */
  describe: (error: unknown) => { code: LoginContextErrorCode; message: string };
}): LoginContexts {
  const { customers, groupChats, describe } = deps;
  return {
    async load(context, userid) {
      try {
        if (context.entry === 'group_chat_tools')
          return { groupChat: await groupChats.getReadable(userid, context.chatId) };
        return await customers.getFollowed(userid, context.externalUserId);
      } catch (error) {
        return { error: describe(error) };
      }
    },
  };
}

type LoginContextErrorCode = Extract<LoginContextAnswer, { error: unknown }>['error']['code'];
