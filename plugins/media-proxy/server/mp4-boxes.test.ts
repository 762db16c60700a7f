import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectLayout, faststart, Mp4Error, verifyMp4 } from './mp4-boxes';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const fixture = (name: string) => readFileSync(join(fixtures, name));
const hasFfmpeg = existsSync('/usr/bin/ffmpeg');
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp4-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Decoded frames' checksums: equal for two files that play the same pictures. */
const frameHashes = (path: string) => execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-map', '0:v', '-f', 'framemd5', '-'], { encoding: 'utf8' }).split('\n').filter((l) => l && !l.startsWith('#'));

describe('detectLayout', () => {
  it('tells moov-first from moov-at-end from the first bytes', () => {
    expect(detectLayout(fixture('faststart.mp4').subarray(0, 64))).toBe('moov-first');
    expect(detectLayout(fixture('moov-at-end.mp4').subarray(0, 64))).toBe('moov-at-end');
    expect(detectLayout(fixture('truncated.mp4'))).toBe('moov-first');
  });

  it('says not-mp4 for WebM and text, unknown when the bytes end too soon', () => {
    expect(detectLayout(fixture('vp9.webm'))).toBe('not-mp4');
    expect(detectLayout(Buffer.from('<html><body>not found</body></html>'))).toBe('not-mp4');
    expect(detectLayout(fixture('moov-at-end.mp4').subarray(0, 20))).toBe('unknown');
    expect(detectLayout(Buffer.alloc(0))).toBe('unknown');
  });
});

describe('faststart', () => {
  it('moves moov in front of mdat and the file still decodes to the same frames', async () => {
    const dir = tempDir();
    const src = join(fixtures, 'moov-at-end.mp4');
    const dst = join(dir, 'out.mp4');
    const result = await faststart(src, dst);
    expect(result).toMatchObject({ rewritten: true, upgradedToCo64: 0, size: statSync(src).size });
    expect(detectLayout(readFileSync(dst).subarray(0, 64))).toBe('moov-first');
    const check = await verifyMp4(dst, src);
    expect(check.moovFirst).toBe(true);
    expect(check.chunks).toBeGreaterThan(0);
    if (hasFfmpeg) expect(frameHashes(dst)).toEqual(frameHashes(src));
  });

  it('leaves a faststart file alone', async () => {
    const dir = tempDir();
    const result = await faststart(join(fixtures, 'faststart.mp4'), join(dir, 'out.mp4'));
    expect(result.rewritten).toBe(false);
    expect(existsSync(join(dir, 'out.mp4'))).toBe(false);
  });

  it('upgrades stco to co64 when a shifted offset no longer fits', async () => {
    const dir = tempDir();
    const src = join(fixtures, 'moov-at-end.mp4');
    const dst = join(dir, 'out.mp4');
    // Any offset over 100 bytes "overflows": the same path a file past 4 GB takes.
    const result = await faststart(src, dst, { stcoLimit: 100 });
    expect(result.upgradedToCo64).toBe(1);
    const out = readFileSync(dst);
    expect(out.includes(Buffer.from('co64'))).toBe(true);
    expect(out.includes(Buffer.from('stco'))).toBe(false);
    expect(result.size).toBeGreaterThan(statSync(src).size);
    await verifyMp4(dst, src);
    if (hasFfmpeg) expect(frameHashes(dst)).toEqual(frameHashes(src));
  });

  it('refuses a truncated or non-MP4 file with an Mp4Error, writing nothing usable', async () => {
    const dir = tempDir();
    const cut = join(dir, 'cut.mp4');
    writeFileSync(cut, fixture('moov-at-end.mp4').subarray(0, 12_000));
    await expect(faststart(cut, join(dir, 'a.mp4'))).rejects.toBeInstanceOf(Mp4Error);
    await expect(faststart(join(fixtures, 'vp9.webm'), join(dir, 'b.mp4'))).rejects.toBeInstanceOf(Mp4Error);
  });

  it('verification catches offsets that point outside mdat', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.mp4');
    const bytes = Buffer.from(fixture('faststart.mp4'));
    const stco = bytes.indexOf(Buffer.from('stco'));
    bytes.writeUInt32BE(8, stco + 12); // first chunk "at" byte 8: inside ftyp
    writeFileSync(bad, bytes);
    await expect(verifyMp4(bad)).rejects.toThrow(/not inside an mdat/);
  });
});
