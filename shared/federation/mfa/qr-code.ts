import { toBuffer } from "qrcode";

/** Renders text, such as an `otpauth://` URI, as a QR code in a PNG image. */
export async function qrCodePng(text: string): Promise<Buffer> {
  // Error correction level M restores about 15% of damaged codewords, and a margin of four modules
  // is the quiet zone the QR code standard requires. Both are qrcode 1.5's defaults, pinned here.
  return toBuffer(text, { type: "png", errorCorrectionLevel: "M", margin: 4, scale: 4 });
}
