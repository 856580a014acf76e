import { type Document, isMap, isNode, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export interface SourcePosition {
  line: number;
  col: number;
}

/** `routes[0].channels[1]` for ['routes', 0, 'channels', 1]. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? '(top level)' : text;
}

/**
 * Finds where a key path points in the YAML source: the value's node, or for a path that does not exist (a missing
 * key) the deepest existing parent. With `childKey`, the position of that key inside the node (unknown keys).
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  childKey?: string,
): SourcePosition | undefined {
  let node: unknown = doc.contents;
  for (const part of path) {
    const next = childOf(node, part);
    if (next === undefined) break;
    node = next;
  }
  if (childKey !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === childKey);
    if (pair && isNode(pair.key)) return positionOf(pair.key, lineCounter);
  }
  return isNode(node) ? positionOf(node, lineCounter) : undefined;
}

/** Whether the key path exists in the document (false: the key is missing). */
export function hasPath(doc: Document, path: readonly PropertyKey[]): boolean {
  let node: unknown = doc.contents;
  for (const part of path) {
    node = childOf(node, part);
    if (node === undefined) return false;
  }
  return true;
}

function childOf(node: unknown, part: PropertyKey): unknown {
  if (isMap(node)) {
    const pair = node.items.find(
      (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(part),
    );
    return pair?.value ?? undefined;
  }
  if (isSeq(node) && typeof part === 'number') return node.items[part];
  return undefined;
}

function positionOf(node: Node, lineCounter: LineCounter): SourcePosition | undefined {
  const offset = node.range?.[0];
  return offset === undefined ? undefined : lineCounter.linePos(offset);
}
