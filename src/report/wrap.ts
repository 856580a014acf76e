/** Word wrap for a fixed-width terminal column; a word longer than the column (a record, a URL) is cut into pieces. */
export function wrap(text: string, width: number): string[] {
  const column = Math.max(10, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    if (word === '') continue;
    const pieces = [...chunks(word, column)];
    for (const piece of pieces) {
      if (line === '') line = piece;
      else if ([...line].length + 1 + [...piece].length <= column) line = `${line} ${piece}`;
      else {
        lines.push(line);
        line = piece;
      }
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

function* chunks(word: string, size: number): Generator<string> {
  const chars = [...word];
  for (let start = 0; start < chars.length; start += size) yield chars.slice(start, start + size).join('');
}
