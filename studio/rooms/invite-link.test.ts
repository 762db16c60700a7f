import { describe, expect, it, vi } from 'vitest';
import { takeInviteFromLocation } from '../online-setup';
import { audienceLink, inviteLink, readInviteToken, studioPath } from './invite-link';

const token = 'q2V_abc-DEF0123456789xyzXYZ0123456789abcde';

describe('invite links', () => {
  it('keep the token in the fragment, which never reaches a server', () => {
    expect(inviteLink('https://patch.example', token)).toBe(`https://patch.example/studio#invite=${token}`);
  });

  it('read the token from a whole link, a fragment or the bare code', () => {
    expect(readInviteToken(inviteLink('http://127.0.0.1:8080', token))).toBe(token);
    expect(readInviteToken(`  #invite=${token} `)).toBe(token);
    expect(readInviteToken(token)).toBe(token);
    expect(readInviteToken('https://x/studio#invite=short')).toBeUndefined();
    expect(readInviteToken('not a token at all')).toBeUndefined();
    expect(readInviteToken('')).toBeUndefined();
  });

  it('audience and studio paths', () => {
    expect(audienceLink('http://h', 'AbC_123-xyz0')).toBe('http://h/play/AbC_123-xyz0');
    expect(studioPath('AbC_123-xyz0')).toBe('/studio/AbC_123-xyz0');
  });

  it('an opened invite link is taken out of the address bar', () => {
    const replaceState = vi.fn();
    expect(takeInviteFromLocation({ hash: `#invite=${token}`, pathname: '/studio', search: '' }, { replaceState })).toBe(token);
    expect(replaceState).toHaveBeenCalledWith(null, '', '/studio');
    replaceState.mockClear();
    expect(takeInviteFromLocation({ hash: '', pathname: '/studio', search: '' }, { replaceState })).toBeUndefined();
    expect(replaceState).not.toHaveBeenCalled();
  });
});
