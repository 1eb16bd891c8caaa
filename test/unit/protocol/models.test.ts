import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { iamModel } from "../../../shared/protocol/models/iam.js";
import { stsModel } from "../../../shared/protocol/models/sts.js";
import { trimModel } from "../../../scripts/trim-model.js";

const modelsDir = fileURLToPath(new URL("../../../../shared/testdata/aws-models/", import.meta.url));
const present = existsSync(modelsDir);
if (!present) console.log(`skipping the model drift check: the AWS models are not at ${modelsDir} (they sit beside the repository in CI)`);

describe.skipIf(!present)("generated models", () => {
  it.each([
    ["sts-2011-06-15.json", stsModel],
    ["iam-2010-05-08.json", iamModel],
  ])("match %s", (file, committed) => {
    const source = JSON.parse(readFileSync(modelsDir + file, "utf8"));
    expect(committed).toEqual(trimModel(source));
  });
});
