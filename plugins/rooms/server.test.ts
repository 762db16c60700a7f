import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../../server/test-harness';

let server: TestServer;
beforeAll(async () => {
  // Every test signs up several people from 127.0.0.1.
  server = await startTestServer({ env: { REGISTER_PER_IP_PER_HOUR: '1000' } });
});
afterAll(async () => {
  await server.destroy();
});
afterEach(() => {
  vi.useRealTimers();
});

let serial = 0;
async function signUp(prefix: string): Promise<TestClient & { id: string; name: string }> {
  const client = server.client();
  const name = `${prefix}${++serial}`;
  const res = await client.post('/api/auth/register', { username: name, password: 'password for tests' });
  expect(res.status).toBe(201);
  return Object.assign(client, { id: res.body.user.id as string, name });
}

async function roomWithTeam(visibility: 'public' | 'private' = 'private') {
  const owner = await signUp('owner');
  const performer = await signUp('performer');
  const viewer = await signUp('viewer');
  const created = await owner.post('/api/rooms', { name: 'Friday set', visibility });
  expect(created.status).toBe(201);
  const roomId: string = created.body.room.id;
  for (const [who, role] of [[performer, 'performer'], [viewer, 'viewer']] as const) {
    const invite = await owner.post(`/api/rooms/${roomId}/invites`, { role });
    expect(invite.status).toBe(201);
    const joined = await who.post('/api/rooms/join', { token: invite.body.token });
    expect(joined.body).toMatchObject({ room: { id: roomId }, role });
  }
  return { owner, performer, viewer, roomId };
}

describe('rooms: create, invite, join', () => {
  it('makes the creator the owner of a room with a URL-safe id', async () => {
    const owner = await signUp('ada');
    const created = await owner.post('/api/rooms', { name: '  Night shift  ' });
    expect(created.body).toEqual({ room: { id: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/), name: 'Night shift', visibility: 'private', ownerId: owner.id, createdAt: expect.any(Number), openRole: null }, role: 'owner' });
    const listed = await owner.get('/api/rooms');
    expect(listed.body.rooms).toEqual([{ ...created.body.room, role: 'owner' }]);
    expect((await owner.get(`/api/rooms/${created.body.room.id}`)).body).toMatchObject({ role: 'owner', member: true });
  });

  it('lets invitees join with the invited role and lists the members', async () => {
    const { owner, performer, viewer, roomId } = await roomWithTeam();
    const members = await viewer.get(`/api/rooms/${roomId}/members`);
    expect(members.body.members.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual([
      [owner.name, 'owner'],
      [performer.name, 'performer'],
      [viewer.name, 'viewer'],
    ]);
    expect((await performer.get('/api/rooms')).body.rooms).toEqual([expect.objectContaining({ id: roomId, role: 'performer' })]);
  });

  it('previews an invite, never lowers a role when joining, and stores only hashes of tokens', async () => {
    const { owner, performer, roomId } = await roomWithTeam();
    const invite = await owner.post(`/api/rooms/${roomId}/invites`, { role: 'viewer', expiresIn: 3600, maxUses: 5 });
    const preview = await server.client().post('/api/rooms/invites/preview', { token: invite.body.token });
    expect(preview.body).toEqual({ room: { id: roomId, name: 'Friday set', visibility: 'private' }, role: 'viewer', expiresAt: invite.body.invite.expiresAt });
    expect((await performer.post('/api/rooms/join', { token: invite.body.token })).body.role).toBe('performer');
    expect((await owner.post('/api/rooms/join', { token: invite.body.token })).body.role).toBe('owner');
    const listed = await owner.get(`/api/rooms/${roomId}/invites`);
    expect(listed.body.invites.find((i: { id: string }) => i.id === invite.body.invite.id)).toMatchObject({ role: 'viewer', uses: 0, maxUses: 5 });
    expect(JSON.stringify(listed.body)).not.toContain(invite.body.token);
    expect(server.logs.join('\n')).not.toContain(invite.body.token);
  });
});

describe('rooms: every route checks the role', () => {
  it('refuses a viewer the actions of performers and owners', async () => {
    const { viewer, performer, roomId } = await roomWithTeam();
    const attempts = [
      viewer.post(`/api/rooms/${roomId}/invites`, { role: 'viewer' }),
      viewer.post(`/api/rooms/${roomId}/invites`, { role: 'performer' }),
      viewer.request('PATCH', `/api/rooms/${roomId}/members/${performer.id}`, { body: { role: 'viewer' } }),
      viewer.request('DELETE', `/api/rooms/${roomId}/members/${performer.id}`),
      viewer.request('PATCH', `/api/rooms/${roomId}`, { body: { name: 'mine now' } }),
      viewer.request('DELETE', `/api/rooms/${roomId}`),
      viewer.get(`/api/rooms/${roomId}/invites`),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    // nothing changed
    const members = await performer.get(`/api/rooms/${roomId}/members`);
    expect(members.body.members.find((m: { userId: string }) => m.userId === performer.id).role).toBe('performer');
    expect((await performer.get(`/api/rooms/${roomId}`)).body.room.name).toBe('Friday set');
  });

  it('lets a performer invite viewers but nothing an owner does', async () => {
    const { performer, viewer, roomId } = await roomWithTeam();
    expect((await performer.post(`/api/rooms/${roomId}/invites`, { role: 'viewer' })).status).toBe(201);
    const attempts = [
      performer.post(`/api/rooms/${roomId}/invites`, { role: 'performer' }),
      performer.request('PATCH', `/api/rooms/${roomId}/members/${viewer.id}`, { body: { role: 'performer' } }),
      performer.request('DELETE', `/api/rooms/${roomId}/members/${viewer.id}`),
      performer.request('PATCH', `/api/rooms/${roomId}`, { body: { visibility: 'public' } }),
      performer.request('DELETE', `/api/rooms/${roomId}`),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(403);
  });

  it('refuses access to another room (403) and answers unknown rooms with 404', async () => {
    const { roomId } = await roomWithTeam();
    const stranger = await signUp('stranger');
    for (const res of await Promise.all([
      stranger.get(`/api/rooms/${roomId}`),
      stranger.get(`/api/rooms/${roomId}/members`),
      stranger.get(`/api/rooms/${roomId}/invites`),
      stranger.post(`/api/rooms/${roomId}/invites`, { role: 'viewer' }),
      stranger.request('PATCH', `/api/rooms/${roomId}`, { body: { name: 'x' } }),
      stranger.request('DELETE', `/api/rooms/${roomId}`),
    ])) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('not_a_member');
    }
    expect((await stranger.get('/api/rooms/AAAAAAAAAAAA')).status).toBe(404);
    expect((await stranger.get('/api/rooms/%27%20OR%201%3D1--')).status).toBe(404);
    expect((await stranger.get('/api/rooms')).body.rooms).toEqual([]);
  });

  it('lets the owner change roles and remove members, who then lose access', async () => {
    const { owner, performer, viewer, roomId } = await roomWithTeam();
    const promoted = await owner.request('PATCH', `/api/rooms/${roomId}/members/${viewer.id}`, { body: { role: 'performer' } });
    expect(promoted.status).toBe(200);
    expect((await viewer.post(`/api/rooms/${roomId}/invites`, { role: 'viewer' })).status).toBe(201);
    expect((await owner.request('DELETE', `/api/rooms/${roomId}/members/${performer.id}`)).status).toBe(204);
    expect((await performer.get(`/api/rooms/${roomId}`)).status).toBe(403);
    expect((await owner.request('PATCH', `/api/rooms/${roomId}/members/${owner.id}`, { body: { role: 'viewer' } })).status).toBe(409);
    expect((await owner.request('PATCH', `/api/rooms/${roomId}/members/${viewer.id}`, { body: { role: 'owner' } })).status).toBe(400);
    expect((await owner.request('DELETE', `/api/rooms/${roomId}/members/${owner.id}`)).status).toBe(409);
    expect((await owner.request('DELETE', `/api/rooms/${roomId}/members/nobody`)).status).toBe(404);
    // a member may leave
    expect((await viewer.request('DELETE', `/api/rooms/${roomId}/members/${viewer.id}`)).status).toBe(204);
    expect((await viewer.get(`/api/rooms/${roomId}`)).status).toBe(403);
  });
});

describe('rooms: invites expire and can be withdrawn', () => {
  it('refuses an expired invite with 410', async () => {
    const owner = await signUp('owner');
    const roomId = (await owner.post('/api/rooms', { name: 'r' })).body.room.id;
    const invite = await owner.post(`/api/rooms/${roomId}/invites`, { role: 'performer', expiresIn: 3600 });
    const late = await signUp('late');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3601_000);
    expect((await late.get('/api/auth/session')).body.error.code).toBe('token_expired');
    expect((await late.post('/api/auth/refresh')).status).toBe(200);
    const joined = await late.post('/api/rooms/join', { token: invite.body.token });
    expect(joined.status).toBe(410);
    expect(joined.body.error.code).toBe('invite_expired');
    vi.useRealTimers();
    expect((await late.get(`/api/rooms/${roomId}`)).status).toBe(403);
  });

  it('refuses a withdrawn, used-up or unknown invite', async () => {
    const owner = await signUp('owner');
    const roomId = (await owner.post('/api/rooms', { name: 'r' })).body.room.id;
    const once = await owner.post(`/api/rooms/${roomId}/invites`, { role: 'viewer', maxUses: 1 });
    expect((await (await signUp('first')).post('/api/rooms/join', { token: once.body.token })).status).toBe(200);
    expect((await (await signUp('second')).post('/api/rooms/join', { token: once.body.token })).body.error.code).toBe('invite_used_up');
    const withdrawn = await owner.post(`/api/rooms/${roomId}/invites`, { role: 'viewer' });
    expect((await owner.request('DELETE', `/api/rooms/${roomId}/invites/${withdrawn.body.invite.id}`)).status).toBe(204);
    expect((await (await signUp('third')).post('/api/rooms/join', { token: withdrawn.body.token })).body.error.code).toBe('invite_revoked');
    expect((await owner.post('/api/rooms/join', { token: 'x'.repeat(43) })).status).toBe(404);
    expect((await owner.post('/api/rooms/join', { token: 'short' })).status).toBe(400);
  });

  it('refuses invite lifetimes and use counts out of range', async () => {
    const owner = await signUp('owner');
    const roomId = (await owner.post('/api/rooms', { name: 'r' })).body.room.id;
    for (const body of [{ role: 'viewer', expiresIn: 10 }, { role: 'viewer', expiresIn: 31 * 86_400 }, { role: 'viewer', maxUses: 0 }, { role: 'viewer', expiresIn: '3600' }, { role: 'owner' }, {}]) {
      expect((await owner.post(`/api/rooms/${roomId}/invites`, body)).status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('rooms: guests', () => {
  it('lets a guest watch a public room as a viewer, and nothing more', async () => {
    const owner = await signUp('owner');
    const publicRoom = (await owner.post('/api/rooms', { name: 'Open air', visibility: 'public' })).body.room.id;
    const privateRoom = (await owner.post('/api/rooms', { name: 'Back room', visibility: 'private' })).body.room.id;
    const guest = server.client();
    expect((await guest.get(`/api/rooms/${publicRoom}`)).status).toBe(401);
    const session = await guest.post('/api/auth/guest');
    expect(session.status).toBe(201);
    expect(session.body).toMatchObject({ user: null, guest: { id: expect.stringMatching(/^g_/) } });
    expect((await guest.post('/api/auth/guest')).body.guest.id).toBe(session.body.guest.id);

    expect((await guest.get(`/api/rooms/${publicRoom}`)).body).toMatchObject({ room: { id: publicRoom, name: 'Open air' }, role: 'viewer', member: false });
    expect((await guest.get(`/api/rooms/${privateRoom}`)).status).toBe(403);
    expect((await guest.get(`/api/rooms/${publicRoom}/members`)).status).toBe(401);
    expect((await guest.post(`/api/rooms/${publicRoom}/invites`, { role: 'viewer' })).status).toBe(401);
    expect((await guest.post('/api/rooms', { name: 'mine' })).status).toBe(401);
    // the guest session refreshes like any other
    expect((await guest.post('/api/auth/refresh')).body.guest.id).toBe(session.body.guest.id);
  });

  it('makes a private room unreachable for guests once the owner switches it', async () => {
    const owner = await signUp('owner');
    const roomId = (await owner.post('/api/rooms', { name: 'Open air', visibility: 'public' })).body.room.id;
    const guest = server.client();
    await guest.post('/api/auth/guest');
    expect((await guest.get(`/api/rooms/${roomId}`)).status).toBe(200);
    expect((await owner.request('PATCH', `/api/rooms/${roomId}`, { body: { visibility: 'private' } })).body.room.visibility).toBe('private');
    expect((await guest.get(`/api/rooms/${roomId}`)).status).toBe(403);
  });
});

describe('rooms: the demo room', () => {
  it('lets every signed-in account perform and guests watch, but nobody own it', async () => {
    const alice = await signUp('alice');
    const demo = await alice.get('/api/rooms/demo');
    expect(demo.status).toBe(200);
    expect(demo.body).toMatchObject({ room: { id: 'demo', name: 'Demo room', visibility: 'public', openRole: 'performer' }, role: 'performer' });
    // Performers cannot rename, reopen or delete it: it has no owner account.
    expect((await alice.request('PATCH', '/api/rooms/demo', { body: { visibility: 'private' } })).status).toBe(403);
    expect((await alice.request('DELETE', '/api/rooms/demo')).status).toBe(403);

    const guest = server.client();
    expect((await guest.post('/api/auth/guest')).status).toBe(201);
    expect((await guest.get('/api/rooms/demo')).body.role).toBe('viewer');

    // Joining by a viewer invite from a performer does not take the open role away.
    const invite = await alice.post('/api/rooms/demo/invites', { role: 'viewer' });
    const bob = await signUp('bob');
    await bob.post('/api/rooms/join', { token: invite.body.token });
    expect((await bob.get('/api/rooms/demo')).body.role).toBe('performer');
  });

  it('can be switched off, and refuses a bad id', async () => {
    const plain = await startTestServer({ env: { DEMO_ROOM: 'off' } });
    try {
      const carol = plain.client();
      await carol.post('/api/auth/register', { username: 'carol', password: 'password for tests' });
      expect((await carol.get('/api/rooms/demo')).status).toBe(404);
    } finally {
      await plain.destroy();
    }
    await expect(startTestServer({ env: { DEMO_ROOM: '../etc' } })).rejects.toThrow('DEMO_ROOM must be a room id');
  });
});
