import { describe, expect, it } from "vitest";
import { isJsonObject, JsonNumber, JsonParseError, type JsonValue, parseJsonStrict } from "../../../shared/policy/json.js";
import { thrownBy } from "./fixtures.js";

/** Converts the parser's Maps and JsonNumbers into what JSON.parse returns. */
function toPlain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return Number(value.text);
  if (Array.isArray(value)) return value.map(toPlain);
  if (isJsonObject(value)) return Object.fromEntries([...value].map(([key, entry]) => [key, toPlain(entry)]));
  return value;
}

describe("parseJsonStrict", () => {
  it.each([
    "{}",
    "[]",
    '""',
    "0",
    "-0.5e+3",
    "1E2",
    "true",
    "false",
    "null",
    ' { "a" : [ 1 , "two" , { "b" : null } ] } ',
    '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
    '"\\u00e9\\u20ac\\ud83d\\ude00"',
    '"é€😀"',
    '{"a": {"b": {"c": [[[]]]}}}',
  ])("agrees with JSON.parse on %s", (text) => {
    expect(toPlain(parseJsonStrict(text))).toEqual(JSON.parse(text));
  });

  it.each([
    ["", "unexpected end of input at line 1, column 1"],
    ["{", "expected a string key at line 1, column 2"],
    ['{"a" 1}', "expected ':' after a key at line 1, column 6"],
    ['{"a": 1 "b": 2}', "expected ',' or '}' at line 1, column 9"],
    ["[1 2]", "expected ',' or ']' at line 1, column 4"],
    ['"abc', "unterminated string at line 1, column 1"],
    ['"\\u12"', "invalid \\u escape at line 1, column 4"],
    ["-", "invalid number at line 1, column 2"],
    ["1.", "invalid number at line 1, column 3"],
    ["1e", "invalid number at line 1, column 3"],
    ["tru", "unexpected character 't' at line 1, column 1"],
    ["\u0000", "unexpected character U+0000 at line 1, column 1"],
    ["{} {}", "unexpected content after the document at line 1, column 4"],
    ["// comment\n{}", "unexpected character '/' at line 1, column 1"],
    ["\ufeff{}", "unexpected character U+FEFF at line 1, column 1"],
  ])("rejects %j", (text, message) => {
    const error = thrownBy(() => parseJsonStrict(text));

    expect(error).toBeInstanceOf(JsonParseError);
    expect((error as JsonParseError).message).toBe(message);
    expect((error as JsonParseError).duplicateKey).toBeUndefined();
  });

  it.each([
    ['{"a": 1, "a": 1}', [], "a"],
    ['{"a": {"b": 1, "c": 2, "b": 3}}', ["a"], "b"],
    ['[{}, {"x": [{"k": 1, "k": 2}]}]', [1, "x", 0], "k"],
    ['{"\\u0041": 1, "A": 2}', [], "A"],
  ])("reports duplicate key in %s", (text, path, key) => {
    const error = thrownBy(() => parseJsonStrict(text));

    expect(error).toBeInstanceOf(JsonParseError);
    expect((error as JsonParseError).path).toEqual(path);
    expect((error as JsonParseError).duplicateKey).toBe(key);
  });

  it("keeps number text", () => {
    const value = parseJsonStrict("[1.10, -0, 1e400]") as JsonValue[];

    expect(value.map((item) => (item as JsonNumber).text)).toEqual(["1.10", "-0", "1e400"]);
  });

  it("accepts 32 levels of nesting", () => {
    expect(() => parseJsonStrict(`${"[".repeat(32)}${"]".repeat(32)}`)).not.toThrow();
    expect(() => parseJsonStrict(`${"[".repeat(33)}${"]".repeat(33)}`)).toThrow("nesting deeper than 32 levels");
  });
});
