import type { Credentials } from './auth-api';

/** The server's rules for accounts (plugins/auth, server/API.md), checked before sending. */
export const USERNAME_RULE = { min: 3, max: 32, pattern: /^[a-z0-9][a-z0-9_.-]*$/ };
export const PASSWORD_RULE = { min: 8, max: 256 };

export interface CredentialProblems {
  username?: string;
  password?: string;
}

/** The user name as the server stores it: trimmed, lower-case. */
export function normaliseUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

export function checkCredentials({ username, password }: Credentials): CredentialProblems {
  const problems: CredentialProblems = {};
  const name = normaliseUsername(username);
  if (name.length < USERNAME_RULE.min || name.length > USERNAME_RULE.max) {
    problems.username = `A user name has ${USERNAME_RULE.min}–${USERNAME_RULE.max} characters; this one has ${name.length}.`;
  } else if (!USERNAME_RULE.pattern.test(name)) {
    problems.username = 'Use letters, digits, “.”, “_” and “-”, starting with a letter or digit.';
  }
  // Passwords are not trimmed: spaces count, as on the server.
  if (password.length < PASSWORD_RULE.min || password.length > PASSWORD_RULE.max) {
    problems.password = `A password has ${PASSWORD_RULE.min}–${PASSWORD_RULE.max} characters; this one has ${password.length}.`;
  }
  return problems;
}
