import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handshakeFailureReason } from './handshake-failure.js';

test('OpenSSL codes map onto a bounded set of reasons', () => {
  assert.equal(handshakeFailureReason({ code: 'ERR_SSL_NO_SHARED_CIPHER' }), 'no_shared_cipher');
  assert.equal(handshakeFailureReason({ code: 'ERR_SSL_UNSUPPORTED_PROTOCOL' }), 'protocol_version');
  assert.equal(handshakeFailureReason({ code: 'ERR_SSL_HTTP_REQUEST' }), 'http_request');
  assert.equal(handshakeFailureReason({ code: 'ERR_TLS_HANDSHAKE_TIMEOUT' }), 'timeout');
  assert.equal(handshakeFailureReason({ code: 'ECONNRESET' }), 'client_closed');
  assert.equal(handshakeFailureReason({ code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' }), 'client_closed');
  assert.equal(handshakeFailureReason({ code: 'ERR_SSL_PACKET_LENGTH_TOO_LONG' }), 'bad_message');
  assert.equal(handshakeFailureReason({}), 'other');
});
