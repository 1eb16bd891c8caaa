import { describe, expect, it } from "vitest";
import { ServiceError } from "../../../shared/protocol/errors.js";
import { parseFormEncoded } from "../../../shared/protocol/query.js";
import { escapeXml, formatTimestamp, renderElement } from "../../../shared/protocol/xml.js";

describe("parseFormEncoded", () => {
  it.each([
    ["Action=A&Version=1", { Action: "A", Version: "1" }],
    ["a=b+c&d=e%20f", { a: "b c", d: "e f" }],
    ["flag&x=", { flag: "", x: "" }],
    ["a=%E2%9C%93", { a: "\u2713" }],
    ["", {}],
  ])("parses %j", (text, expected) => {
    expect(Object.fromEntries(parseFormEncoded(text))).toEqual(expected);
  });

  it.each([
    ["a=1&a=2", "ValidationError"],
    ["a=%ZZ", "MalformedQueryString"],
    ["a=%C3%28", "MalformedQueryString"],
  ])("rejects %j", (text, code) => {
    expect(() => parseFormEncoded(text)).toThrow(ServiceError);
    try {
      parseFormEncoded(text);
    } catch (error) {
      expect((error as ServiceError).code).toBe(code);
    }
  });
});

describe("xml rendering", () => {
  it("escapes reflected values", () => {
    expect(escapeXml(`<a href="x">&'`)).toBe(`&lt;a href="x"&gt;&amp;'`);
    expect(renderElement("Name", "]]><x>")).toBe("<Name>]]&gt;&lt;x&gt;</Name>");
  });

  it("renders lists as members and skips absent values", () => {
    expect(renderElement("R", { Names: ["a", "b"], Marker: undefined, Count: 2, Flag: false })).toBe(
      "<R><Names><member>a</member><member>b</member></Names><Count>2</Count><Flag>false</Flag></R>",
    );
  });

  it("formats times in UTC without a fraction", () => {
    expect(formatTimestamp(new Date("2026-01-02T03:04:05.678Z"))).toBe("2026-01-02T03:04:05Z");
  });
});
