import { constants, createDecipheriv, privateDecrypt } from "node:crypto";
import { invalid } from "../oidc/token-shape.js";
import { childElements, onlyChild, textOnly } from "./xml-document.js";

const XENC = "http://www.w3.org/2001/04/xmlenc#";
const DSIG = "http://www.w3.org/2000/09/xmldsig#";

/** Key transport: RSA-OAEP only. RSA PKCS#1 v1.5 is rejected, because it is open to padding oracles. */
const KEY_TRANSPORT = new Map([
  ["http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p", "sha1"],
  ["http://www.w3.org/2009/xmlenc11#rsa-oaep", "sha1"],
]);
/** Content encryption: AES-GCM only. CBC modes are rejected, because they are open to padding oracles. */
const CONTENT = new Map([
  ["http://www.w3.org/2009/xmlenc11#aes128-gcm", { cipher: "aes-128-gcm", keyBytes: 16 }],
  ["http://www.w3.org/2009/xmlenc11#aes192-gcm", { cipher: "aes-192-gcm", keyBytes: 24 }],
  ["http://www.w3.org/2009/xmlenc11#aes256-gcm", { cipher: "aes-256-gcm", keyBytes: 32 }],
]);
const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** The one message of every decryption failure, so that failures reveal nothing about the key or the padding. */
const UNDECRYPTABLE = "The encrypted SAML assertion could not be decrypted with the provider's keys.";

/**
 * Decrypts an EncryptedAssertion on the DOM it came in: the EncryptedKey in the EncryptedData's
 * KeyInfo is unwrapped with one of the provider's private keys by RSA-OAEP, and the content
 * opened with AES-GCM, whose tag authenticates it. Returns the assertion's XML and the key
 * that opened it.
 *
 * Written here on node:crypto rather than through xml-encryption, because that library also
 * accepts CBC and RSA PKCS#1 v1.5, parses the document again, and words its failures differently.
 */
export function decryptAssertion(encryptedAssertion: Element, privateKeys: readonly string[]): { xml: string; privateKey: string } {
  const data = onlyChild(encryptedAssertion, XENC, "EncryptedData", "EncryptedData");
  if (!data || childElements(encryptedAssertion, XENC, "EncryptedKey").length > 0) {
    throw invalid("The encrypted SAML assertion must carry its key inside EncryptedData.");
  }
  const contentAlgorithm = onlyChild(data, XENC, "EncryptionMethod", "EncryptionMethod")?.getAttribute("Algorithm") ?? "";
  const content = CONTENT.get(contentAlgorithm);
  if (!content) throw invalid("The SAML assertion is encrypted with an algorithm that is not accepted; use AES-GCM.");
  const keyInfo = onlyChild(data, DSIG, "KeyInfo", "KeyInfo");
  const encryptedKey = keyInfo && onlyChild(keyInfo, XENC, "EncryptedKey", "EncryptedKey");
  if (!encryptedKey) throw invalid("The encrypted SAML assertion has no EncryptedKey.");
  const transportMethod = onlyChild(encryptedKey, XENC, "EncryptionMethod", "EncryptionMethod");
  const transport = KEY_TRANSPORT.get(transportMethod?.getAttribute("Algorithm") ?? "");
  if (!transport || !transportMethod) throw invalid("The SAML assertion's key is wrapped with an algorithm that is not accepted; use RSA-OAEP.");
  const digest = onlyChild(transportMethod, DSIG, "DigestMethod", "DigestMethod")?.getAttribute("Algorithm");
  if (digest !== undefined && digest !== null && digest !== "http://www.w3.org/2000/09/xmldsig#sha1") {
    throw invalid("The SAML assertion's key is wrapped with an OAEP digest that is not supported; use SHA-1.");
  }

  const wrappedKey = readCipherValue(encryptedKey);
  const cipherText = readCipherValue(data);
  if (cipherText.length < GCM_IV_BYTES + GCM_TAG_BYTES) throw invalid(UNDECRYPTABLE);
  for (const pem of privateKeys) {
    const plain = tryDecrypt(pem, wrappedKey, cipherText, content);
    if (plain !== undefined) return { xml: plain, privateKey: pem };
  }
  throw invalid(UNDECRYPTABLE);
}

function readCipherValue(parent: Element): Buffer {
  const cipherData = onlyChild(parent, XENC, "CipherData", "CipherData");
  const value = cipherData && onlyChild(cipherData, XENC, "CipherValue", "CipherValue");
  if (!value) throw invalid("The encrypted SAML assertion has no CipherValue.");
  const text = textOnly(value, "CipherValue").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw invalid(UNDECRYPTABLE);
  return Buffer.from(text, "base64");
}

function tryDecrypt(pem: string, wrappedKey: Buffer, cipherText: Buffer, content: { cipher: string; keyBytes: number }): string | undefined {
  try {
    const key = privateDecrypt({ key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, wrappedKey);
    if (key.length !== content.keyBytes) return undefined;
    const iv = cipherText.subarray(0, GCM_IV_BYTES);
    const tag = cipherText.subarray(cipherText.length - GCM_TAG_BYTES);
    const decipher = createDecipheriv(content.cipher as "aes-256-gcm", key, iv);
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(cipherText.subarray(GCM_IV_BYTES, cipherText.length - GCM_TAG_BYTES)), decipher.final()]);
    return plain.toString("utf8");
  } catch {
    return undefined;
  }
}
