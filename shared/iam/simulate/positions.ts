/** A place in a policy document as IAM's simulator reports it: 1-based line and column. */
export interface Position {
  Line: number;
  Column: number;
}

export interface Span {
  start: Position;
  end: Position;
}

/**
 * Finds where each statement of a policy document starts and ends: the `{` and `}` of each
 * object in the top-level `Statement` array, or of the `Statement` object itself. The document
 * has already been validated, so this scanner only tracks strings, nesting and line breaks.
 * Returns an empty list for a document it cannot follow.
 */
export function statementSpans(document: string): Span[] {
  let line = 1;
  let column = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringStart = -1;
  let lastKeyAtDepthOne: string | undefined;
  let statementDepth = -1;
  let openedAt: Position | undefined;
  const spans: Span[] = [];

  for (let index = 0; index < document.length; index++) {
    const character = document[index]!;
    if (character === "\n") {
      line++;
      column = 0;
      continue;
    }
    column++;
    if (inString) {
      if (escaped) escaped = false;
      else if (character === "\\") escaped = true;
      else if (character === '"') {
        inString = false;
        if (depth === 1) lastKeyAtDepthOne = document.slice(stringStart + 1, index);
      }
      continue;
    }
    if (character === '"') {
      inString = true;
      stringStart = index;
      continue;
    }
    if (character === "{" || character === "[") {
      depth++;
      if (character === "[" && depth === 2 && lastKeyAtDepthOne === "Statement") statementDepth = 3;
      else if (character === "{" && depth === 2 && lastKeyAtDepthOne === "Statement" && statementDepth === -1) {
        statementDepth = 2;
      }
      if (character === "{" && depth === statementDepth) openedAt = { Line: line, Column: column };
      continue;
    }
    if (character === "}" || character === "]") {
      if (character === "}" && depth === statementDepth && openedAt) {
        spans.push({ start: openedAt, end: { Line: line, Column: column } });
        openedAt = undefined;
      }
      if (depth === 2 && statementDepth !== -1 && (character === "]" || statementDepth === 2)) statementDepth = -2;
      depth--;
      if (depth === 1 && character === "}") lastKeyAtDepthOne = undefined;
    }
    if (character === "," && depth === 1) lastKeyAtDepthOne = undefined;
  }
  return spans;
}
