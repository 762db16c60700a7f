import { open, type FileHandle } from 'node:fs/promises';

/**
 * ISO BMFF (MP4) boxes: just enough to tell where `moov` sits, move it in front of `mdat`
 * ("faststart"), and check the result. Box layout (ISO/IEC 14496-12): a 32-bit big-endian size
 * (1: a 64-bit size follows the type; 0: the box runs to the end of the file), a 4-character type,
 * then the payload. Chunk offsets (`stco`: 32-bit, `co64`: 64-bit) are absolute file positions,
 * so moving `moov` in front of the media data shifts every one of them.
 */
export interface BoxHeader {
  type: string;
  /** Position of the box's first byte. */
  start: number;
  headerSize: number;
  /** Whole box, header included (a size-0 box is given the rest of the file when that is known). */
  size: number;
}

export type Layout = 'moov-first' | 'moov-at-end' | 'not-mp4' | 'unknown';

/** Top-level types that may come before moov/mdat in a file we recognise as MP4. */
const LEADING = new Set(['ftyp', 'styp', 'free', 'skip', 'wide', 'pdin', 'uuid', 'meta', 'sidx', 'prft', 'bloc', 'jumb']);
/** Boxes whose payload is a list of boxes, on the way from moov to the chunk-offset tables. */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'udta']);
const U32_MAX = 0xffff_ffff;

export class Mp4Error extends Error {
  override name = 'Mp4Error';
}

/** Reads the box header at `offset` of `buf`, or undefined when the buffer ends first. */
export function readBoxHeader(buf: Uint8Array, offset: number, fileSize?: number): BoxHeader | undefined {
  if (offset + 8 > buf.length) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let size = view.getUint32(offset);
  const type = String.fromCharCode(buf[offset + 4]!, buf[offset + 5]!, buf[offset + 6]!, buf[offset + 7]!);
  let headerSize = 8;
  if (size === 1) {
    if (offset + 16 > buf.length) return undefined;
    const large = view.getBigUint64(offset + 8);
    if (large > BigInt(Number.MAX_SAFE_INTEGER)) throw new Mp4Error(`box ${type} at ${offset} is too large`);
    size = Number(large);
    headerSize = 16;
  } else if (size === 0) {
    size = fileSize === undefined ? Number.POSITIVE_INFINITY : fileSize - offset;
  }
  if (size < headerSize) throw new Mp4Error(`box ${JSON.stringify(type)} at ${offset} has an impossible size ${size}`);
  return { type, start: offset, headerSize, size };
}

/**
 * Where moov sits, judged from the first bytes of a file: `moov-at-end` when an `mdat` comes
 * before any `moov`; `unknown` when the bytes end before either shows up.
 */
export function detectLayout(head: Uint8Array, fileSize?: number): Layout {
  let offset = 0;
  let first = true;
  for (;;) {
    let box: BoxHeader | undefined;
    try {
      box = readBoxHeader(head, offset, fileSize);
    } catch {
      return 'not-mp4';
    }
    if (!box) return first && head.length >= 8 ? 'not-mp4' : 'unknown';
    if (!/^[\x20-\x7e]{4}$/.test(box.type)) return 'not-mp4';
    if (first && box.type !== 'ftyp' && box.type !== 'styp') return 'not-mp4';
    first = false;
    if (box.type === 'moov' || box.type === 'moof') return 'moov-first';
    if (box.type === 'mdat') return 'moov-at-end';
    if (!LEADING.has(box.type)) return 'unknown';
    if (!Number.isFinite(box.size)) return 'unknown';
    offset += box.size;
  }
}

/** Every top-level box of a file, checked to tile it exactly. */
export async function topLevelBoxes(file: FileHandle, fileSize: number): Promise<BoxHeader[]> {
  const boxes: BoxHeader[] = [];
  const header = Buffer.alloc(16);
  let offset = 0;
  while (offset < fileSize) {
    const { bytesRead } = await file.read(header, 0, 16, offset);
    const box = readBoxHeader(header.subarray(0, bytesRead), 0, fileSize - offset);
    if (!box) throw new Mp4Error(`a box header at ${offset} runs past the end of the file`);
    box.start = offset;
    if (offset + box.size > fileSize) throw new Mp4Error(`box ${box.type} at ${offset} runs past the end of the file (${box.size} bytes, file ${fileSize})`);
    boxes.push(box);
    offset += box.size;
    if (boxes.length > 100_000) throw new Mp4Error('too many top-level boxes');
  }
  return boxes;
}

interface Node {
  type: string;
  /** Leaf payload (after the header), or undefined for a container. */
  body?: Buffer;
  children?: Node[];
}

function parseBoxes(buf: Buffer, depth: number): Node[] {
  if (depth > 16) throw new Mp4Error('boxes nested too deep');
  const nodes: Node[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const box = readBoxHeader(buf, offset, buf.length);
    if (!box || offset + box.size > buf.length) throw new Mp4Error(`a box inside moov runs past its parent (at ${offset})`);
    const payload = buf.subarray(offset + box.headerSize, offset + box.size);
    nodes.push(CONTAINERS.has(box.type) ? { type: box.type, children: parseBoxes(payload, depth + 1) } : { type: box.type, body: payload });
    offset += box.size;
  }
  return nodes;
}

function serialize(node: Node): Buffer {
  const payload = node.children ? Buffer.concat(node.children.map(serialize)) : node.body!;
  const large = payload.length + 8 > U32_MAX;
  const header = Buffer.alloc(large ? 16 : 8);
  header.write(node.type, 4, 'latin1');
  if (large) {
    header.writeUInt32BE(1, 0);
    header.writeBigUInt64BE(BigInt(payload.length + 16), 8);
  } else {
    header.writeUInt32BE(payload.length + 8, 0);
  }
  return Buffer.concat([header, payload]);
}

function* chunkOffsetBoxes(nodes: Node[]): Generator<Node> {
  for (const node of nodes) {
    if (node.type === 'stco' || node.type === 'co64') yield node;
    if (node.children) yield* chunkOffsetBoxes(node.children);
  }
}

/** The chunk offsets a stco/co64 box lists. */
function readOffsets(node: Node): number[] {
  const body = node.body!;
  if (body.length < 8) throw new Mp4Error(`${node.type} is too short`);
  const count = body.readUInt32BE(4);
  const width = node.type === 'co64' ? 8 : 4;
  if (body.length < 8 + count * width) throw new Mp4Error(`${node.type} lists ${count} entries but holds fewer`);
  const offsets = new Array<number>(count);
  for (let i = 0; i < count; i++) offsets[i] = width === 8 ? Number(body.readBigUInt64BE(8 + i * 8)) : body.readUInt32BE(8 + i * 4);
  return offsets;
}

function writeOffsets(node: Node, offsets: number[], as64: boolean): void {
  const body = Buffer.alloc(8 + offsets.length * (as64 ? 8 : 4));
  node.body!.copy(body, 0, 0, 4); // version and flags
  body.writeUInt32BE(offsets.length, 4);
  offsets.forEach((value, i) => (as64 ? body.writeBigUInt64BE(BigInt(value), 8 + i * 8) : body.writeUInt32BE(value, 8 + i * 4)));
  node.type = as64 ? 'co64' : 'stco';
  node.body = body;
}

export interface FaststartResult {
  /** False when moov already came first (nothing written). */
  rewritten: boolean;
  size: number;
  /** stco tables upgraded to co64 because an offset no longer fit in 32 bits. */
  upgradedToCo64: number;
}

const MOOV_MAX = 256 * 1024 * 1024;

/**
 * Writes `src` to `dst` with moov in front of the first mdat and every chunk offset moved by as much
 * as the box holding it moved. Media data is copied in ranges, never held in memory; moov is.
 */
export async function faststart(src: string, dst: string, options: { stcoLimit?: number } = {}): Promise<FaststartResult> {
  // The limit is lowered only by tests, to reach the co64 upgrade without a 4 GB file.
  const stcoLimit = options.stcoLimit ?? U32_MAX;
  const input = await open(src, 'r');
  try {
    const size = (await input.stat()).size;
    const boxes = await topLevelBoxes(input, size);
    const moovIndex = boxes.findIndex((b) => b.type === 'moov');
    const firstMdat = boxes.findIndex((b) => b.type === 'mdat');
    if (moovIndex < 0) throw new Mp4Error('the file has no moov box');
    if (firstMdat < 0 || moovIndex < firstMdat) return { rewritten: false, size, upgradedToCo64: 0 };
    if (boxes.filter((b) => b.type === 'moov').length > 1) throw new Mp4Error('the file has more than one moov box');
    const moovBox = boxes[moovIndex]!;
    if (moovBox.size > MOOV_MAX) throw new Mp4Error(`moov is ${moovBox.size} bytes, more than ${MOOV_MAX}`);
    const moovBytes = Buffer.alloc(moovBox.size - moovBox.headerSize);
    await input.read(moovBytes, 0, moovBytes.length, moovBox.start + moovBox.headerSize);
    const moov: Node = { type: 'moov', children: parseBoxes(moovBytes, 0) };
    const tables = [...chunkOffsetBoxes([moov])].map((node) => ({ node, offsets: readOffsets(node), as64: node.type === 'co64' }));
    if (tables.length === 0) throw new Mp4Error('moov has no chunk offset table (stco/co64)');

    const others = boxes.filter((_, i) => i !== moovIndex);
    const order = [...others.slice(0, firstMdat), moovBox, ...others.slice(firstMdat)];
    let upgraded = 0;
    let moovOut: Buffer = Buffer.alloc(0);
    // A table upgraded to co64 makes moov larger, which moves the media further: repeat until nothing changes.
    for (let round = 0; ; round++) {
      if (round > 4) throw new Mp4Error('chunk offsets did not settle');
      for (const t of tables) writeOffsets(t.node, t.offsets, t.as64);
      const moovSize = serialize(moov).length;
      const newStart = new Map<BoxHeader, number>();
      let at = 0;
      for (const box of order) {
        newStart.set(box, at);
        at += box === moovBox ? moovSize : box.size;
      }
      const shift = (offset: number): number => {
        const holder = boxes.find((b) => b !== moovBox && offset >= b.start && offset < b.start + b.size);
        if (!holder) throw new Mp4Error(`a chunk offset (${offset}) points outside the file's boxes`);
        return offset - holder.start + newStart.get(holder)!;
      };
      let changed = false;
      for (const t of tables) {
        const moved = t.offsets.map(shift);
        if (!t.as64 && moved.some((o) => o > stcoLimit)) {
          t.as64 = true;
          upgraded++;
          changed = true;
        }
        writeOffsets(t.node, moved, t.as64);
      }
      if (!changed) {
        moovOut = serialize(moov);
        if (moovOut.length !== moovSize) throw new Mp4Error('moov size changed while writing offsets');
        break;
      }
    }

    const output = await open(dst, 'w');
    try {
      let written = 0;
      const buffer = Buffer.alloc(1024 * 1024);
      for (const box of order) {
        if (box === moovBox) {
          await output.write(moovOut, 0, moovOut.length, written);
          written += moovOut.length;
          continue;
        }
        for (let copied = 0; copied < box.size; ) {
          const want = Math.min(buffer.length, box.size - copied);
          const { bytesRead } = await input.read(buffer, 0, want, box.start + copied);
          if (bytesRead === 0) throw new Mp4Error('the source file ended while copying');
          await output.write(buffer, 0, bytesRead, written);
          written += bytesRead;
          copied += bytesRead;
        }
      }
      await output.sync();
      return { rewritten: true, size: written, upgradedToCo64: upgraded };
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

export interface Verification {
  moovFirst: boolean;
  chunks: number;
}

/**
 * Parses a file again: its boxes tile it, moov precedes the first mdat, and every chunk offset points
 * inside an mdat's payload. With `original`, the first bytes of sampled chunks must equal the bytes
 * the original file's matching chunks start with (the offsets moved with the data).
 */
export async function verifyMp4(path: string, original?: string): Promise<Verification> {
  const file = await open(path, 'r');
  const before = original ? await open(original, 'r') : undefined;
  try {
    const size = (await file.stat()).size;
    const boxes = await topLevelBoxes(file, size);
    const moovIndex = boxes.findIndex((b) => b.type === 'moov');
    const firstMdat = boxes.findIndex((b) => b.type === 'mdat');
    if (moovIndex < 0) throw new Mp4Error('no moov box');
    const offsets = await chunkOffsetsOf(file, boxes[moovIndex]!);
    const mdats = boxes.filter((b) => b.type === 'mdat');
    for (const offset of offsets) {
      if (!mdats.some((m) => offset >= m.start + m.headerSize && offset < m.start + m.size)) throw new Mp4Error(`chunk offset ${offset} is not inside an mdat`);
    }
    if (before) {
      const beforeSize = (await before.stat()).size;
      const beforeBoxes = await topLevelBoxes(before, beforeSize);
      const beforeOffsets = await chunkOffsetsOf(before, beforeBoxes.find((b) => b.type === 'moov')!);
      if (beforeOffsets.length !== offsets.length) throw new Mp4Error('the rewritten file lists a different number of chunks');
      const step = Math.max(1, Math.floor(offsets.length / 64));
      const a = Buffer.alloc(16);
      const b = Buffer.alloc(16);
      for (let i = 0; i < offsets.length; i += step) {
        const n = (await file.read(a, 0, 16, offsets[i]!)).bytesRead;
        const m = (await before.read(b, 0, 16, beforeOffsets[i]!)).bytesRead;
        if (n !== m || !a.subarray(0, n).equals(b.subarray(0, m))) throw new Mp4Error(`chunk ${i} does not hold the same bytes after rewriting`);
      }
    }
    return { moovFirst: firstMdat < 0 || moovIndex < firstMdat, chunks: offsets.length };
  } finally {
    await file.close();
    await before?.close();
  }
}

async function chunkOffsetsOf(file: FileHandle, moovBox: BoxHeader): Promise<number[]> {
  if (moovBox.size > MOOV_MAX) throw new Mp4Error('moov is too large');
  const bytes = Buffer.alloc(moovBox.size - moovBox.headerSize);
  await file.read(bytes, 0, bytes.length, moovBox.start + moovBox.headerSize);
  return [...chunkOffsetBoxes(parseBoxes(bytes, 0))].flatMap(readOffsets);
}
