import { ServiceError } from "./errors.js";
import type { ServiceModel, Shape, StringShape } from "./model.js";

/**
 * Decodes the Query-protocol parameters of one operation into a plain object, following the
 * operation's input shape in the AWS model: lists as `Name.member.N`, maps as
 * `Name.entry.N.key` / `.value`, structures as `Name.Field`. Every constraint of the model
 * (required members, length, pattern, range, enum, list size) is checked, and all failures are
 * reported together as one ValidationError worded as AWS words it.
 */
export function decodeInput(model: ServiceModel, operation: string, params: ReadonlyMap<string, string>): Record<string, unknown> {
  const inputShape = model.operations[operation];
  if (inputShape === undefined) throw new Error(`operation ${operation} is not in the ${model.service} model`);
  if (inputShape === null) return {};
  const decoder = new Decoder(model, params);
  const value = decoder.decodeStructure(inputShape, "", "") ?? {};
  decoder.throwIfInvalid();
  return value;
}

class Decoder {
  private readonly failures: string[] = [];

  constructor(
    private readonly model: ServiceModel,
    private readonly params: ReadonlyMap<string, string>,
  ) {}

  throwIfInvalid(): void {
    if (this.failures.length === 0) return;
    const count = this.failures.length;
    const noun = count === 1 ? "validation error" : "validation errors";
    throw new ServiceError("ValidationError", `${count} ${noun} detected: ${this.failures.join("; ")}`);
  }

  decodeStructure(shapeName: string, prefix: string, path: string): Record<string, unknown> | undefined {
    const shape = this.shape(shapeName);
    if (shape.type !== "structure") throw new Error(`${shapeName} is not a structure`);
    const result: Record<string, unknown> = {};
    let present = false;
    for (const [member, memberShape] of Object.entries(shape.members)) {
      const value = this.decodeValue(memberShape, prefix + member, joinPath(path, lowerFirst(member)));
      if (value !== undefined) {
        result[member] = value;
        present = true;
      }
    }
    for (const member of shape.required ?? []) {
      if (result[member] === undefined && (present || prefix === "")) {
        this.failures.push(`Value null at '${joinPath(path, lowerFirst(member))}' failed to satisfy constraint: Member must not be null`);
      }
    }
    return present || prefix === "" ? result : undefined;
  }

  private decodeValue(shapeName: string, name: string, path: string): unknown {
    const shape = this.shape(shapeName);
    switch (shape.type) {
      case "structure":
        return this.decodeStructure(shapeName, `${name}.`, path);
      case "list":
        return this.decodeList(shape.member, shape.min, shape.max, name, path);
      case "map":
        return this.decodeMap(shape.key, shape.value, name, path);
      default: {
        const raw = this.params.get(name);
        return raw === undefined ? undefined : this.decodeScalar(shape, raw, path);
      }
    }
  }

  private decodeList(memberShape: string, min: number | undefined, max: number | undefined, name: string, path: string): unknown[] | undefined {
    const items: unknown[] = [];
    // botocore sends an empty list as `Name=` with no members.
    const emptyMarker = this.params.get(name) === "";
    for (let index = 1; ; index++) {
      const itemName = `${name}.member.${index}`;
      if (!this.hasPrefix(itemName)) break;
      items.push(this.decodeValue(memberShape, itemName, `${path}.${index}.member`));
    }
    if (items.length === 0 && !emptyMarker) return undefined;
    if (min !== undefined && items.length < min) {
      this.failures.push(`Value '[${items.length} items]' at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`);
    }
    if (max !== undefined && items.length > max) {
      this.failures.push(`Value '[${items.length} items]' at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
    }
    return items;
  }

  private decodeMap(keyShape: string, valueShape: string, name: string, path: string): Record<string, unknown> | undefined {
    const result: Record<string, unknown> = {};
    let present = false;
    for (let index = 1; ; index++) {
      const entry = `${name}.entry.${index}`;
      if (!this.hasPrefix(entry)) break;
      present = true;
      const key = this.decodeValue(keyShape, `${entry}.key`, `${path}.${index}.key`);
      const value = this.decodeValue(valueShape, `${entry}.value`, `${path}.${index}.value`);
      if (typeof key === "string") result[key] = value;
    }
    return present ? result : undefined;
  }

  private decodeScalar(shape: Shape, raw: string, path: string): unknown {
    switch (shape.type) {
      case "string":
        this.checkString(shape, raw, path);
        return raw;
      case "integer":
      case "long": {
        if (!/^-?\d{1,15}$/.test(raw)) {
          this.failures.push(`Value '${raw}' at '${path}' failed to satisfy constraint: Member must be a number`);
          return undefined;
        }
        const value = Number(raw);
        if (shape.min !== undefined && value < shape.min) {
          this.failures.push(`Value '${value}' at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${shape.min}`);
        }
        if (shape.max !== undefined && value > shape.max) {
          this.failures.push(`Value '${value}' at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${shape.max}`);
        }
        return value;
      }
      case "boolean":
        if (raw !== "true" && raw !== "false") {
          this.failures.push(`Value '${raw}' at '${path}' failed to satisfy constraint: Member must be true or false`);
          return undefined;
        }
        return raw === "true";
      case "timestamp": {
        const time = Date.parse(raw);
        if (Number.isNaN(time)) {
          this.failures.push(`Value '${raw}' at '${path}' failed to satisfy constraint: Member must be a timestamp`);
          return undefined;
        }
        return new Date(time);
      }
      case "blob": {
        const bytes = Buffer.from(raw, "base64");
        if (shape.min !== undefined && bytes.length < shape.min) {
          this.failures.push(`Value at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${shape.min}`);
        }
        if (shape.max !== undefined && bytes.length > shape.max) {
          this.failures.push(`Value at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${shape.max}`);
        }
        return bytes;
      }
      default:
        throw new Error(`unexpected shape type ${shape.type}`);
    }
  }

  private checkString(shape: StringShape, raw: string, path: string): void {
    // Lengths count code points, as AWS's Java-based validators do for these patterns.
    const length = raw.length < 128 && isAscii(raw) ? raw.length : [...raw].length;
    const quotedValue = shape.sensitive ? "" : ` '${raw}'`;
    if (shape.min !== undefined && length < shape.min) {
      this.failures.push(`Value${quotedValue} at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${shape.min}`);
    }
    if (shape.max !== undefined && length > shape.max) {
      this.failures.push(`Value${quotedValue} at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${shape.max}`);
    }
    if (shape.pattern !== undefined && !compilePattern(shape.pattern).test(raw)) {
      this.failures.push(`Value${quotedValue} at '${path}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${shape.pattern}`);
    }
    if (shape.enum !== undefined && !shape.enum.includes(raw)) {
      this.failures.push(`Value${quotedValue} at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
    }
  }

  private hasPrefix(name: string): boolean {
    if (this.params.has(name)) return true;
    const dotted = `${name}.`;
    for (const key of this.params.keys()) if (key.startsWith(dotted)) return true;
    return false;
  }

  private shape(name: string): Shape {
    const shape = this.model.shapes[name];
    if (!shape) throw new Error(`shape ${name} is missing from the ${this.model.service} model`);
    return shape;
  }
}

const patternCache = new Map<string, RegExp>();

/**
 * Compiles a model pattern (Java regular-expression syntax, matched against the whole value)
 * into a JavaScript RegExp. Java writes supplementary code points as `\u10000`; JavaScript
 * needs `\u{10000}` with the `u` flag. The patterns come from the model, never from a request,
 * and are simple character classes, so they cannot backtrack badly.
 */
export function compilePattern(pattern: string): RegExp {
  let compiled = patternCache.get(pattern);
  if (!compiled) {
    const source = pattern.replace(/\\u([0-9A-Fa-f]{5,6})/g, "\\u{$1}");
    compiled = new RegExp(`^(?:${source})$`, "u");
    patternCache.set(pattern, compiled);
  }
  return compiled;
}

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > 0x7f) return false;
  return true;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function joinPath(path: string, member: string): string {
  return path === "" ? member : `${path}.${member}`;
}
