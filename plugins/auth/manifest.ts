import { definePlugin } from '../../runtime/plugin/define';

/** Accounts, sign-in sessions (access and refresh tokens in cookies), guest viewers. Server only. */
export const auth = definePlugin({
  name: 'auth',
  description: 'Accounts, sign-in sessions with rotating refresh tokens, CSRF defence, guest viewer sessions.',
});
