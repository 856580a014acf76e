/**
 * Test data that lives outside this repository (large third-party suites kept beside it, in ../shared/testdata).
 * A fresh clone elsewhere has no such directory: tests that need it skip, saying what is missing and where it
 * was looked for, instead of failing; where it exists (CI, the development machine) they run.
 * MAILWARDEN_TESTDATA points at another copy of the testdata directory.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const testdata = process.env.MAILWARDEN_TESTDATA ?? path.resolve(repoRoot, '../shared/testdata');

export interface OutsideData {
  path: string;
  present: boolean;
  /** Why the tests that need it are skipped (only meaningful when not present). */
  skipReason: string;
}

export function outsideData(relative: string, what: string): OutsideData {
  const file = path.join(testdata, relative);
  const present = existsSync(file);
  return {
    path: file,
    present,
    skipReason: `skipped: ${what} is not here (looked for ${file}; set MAILWARDEN_TESTDATA to its testdata directory)`,
  };
}
