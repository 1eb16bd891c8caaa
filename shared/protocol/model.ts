/**
 * The input side of an AWS API model: enough of each operation's request shapes to decode
 * Query-protocol parameters and enforce the model's constraints. The data comes from the
 * AWS models (see shared/protocol/models/), trimmed to request shapes.
 */

export interface StringShape {
  type: "string";
  min?: number;
  max?: number;
  pattern?: string;
  enum?: readonly string[];
  sensitive?: boolean;
}

export interface NumberShape {
  type: "integer" | "long";
  min?: number;
  max?: number;
}

export interface BooleanShape {
  type: "boolean";
}

export interface TimestampShape {
  type: "timestamp";
}

export interface BlobShape {
  type: "blob";
  min?: number;
  max?: number;
  sensitive?: boolean;
}

export interface ListShape {
  type: "list";
  member: string;
  min?: number;
  max?: number;
}

export interface MapShape {
  type: "map";
  key: string;
  value: string;
  min?: number;
  max?: number;
}

export interface StructureShape {
  type: "structure";
  members: Readonly<Record<string, string>>;
  required?: readonly string[];
}

export type Shape =
  | StringShape
  | NumberShape
  | BooleanShape
  | TimestampShape
  | BlobShape
  | ListShape
  | MapShape
  | StructureShape;

export interface ServiceModel {
  /** Signing name and endpoint prefix: "sts" or "iam". */
  service: string;
  apiVersion: string;
  xmlNamespace: string;
  /** Operation name to its input structure's shape name, absent for operations without input. */
  operations: Readonly<Record<string, string | null>>;
  shapes: Readonly<Record<string, Shape>>;
}
