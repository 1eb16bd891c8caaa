import {
  type AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { ServiceError } from "../protocol/errors.js";
import { fromItem, type Plain, type PlainMap, toAttribute, toItem } from "./attributes.js";
import { GSI1 } from "./keys.js";

/** Raised when a write's condition expression does not hold; repositories turn it into an IAM error. */
export class ConditionFailed extends Error {
  constructor() {
    super("the condition of a write did not hold");
    this.name = "ConditionFailed";
  }
}

export interface ConditionalWrite {
  condition?: string;
  names?: Record<string, string>;
  values?: Record<string, Plain>;
}

/**
 * The single DynamoDB table behind the IAM data, through @aws-sdk/client-dynamodb. All errors
 * from the SDK are translated here: a failed condition becomes ConditionFailed, throttling
 * becomes Throttling, and anything else ServiceUnavailable, with the original kept as `cause`.
 */
export class Table {
  constructor(
    readonly client: DynamoDBClient,
    readonly name: string,
  ) {}

  async get(pk: string, sk: string): Promise<Record<string, Plain> | undefined> {
    const output = await this.call(() =>
      this.client.send(new GetItemCommand({ TableName: this.name, Key: key(pk, sk), ConsistentRead: true })),
    );
    return output.Item ? fromItem(output.Item) : undefined;
  }

  async put(record: PlainMap, write: ConditionalWrite = {}): Promise<void> {
    await this.call(() =>
      this.client.send(
        new PutItemCommand({ TableName: this.name, Item: toItem(record), ...conditionParts(write) }),
      ),
    );
  }

  async update(pk: string, sk: string, expression: string, write: ConditionalWrite = {}): Promise<void> {
    await this.call(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.name,
          Key: key(pk, sk),
          UpdateExpression: expression,
          ...conditionParts(write),
        }),
      ),
    );
  }

  async delete(pk: string, sk: string, write: ConditionalWrite = {}): Promise<void> {
    await this.call(() =>
      this.client.send(new DeleteItemCommand({ TableName: this.name, Key: key(pk, sk), ...conditionParts(write) })),
    );
  }

  /** Reads every item of one partition whose sort key starts with `prefix`, in sort-key order. */
  async queryPrefix(pk: string, prefix: string): Promise<Record<string, Plain>[]> {
    return this.queryAll({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": { S: pk }, ":prefix": { S: prefix } },
    });
  }

  /** Reads every item of one partition of the secondary index. */
  async queryIndex(gsi1pk: string): Promise<Record<string, Plain>[]> {
    return this.queryAll({
      IndexName: GSI1,
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": { S: gsi1pk } },
    });
  }

  /** Creates the table and its index when it does not exist yet (local mode; the CDK stack owns it on AWS). */
  async ensureExists(): Promise<void> {
    if ((await this.status()) === undefined) await this.create();
    // A new table takes a moment to become ACTIVE; writes before that fail.
    for (let attempt = 0; attempt < 100; attempt++) {
      if ((await this.status()) === "ACTIVE") return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the table ${this.name} did not become ACTIVE`);
  }

  private async status(): Promise<string | undefined> {
    try {
      const output = await this.client.send(new DescribeTableCommand({ TableName: this.name }));
      return output.Table?.TableStatus;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  private async create(): Promise<void> {
    await this.client.send(
      new CreateTableCommand({
        TableName: this.name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
          { AttributeName: "gsi1pk", AttributeType: "S" },
          { AttributeName: "gsi1sk", AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: GSI1,
            KeySchema: [
              { AttributeName: "gsi1pk", KeyType: "HASH" },
              { AttributeName: "gsi1sk", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
        ],
      }),
    );
  }

  private async queryAll(input: {
    IndexName?: string;
    KeyConditionExpression: string;
    ExpressionAttributeValues: Record<string, AttributeValue>;
  }): Promise<Record<string, Plain>[]> {
    const records: Record<string, Plain>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const output = await this.call(() =>
        this.client.send(new QueryCommand({ TableName: this.name, ...input, ExclusiveStartKey: startKey })),
      );
      for (const item of output.Items ?? []) records.push(fromItem(item));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translateStoreError(error);
    }
  }
}

function key(pk: string, sk: string): Record<string, AttributeValue> {
  return { pk: { S: pk }, sk: { S: sk } };
}

function conditionParts(write: ConditionalWrite): {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
} {
  const parts: ReturnType<typeof conditionParts> = {};
  if (write.condition) parts.ConditionExpression = write.condition;
  if (write.names && Object.keys(write.names).length > 0) parts.ExpressionAttributeNames = write.names;
  if (write.values && Object.keys(write.values).length > 0) {
    parts.ExpressionAttributeValues = {};
    for (const [name, value] of Object.entries(write.values)) parts.ExpressionAttributeValues[name] = toAttribute(value);
  }
  return parts;
}

const THROTTLING_ERRORS = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
]);

export function translateStoreError(error: unknown): Error {
  if (error instanceof ConditionalCheckFailedException) return new ConditionFailed();
  const name = error instanceof Error ? error.name : "";
  if (THROTTLING_ERRORS.has(name)) return new ServiceError("Throttling", "Rate exceeded", { cause: error });
  return new ServiceError("ServiceUnavailable", "The service is unavailable. Please try again later.", {
    cause: error,
  });
}
