import { X509Certificate } from 'node:crypto';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Throws unless `pem` holds at least one certificate and every certificate in it parses.
 * Node's TLS silently ignores a CA bundle it cannot read; Prometheus refuses it, and so does
 * Vigie (`where` names the setting or file in the message).
 */
export function checkPemCertificates(pem: Buffer | string, where: string): void {
  const blocks = (typeof pem === 'string' ? pem : pem.toString('latin1')).match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new Error(`no PEM certificate in ${where}`);
  for (const b of blocks) new X509Certificate(b);
}
