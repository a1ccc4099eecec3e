// What an upload is (sniffed from its bytes with file-type, never the client's claim) and, for
// PNG, JPEG, GIF and WebP, a copy without metadata plus a thumbnail, made by sharp (libvips runs
// on libuv's thread pool: the event loop does not wait for it).
import { fileTypeFromBuffer } from 'file-type'
import pLimit from 'p-limit'
import sharp, { type Sharp } from 'sharp'

export const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])
/**
 * An animated PNG is a PNG to everyone but file-type: it was kept as sent, with its EXIF (GPS)
 * and text chunks (an audit). It is cleaned as a PNG (its first frame).
 */
const SAME_AS: Record<string, string> = { 'image/apng': 'image/png' }
/** photos browsers do not show (downloads), cleaned of their metadata all the same: a TIFF carries GPS as a JPEG does */
const CLEANED_ONLY = new Set(['image/tiff'])
export const THUMBNAIL_MAX = 320
/** a decompression bomb (a tiny file claiming a huge canvas) is refused before it is decoded */
const MAX_PIXELS = 40_000_000

export interface Processed {
  contentType: string
  /** what is served: for images a re-encoded copy without EXIF/GPS/XMP; otherwise the bytes as sent */
  data: Buffer
  width: number | null
  height: number | null
  thumbnail: Buffer | null
}

export class NotAnImageError extends Error {}

export async function sniff(data: Buffer): Promise<string> {
  const t = await fileTypeFromBuffer(data)
  return t?.mime ?? 'application/octet-stream'
}

/**
 * Images decoded at once: a 40-megapixel image takes ~160 MB decoded, so uploads arriving
 * together wait their turn rather than all decoding at the same time (files that are not images
 * do not wait).
 */
const decoding = pLimit(2)

export async function processUpload(data: Buffer): Promise<Processed> {
  const sniffed = await sniff(data)
  const contentType = SAME_AS[sniffed] ?? sniffed
  if (!IMAGE_TYPES.has(contentType) && !CLEANED_ONLY.has(contentType)) return { contentType, data, width: null, height: null, thumbnail: null }
  return decoding(() => processImage(data, contentType))
}

async function processImage(data: Buffer, contentType: string): Promise<Processed> {
  const animated = contentType === 'image/gif' || contentType === 'image/webp'
  try {
    const input = () => sharp(data, { animated, limitInputPixels: MAX_PIXELS, failOn: 'error' })
    const meta = await input().metadata()
    // JPEG orientation is applied to the pixels, since the tag that carried it is stripped
    const orient = (p: Sharp) => (contentType === 'image/jpeg' ? p.rotate() : p)
    let clean = orient(input())
    if (contentType === 'image/png') clean = clean.png()
    else if (contentType === 'image/jpeg') clean = clean.jpeg({ quality: 90 })
    else if (contentType === 'image/gif') clean = clean.gif()
    else if (contentType === 'image/tiff') clean = clean.tiff()
    else clean = clean.webp({ quality: 90 })
    // sharp writes no metadata unless asked (keepMetadata / withMetadata): EXIF, GPS, XMP and
    // comments are gone from the copy
    const out = await clean.toBuffer({ resolveWithObject: true })
    const width = out.info.width
    const height = meta.pageHeight && (meta.pages ?? 1) > 1 ? meta.pageHeight : out.info.height
    const thumbnail = await orient(sharp(data, { limitInputPixels: MAX_PIXELS, failOn: 'error' }))
      .resize(THUMBNAIL_MAX, THUMBNAIL_MAX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer()
    return { contentType, data: out.data, width, height, thumbnail }
  } catch (e) {
    throw new NotAnImageError(e instanceof Error ? e.message : String(e))
  }
}
