import type { ServiceModel, Shape } from "../shared/protocol/model.js";

interface RawShape {
  type: string;
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  required?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
}

interface RawModel {
  metadata: { apiVersion: string; endpointPrefix: string; xmlNamespace: string };
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, RawShape>;
}

/** Keeps each operation's input shape and every shape reachable from it, without documentation. */
export function trimModel(raw: RawModel): ServiceModel {
  const shapes: Record<string, Shape> = {};
  const visit = (name: string): void => {
    if (shapes[name]) return;
    const source = raw.shapes[name];
    if (!source) throw new Error(`shape ${name} is referenced but not defined`);
    const shape = trimShape(source);
    shapes[name] = shape;
    for (const child of childShapes(source)) visit(child);
  };

  const operations: Record<string, string | null> = {};
  for (const [name, operation] of Object.entries(raw.operations).sort(([a], [b]) => a.localeCompare(b))) {
    operations[name] = operation.input?.shape ?? null;
    if (operation.input) visit(operation.input.shape);
  }

  const sorted: Record<string, Shape> = {};
  for (const name of Object.keys(shapes).sort()) sorted[name] = shapes[name]!;
  return {
    service: raw.metadata.endpointPrefix,
    apiVersion: raw.metadata.apiVersion,
    xmlNamespace: raw.metadata.xmlNamespace,
    operations,
    shapes: sorted,
  };
}

function childShapes(shape: RawShape): string[] {
  const children: string[] = [];
  for (const member of Object.values(shape.members ?? {})) children.push(member.shape);
  if (shape.member) children.push(shape.member.shape);
  if (shape.key) children.push(shape.key.shape);
  if (shape.value) children.push(shape.value.shape);
  return children;
}

function trimShape(shape: RawShape): Shape {
  const limits = {
    ...(shape.min === undefined ? {} : { min: shape.min }),
    ...(shape.max === undefined ? {} : { max: shape.max }),
  };
  switch (shape.type) {
    case "string":
      return {
        type: "string",
        ...limits,
        ...(shape.pattern === undefined ? {} : { pattern: shape.pattern }),
        ...(shape.enum === undefined ? {} : { enum: shape.enum }),
        ...(shape.sensitive ? { sensitive: true } : {}),
      };
    case "integer":
    case "long":
      return { type: shape.type, ...limits };
    case "boolean":
      return { type: "boolean" };
    case "timestamp":
      return { type: "timestamp" };
    case "blob":
      return { type: "blob", ...limits, ...(shape.sensitive ? { sensitive: true } : {}) };
    case "list":
      return { type: "list", member: shape.member!.shape, ...limits };
    case "map":
      return { type: "map", key: shape.key!.shape, value: shape.value!.shape, ...limits };
    case "structure": {
      const members: Record<string, string> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) members[name] = member.shape;
      return { type: "structure", members, ...(shape.required?.length ? { required: shape.required } : {}) };
    }
    default:
      throw new Error(`unsupported shape type ${shape.type}`);
  }
}
