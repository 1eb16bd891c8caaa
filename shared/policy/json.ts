/**
 * A strict JSON parser for policy documents. JSON.parse keeps the last of two equal keys in an
 * object, so a document could show a reviewer one Effect and grant with another. This parser
 * rejects duplicate keys instead, keeps the text of numbers, and stores objects in Maps so that
 * keys such as `__proto__` stay plain data.
 */

/** A JSON number with its source text, so "1.10" stays "1.10" when used as a condition value. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonObject = ReadonlyMap<string, JsonValue>;
export type JsonValue = string | boolean | null | JsonNumber | readonly JsonValue[] | JsonObject;

/** Path from the root to a value: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/** Invalid JSON (`path` undefined) or a duplicate key in the object at `path`. */
export class JsonParseError extends Error {
  constructor(
    message: string,
    readonly path?: JsonPath,
    readonly duplicateKey?: string,
  ) {
    super(message);
    this.name = "JsonParseError";
  }
}

/** Maximum nesting of arrays and objects. A policy document needs about six levels. */
export const MAX_JSON_DEPTH = 32;

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return value instanceof Map;
}

/** Parses RFC 8259 JSON. Throws JsonParseError on invalid JSON and on duplicate object keys. */
export function parseJsonStrict(text: string): JsonValue {
  const parser = new StrictJsonParser(text);
  return parser.parseDocument();
}

class StrictJsonParser {
  private position = 0;
  private readonly path: (string | number)[] = [];

  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.position < this.text.length) this.fail("unexpected content after the document");
    return value;
  }

  private parseValue(depth: number): JsonValue {
    const char = this.text[this.position];
    if (char === "{") return this.parseObject(depth + 1);
    if (char === "[") return this.parseArray(depth + 1);
    if (char === '"') return this.parseString();
    if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) return this.parseNumber();
    if (this.text.startsWith("true", this.position)) return this.literal("true", true);
    if (this.text.startsWith("false", this.position)) return this.literal("false", false);
    if (this.text.startsWith("null", this.position)) return this.literal("null", null);
    return this.fail(char === undefined ? "unexpected end of input" : `unexpected character ${quoteChar(char)}`);
  }

  private parseObject(depth: number): JsonObject {
    this.checkDepth(depth);
    this.position++;
    const object = new Map<string, JsonValue>();
    this.skipWhitespace();
    if (this.text[this.position] === "}") {
      this.position++;
      return object;
    }

    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') this.fail("expected a string key");
      const keyStart = this.position;
      const key = this.parseString();
      if (object.has(key)) {
        throw new JsonParseError(
          `duplicate key ${JSON.stringify(key)} at ${this.describeOffset(keyStart)}`,
          [...this.path],
          key,
        );
      }

      this.skipWhitespace();
      if (this.text[this.position] !== ":") this.fail("expected ':' after a key");
      this.position++;
      this.skipWhitespace();
      this.path.push(key);
      object.set(key, this.parseValue(depth));
      this.path.pop();

      this.skipWhitespace();
      const separator = this.text[this.position];
      this.position++;
      if (separator === "}") return object;
      if (separator !== ",") this.failAt(this.position - 1, "expected ',' or '}'");
    }
  }

  private parseArray(depth: number): JsonValue[] {
    this.checkDepth(depth);
    this.position++;
    const array: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.position] === "]") {
      this.position++;
      return array;
    }

    for (;;) {
      this.skipWhitespace();
      this.path.push(array.length);
      array.push(this.parseValue(depth));
      this.path.pop();

      this.skipWhitespace();
      const separator = this.text[this.position];
      this.position++;
      if (separator === "]") return array;
      if (separator !== ",") this.failAt(this.position - 1, "expected ',' or ']'");
    }
  }

  private parseString(): string {
    const start = this.position;
    this.position++;
    let result = "";
    let chunkStart = this.position;

    for (;;) {
      const code = this.text.charCodeAt(this.position);
      if (Number.isNaN(code)) this.failAt(start, "unterminated string");
      if (code === 0x22) break;
      if (code < 0x20) this.fail("control character in a string");
      if (code !== 0x5c) {
        this.position++;
        continue;
      }

      result += this.text.slice(chunkStart, this.position);
      result += this.parseEscape();
      chunkStart = this.position;
    }

    result += this.text.slice(chunkStart, this.position);
    this.position++;
    return result;
  }

  /** Reads one escape sequence starting at the backslash. */
  private parseEscape(): string {
    const escapeChar = this.text[this.position + 1];
    this.position += 2;
    switch (escapeChar) {
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "/":
        return "/";
      case "b":
        return "\b";
      case "f":
        return "\f";
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case "u": {
        const hex = this.text.slice(this.position, this.position + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("invalid \\u escape");
        this.position += 4;
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
      default:
        return this.failAt(this.position - 2, "invalid escape sequence");
    }
  }

  private parseNumber(): JsonNumber {
    const start = this.position;
    if (this.text[this.position] === "-") this.position++;

    if (this.text[this.position] === "0") {
      this.position++;
    } else if (!this.skipDigits()) {
      this.fail("invalid number");
    }

    if (this.text[this.position] === ".") {
      this.position++;
      if (!this.skipDigits()) this.fail("invalid number");
    }

    if (this.text[this.position] === "e" || this.text[this.position] === "E") {
      this.position++;
      if (this.text[this.position] === "+" || this.text[this.position] === "-") this.position++;
      if (!this.skipDigits()) this.fail("invalid number");
    }

    return new JsonNumber(this.text.slice(start, this.position));
  }

  /** Advances over decimal digits and returns whether there was at least one. */
  private skipDigits(): boolean {
    const start = this.position;
    while (this.position < this.text.length) {
      const char = this.text[this.position]!;
      if (char < "0" || char > "9") break;
      this.position++;
    }
    return this.position > start;
  }

  private literal<T extends boolean | null>(word: string, value: T): T {
    this.position += word.length;
    return value;
  }

  private skipWhitespace(): void {
    while (this.position < this.text.length) {
      const char = this.text[this.position];
      if (char !== " " && char !== "\t" && char !== "\n" && char !== "\r") return;
      this.position++;
    }
  }

  private checkDepth(depth: number): void {
    if (depth > MAX_JSON_DEPTH) this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
  }

  private fail(reason: string): never {
    return this.failAt(this.position, reason);
  }

  private failAt(offset: number, reason: string): never {
    throw new JsonParseError(`${reason} at ${this.describeOffset(offset)}`);
  }

  /** Describes an offset as a 1-based line and column, which editors show. */
  private describeOffset(offset: number): string {
    let line = 1;
    let lineStart = 0;
    for (let index = 0; index < offset && index < this.text.length; index++) {
      if (this.text[index] === "\n") {
        line++;
        lineStart = index + 1;
      }
    }
    return `line ${line}, column ${offset - lineStart + 1}`;
  }
}

/** Quotes printable ASCII, and names other characters by code, so that invisible ones show. */
function quoteChar(char: string): string {
  const code = char.charCodeAt(0);
  if (code >= 0x20 && code < 0x7f) return `'${char}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}
