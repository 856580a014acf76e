import { type FileHandle, open, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Chunks are gathered into writes of about this many characters. */
const WRITE_SIZE = 1 << 20;

/**
 * Writes `chunks` to `path` atomically: a temporary file beside it (the name lowdb's steno uses), flushed to disk,
 * then renamed over the old file. A crash leaves the old file or the new one, never a mix. The text comes as pieces
 * (possibly produced lazily) and is encoded and written a megabyte at a time. Returns the bytes written.
 */
export async function writeFileAtomically(path: string, chunks: Iterable<string>): Promise<number> {
  const temporary = join(dirname(path), `.${basename(path)}.tmp`);
  const handle = await open(temporary, 'w');
  let bytes = 0;
  try {
    let pending: string[] = [];
    let pendingLength = 0;
    const writePending = async () => {
      const buffer = Buffer.from(pending.join(''));
      pending = [];
      pendingLength = 0;
      await writeAll(handle, buffer);
      bytes += buffer.byteLength;
    };
    for (const chunk of chunks) {
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength >= WRITE_SIZE) await writePending();
    }
    if (pendingLength > 0) await writePending();
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  return bytes;
}

async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.byteLength) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Appends `text` to `path` and flushes it to disk. Returns the bytes written. */
export async function appendDurably(path: string, text: string): Promise<number> {
  const handle = await open(path, 'a');
  try {
    const buffer = Buffer.from(text);
    await writeAll(handle, buffer);
    await handle.sync();
    return buffer.byteLength;
  } finally {
    await handle.close();
  }
}

/** Whether something exists at `path` (any error reading it counts as no). */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
