import type { OidcSettings } from "../../config/service-config.js";
import type { OidcProviderRecord } from "../../store/entities.js";
import { invalid, printable } from "./token-shape.js";

/** A web identity provider as one token is checked against it. */
export interface WebIdentityProvider {
  /** The `iss` value the token must carry, byte for byte. */
  issuer: string;
  /** The name trust policies give the provider in `"Principal": {"Federated": ...}`. */
  principal: string;
  /** The prefix of its condition keys, such as `token.actions.githubusercontent.com` in `...:sub`. */
  keyPrefix: string;
  /** Accepted audiences; undefined for AWS's built-in providers, whose trust policies test `:aud` instead. */
  clientIds?: readonly string[];
  /** Google's tokens name the requesting app in `azp`, which AWS reports as `accounts.google.com:aud`. */
  google: boolean;
}

/**
 * Providers that AWS accepts without an IAM OpenID Connect provider. Trust policies name them
 * by these names, and their keys are found through discovery like any other issuer's.
 */
const BUILT_IN: ReadonlyMap<string, { name: string; discoveryIssuer: string }> = new Map([
  ["https://accounts.google.com", { name: "accounts.google.com", discoveryIssuer: "https://accounts.google.com" }],
  ["accounts.google.com", { name: "accounts.google.com", discoveryIssuer: "https://accounts.google.com" }],
  ["https://cognito-identity.amazonaws.com", { name: "cognito-identity.amazonaws.com", discoveryIssuer: "https://cognito-identity.amazonaws.com" }],
]);

export interface ProviderLookup {
  getOidcProvider(accountId: string, urlWithoutScheme: string): Promise<OidcProviderRecord | undefined>;
}

/**
 * Finds the provider of a token's issuer in the role's account. The issuer must equal the URL
 * of a registered provider exactly, scheme and case included, without normalising slashes,
 * ports or case. Google and Cognito issuers fall back to AWS's built-in providers. Returns the
 * provider and the issuer URL whose discovery document leads to its keys.
 */
export async function findProvider(
  issuer: unknown,
  accountId: string,
  providers: ProviderLookup,
  settings: Pick<OidcSettings, "allowLoopbackIssuers">,
): Promise<{ provider: WebIdentityProvider; discoveryIssuer: string }> {
  if (typeof issuer !== "string" || issuer === "") throw invalid("Missing a required claim: iss");
  const scheme = /^(https?):\/\//.exec(issuer)?.[1];
  if (scheme === "https" || (scheme === "http" && settings.allowLoopbackIssuers)) {
    const record = await providers.getOidcProvider(accountId, issuer.slice(scheme.length + 3));
    if (record && record.url === issuer) {
      const keyPrefix = record.urlWithoutScheme;
      return {
        provider: { issuer, principal: record.arn, keyPrefix, clientIds: record.clientIds, google: keyPrefix === "accounts.google.com" },
        discoveryIssuer: issuer,
      };
    }
  }
  const builtIn = BUILT_IN.get(issuer);
  if (builtIn) {
    return {
      provider: { issuer, principal: builtIn.name, keyPrefix: builtIn.name, google: builtIn.name === "accounts.google.com" },
      discoveryIssuer: builtIn.discoveryIssuer,
    };
  }
  // IAM's longest provider URL is 255 characters, so an issuer that long is still shown whole.
  throw invalid(`No OpenIDConnect provider found in your account for ${printable(issuer, 255).slice(1, -1)}`);
}
