import { iamModel } from "./models/iam.js";
import { stsModel } from "./models/sts.js";

/**
 * Tells which API a Query request is for when STS and IAM share one endpoint: by `Version`
 * (2011-06-15 is STS, 2010-05-08 is IAM), else by the signing name in the SigV4 scope, else by
 * the action name. Only routing depends on this; each API still checks everything itself.
 */
export function serviceOfRequest(rawQuery: string, body: string, authorization: string | undefined): "sts" | "iam" {
  const params = new URLSearchParams(rawQuery);
  const form = body.length > 0 && body.length <= 64 * 1024 ? new URLSearchParams(body) : undefined;
  const version = params.get("Version") ?? form?.get("Version");
  if (version === stsModel.apiVersion) return "sts";
  if (version === iamModel.apiVersion) return "iam";

  const credential = authorization?.match(/Credential=([^,\s]+)/)?.[1] ?? params.get("X-Amz-Credential") ?? undefined;
  const signingName = credential?.split("/")[3];
  if (signingName === "iam" || signingName === "sts") return signingName;

  const action = params.get("Action") ?? form?.get("Action") ?? "";
  return Object.hasOwn(iamModel.operations, action) && !Object.hasOwn(stsModel.operations, action) ? "iam" : "sts";
}
