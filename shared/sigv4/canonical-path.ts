import { uriEncode } from "./uri-encode.js";

/** A path that is already its own canonical form when not normalised: unreserved characters and `/`. */
const PLAIN_PATH = /^[A-Za-z0-9\-._~/]*$/;

/**
 * Builds the canonical URI of a request for every AWS service but S3. It starts from the path as
 * received on the wire, optionally normalised: empty and `.` segments are dropped, `..` removes the
 * segment before it, and a trailing `/` is kept. The result is then URI-encoded once more. Percent-encoding already on the wire is
 * encoded again (`%20` becomes `%2520`), as @smithy/signature-v4 does for these services.
 *
 * Why not @smithy/signature-v4: its `getCanonicalPath` ties normalising to escaping (one
 * `uriEscapePath` switch), while the suite's `*-unnormalized` vectors (get-space-unnormalized)
 * need escaping without normalising. The normalising rules below are smithy's, so requests its
 * signer produces verify here.
 *
 * NOTE: normalising makes `/a/../b` and `/b` share one signature; a handler that routes on the
 * path must route on the normalised one. STS and IAM serve only `/`.
 */
export function canonicalPath(path: string, normalize: boolean): string {
  if (path === "/" || path === "") return "/";
  const target = normalize ? normalizePath(path) : path;
  return PLAIN_PATH.test(target) ? target : uriEncode(Buffer.from(target, "utf8"), false);
}

function normalizePath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const leading = path.startsWith("/") ? "/" : "";
  const trailing = segments.length > 0 && path.endsWith("/") ? "/" : "";
  return `${leading}${segments.join("/")}${trailing}`;
}
