import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../runtime/plugin/server';

export interface SigningKey {
  kid: string;
  secret: Uint8Array;
  /** Milliseconds since the epoch (0 for keys from the environment). */
  createdAt: number;
}

/** Signs with the current key; verifies with any key it holds, so tokens signed just before a rotation stay valid. */
export interface KeyRing {
  current(): SigningKey;
  find(kid: string): SigningKey | undefined;
}

const MIN_SECRET_BYTES = 32;
const KID = /^[A-Za-z0-9_-]{1,64}$/;
const DAY = 86_400_000;

/** Keys from `AUTH_SIGNING_KEYS` ("kid:base64url,kid:base64url", the first signs). Rotation is the operator's. */
export function keysFromEnv(value: string): KeyRing {
  const keys = value.split(',').map((pair, index) => {
    const [kid, secret] = pair.trim().split(':');
    const bytes = secret ? Buffer.from(secret, 'base64url') : Buffer.alloc(0);
    if (!kid || !KID.test(kid) || bytes.length < MIN_SECRET_BYTES) {
      throw new Error(`AUTH_SIGNING_KEYS entry ${index + 1} must be "<key id>:<base64url secret of at least ${MIN_SECRET_BYTES} bytes>".`);
    }
    return { kid, secret: new Uint8Array(bytes), createdAt: 0 };
  });
  return ring(() => keys);
}

/**
 * Keys in `<dir>/signing-keys.json` (mode 0600), created on first start. When the current key is
 * older than `rotationDays`, `rotate()` makes a new current key and keeps the previous one for
 * verifying (access tokens live minutes; rotations are days apart), dropping older ones.
 */
export function keysFromFile(dir: string, rotationDays: number, log: Logger): KeyRing & { rotate(now?: number): boolean } {
  const file = join(dir, 'signing-keys.json');
  let keys: SigningKey[] = existsSync(file) ? readKeyFile(file, log) : [];
  const save = () => {
    const json = JSON.stringify({ keys: keys.map((k) => ({ kid: k.kid, secret: Buffer.from(k.secret).toString('base64url'), createdAt: k.createdAt })) }, null, 2);
    writeFileSync(`${file}.tmp`, json, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  const rotate = (now = Date.now()) => {
    const current = keys[0];
    if (current && (rotationDays === 0 || now - current.createdAt < rotationDays * DAY)) return false;
    keys = [{ kid: `k${now.toString(36)}${randomBytes(3).toString('hex')}`, secret: new Uint8Array(randomBytes(32)), createdAt: now }, ...keys].slice(0, 2);
    save();
    log.info(current ? 'signing key rotated' : 'signing key created', { kid: keys[0]!.kid, file });
    return true;
  };
  rotate();
  return { ...ring(() => keys), rotate };
}

function readKeyFile(file: string, log: Logger): SigningKey[] {
  if ((statSync(file).mode & 0o077) !== 0) {
    log.warn('signing key file was readable by others; restricting it to its owner', { file });
    chmodSync(file, 0o600);
  }
  let parsed: { keys?: Array<{ kid?: unknown; secret?: unknown; createdAt?: unknown }> };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`${file} is not valid JSON; restore it from a backup, or delete it to sign everyone out and start with a new key.`);
  }
  const keys = (parsed.keys ?? []).map((k) => ({
    kid: String(k.kid),
    secret: new Uint8Array(Buffer.from(String(k.secret), 'base64url')),
    createdAt: Number(k.createdAt),
  }));
  if (!keys.length || keys.some((k) => !KID.test(k.kid) || k.secret.length < MIN_SECRET_BYTES || !Number.isFinite(k.createdAt))) {
    throw new Error(`${file} holds no usable keys; restore it from a backup, or delete it to sign everyone out and start with a new key.`);
  }
  return keys;
}

function ring(keys: () => SigningKey[]): KeyRing {
  return {
    current: () => keys()[0]!,
    find: (kid) => keys().find((k) => k.kid === kid),
  };
}
