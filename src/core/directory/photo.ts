/**
 * Directory photos: JPEG or PNG, recognised by their signature (not by what the uploader says), at
 * most PHOTO_MAX_BYTES so an address book's sync stays small. The version tag is the content's
 * hash, so uploading the same image again changes nothing a client sees.
 */
import { createHash } from 'node:crypto';
import { invalid } from '../errors.js';

export const PHOTO_MAX_BYTES = 256 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** The image type by its signature: JPEG's SOI marker (FF D8 FF), PNG's 8-byte signature. */
export function photoType(data: Buffer): PhotoType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

/** Checks an uploaded photo; returns its type and version tag, or throws invalid naming the problem. */
export function checkPhoto(data: Buffer): { contentType: PhotoType; etag: string } {
  if (!data.length) throw invalid('the photo is empty', { field: 'data' });
  if (data.length > PHOTO_MAX_BYTES) throw invalid(`the photo is ${data.length} bytes; at most ${PHOTO_MAX_BYTES} are accepted`, { field: 'data' });
  const contentType = photoType(data);
  if (!contentType) throw invalid('the photo must be a JPEG or PNG image', { field: 'data' });
  return { contentType, etag: createHash('sha256').update(data).digest('base64url').slice(0, 22) };
}
