// POST /uploads with XMLHttpRequest (fetch reports no upload progress). The session cookie rides
// along; `mercurius-require-preflight` is the header a cross-site form cannot send, as on /graphql.
import { AppError } from './errors'

export interface Uploaded {
  id: string
  name: string
  contentType: string
  size: number
  width: number | null
  height: number | null
  url: string
  thumbnailUrl: string | null
}

export interface UploadHandle {
  done: Promise<Uploaded>
  abort(): void
}

export function uploadFile(file: Blob, name: string, onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest()
  const done = new Promise<Uploaded>((resolve, reject) => {
    xhr.open('POST', '/uploads')
    xhr.withCredentials = true
    xhr.setRequestHeader('mercurius-require-preflight', 'true')
    xhr.responseType = 'json'
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total) }
    xhr.onload = () => {
      const body = xhr.response as (Uploaded & { error?: string; code?: string; maxBytes?: number }) | null
      if (xhr.status === 201 && body) { onProgress(1); resolve(body); return }
      if (xhr.status === 413) {
        const mb = body?.maxBytes ? ` (at most ${Math.round(body.maxBytes / 1024 / 1024)} MB)` : ''
        reject(new AppError(`The file is too large${mb}`, 'BAD_USER_INPUT'))
        return
      }
      if (xhr.status === 429) { reject(new AppError('Too many uploads; try again in a minute', 'RATE_LIMITED')); return }
      if (xhr.status === 401) { reject(new AppError('Sign in again to upload', 'UNAUTHENTICATED')); return }
      reject(new AppError(body?.error ?? `Upload failed (HTTP ${xhr.status})`, xhr.status >= 500 ? 'INTERNAL' : 'BAD_USER_INPUT'))
    }
    xhr.onerror = () => reject(new AppError('The upload was interrupted', 'NETWORK'))
    xhr.onabort = () => reject(new AppError('The upload was cancelled', 'NETWORK'))
    const form = new FormData()
    form.append('file', file, name)
    xhr.send(form)
  })
  return { done, abort: () => xhr.abort() }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

export const isImageType = (t: string) => ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(t)
