/**
 * Why a TLS handshake failed, as a small fixed set of reasons (pure): the label of
 * `berth_lb_tls_handshake_errors_total`. OpenSSL's error codes, as Node names them, map onto what
 * an operator can act on; anything else is `other`, so the label set stays bounded.
 */
export type HandshakeFailureReason = 'no_shared_cipher' | 'protocol_version' | 'http_request' | 'timeout' | 'client_closed' | 'bad_message' | 'other';

const byCode: Readonly<Record<string, HandshakeFailureReason>> = {
  ERR_SSL_NO_SHARED_CIPHER: 'no_shared_cipher',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'protocol_version',
  ERR_SSL_WRONG_VERSION_NUMBER: 'protocol_version',
  ERR_SSL_VERSION_TOO_LOW: 'protocol_version',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'protocol_version',
  ERR_SSL_HTTP_REQUEST: 'http_request',
  ERR_SSL_HTTPS_PROXY_REQUEST: 'http_request',
  ERR_TLS_HANDSHAKE_TIMEOUT: 'timeout',
  ECONNRESET: 'client_closed',
  EPIPE: 'client_closed',
};

export function handshakeFailureReason(err: { code?: string | undefined }): HandshakeFailureReason {
  const code = err.code ?? '';
  const known = byCode[code];
  if (known) return known;
  // A client that rejects our certificate says so with an alert (bad_certificate, unknown_ca, ...).
  if (code.startsWith('ERR_SSL_SSLV3_ALERT_') || code.startsWith('ERR_SSL_TLSV1_ALERT_')) return 'client_closed';
  if (code.startsWith('ERR_SSL_')) return 'bad_message';
  return 'other';
}
