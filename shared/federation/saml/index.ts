/** SAML federation, loaded on the first AssumeRoleWithSAML call so that other cold starts skip the XML code. */
export {
  readRolePairs,
  readRoleSessionName,
  readSessionDuration,
  readSessionTags,
  readSourceIdentity,
  samlConditionKeys,
  subjectType,
} from "./aws-attributes.js";
export { samlProviderOptions } from "./provider-options.js";
export { confirmWithSamlify } from "./samlify-check.js";
export { verifySamlResponse } from "./verify-response.js";
export { decodeSamlResponse } from "./xml-document.js";
