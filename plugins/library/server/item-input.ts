import { InputError, readChoice, readObject, readOptionalNumber, readOptionalString, readString, readStringList, type Fields } from '../../../runtime/plugin/request-input';

export interface MediaInput {
  title: string;
  url: string;
  mimeType: string;
  duration: number | null;
  size: number | null;
  tags: string[];
  source: string;
  licence: string;
  description: string;
}

const MIME = /^(video|audio|image)\/[a-z0-9][a-z0-9.+-]{0,63}$/;
export const MAX_TAGS = 16;

/** Tags are compared and searched in one form: lower case, words joined by dashes. */
export function normaliseTag(tag: string): string {
  return tag.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '-');
}
export const TAG_RULE = { min: 1, max: 32, pattern: /^[\p{L}\p{N}][\p{L}\p{N}-]*$/u, hint: 'letters, digits and dashes' };

export function readTags(fields: Fields): string[] {
  return readStringList(fields, 'tags', { ...TAG_RULE, maxItems: MAX_TAGS, normalise: normaliseTag });
}

/** One media item, as posted or as one row of an import manifest. Throws an InputError naming the field. */
export function readMedia(value: unknown): MediaInput {
  const fields = readObject(value, 'A media item');
  const url = readString(fields, 'url', { min: 8, max: 2048 });
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) throw new InputError('url', '"url" must be an http or https URL.');
  if (parsed.username || parsed.password) throw new InputError('url', '"url" must not carry a user name or password.');
  const mimeType = readString(fields, 'mimeType', { max: 80 }).toLowerCase();
  if (!MIME.test(mimeType)) throw new InputError('mimeType', '"mimeType" must be a video/…, audio/… or image/… type, like "video/mp4".');
  return {
    title: readString(fields, 'title', { max: 200 }),
    url: parsed.href,
    mimeType,
    duration: readOptionalNumber(fields, 'duration', { min: 0, max: 7 * 86_400 }) ?? null,
    size: readOptionalNumber(fields, 'size', { min: 0, max: 2 ** 50, integer: true }) ?? null,
    tags: readTags(fields),
    source: readOptionalString(fields, 'source', { max: 200 }) ?? '',
    licence: readOptionalString(fields, 'licence', { max: 100 }) ?? '',
    description: readOptionalString(fields, 'description', { min: 0, max: 2000 }) ?? '',
  };
}

export interface PresetInput {
  title: string;
  description: string;
  tags: string[];
  presetKind: 'patch' | 'code';
  /** The patch (JSON text) or the Hydra code. */
  body: unknown;
}

/** A preset a user saves: `{ title, description?, tags?, kind: "patch", patch }` or `{ …, kind: "code", code }`. */
export function readPreset(value: unknown): PresetInput {
  const fields = readObject(value);
  const presetKind = readChoice(fields, 'kind', ['patch', 'code'] as const);
  const common = {
    title: readString(fields, 'title', { max: 120 }),
    description: readOptionalString(fields, 'description', { min: 0, max: 2000 }) ?? '',
    tags: readTags(fields),
    presetKind,
  };
  if (presetKind === 'code') return { ...common, body: readString(fields, 'code', { max: 64 * 1024, raw: true }) };
  return { ...common, body: readObject(fields.patch, '"patch"') };
}
