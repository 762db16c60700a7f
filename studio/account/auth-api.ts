import type { ApiClient, SessionAnswer } from '../api/client';

export interface Credentials {
  username: string;
  password: string;
}

/** /api/auth (server/API.md). Each call tells the client what session it now holds. */
export function authApi(api: ApiClient) {
  const establish = async (path: string, credentials: Credentials) => {
    const session = await api.post<SessionAnswer>(path, credentials);
    api.noteSession(session);
    return session;
  };
  return {
    signUp: (credentials: Credentials) => establish('/api/auth/register', credentials),
    signIn: (credentials: Credentials) => establish('/api/auth/login', credentials),
    async signOut(): Promise<void> {
      await api.post<void>('/api/auth/logout');
      api.noteSession(null);
    },
    session: () => api.get<SessionAnswer>('/api/auth/session'),
  };
}

export type AuthApi = ReturnType<typeof authApi>;
