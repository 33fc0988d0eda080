// The real CCXT binance client (ccxt.pro) against `mockex --tls` (tests/mockex/mockex_tls_test.cpp
// starts it and sets NODE_EXTRA_CA_CERTS to its self-signed certificate).
// usage: node tests/ccxt/mockex_ccxt_tls.mjs <https base url> <first trade id>
// The replay waits for the first subscription: watchTrades over wss gets the recording's trades,
// then fetchTicker over https answers with a price. Exit 0 = pass.
import ccxt from 'ccxt';
import assert from 'node:assert/strict';

const [base, firstIdText] = process.argv.slice(2);

async function main() {
  const ex = new ccxt.pro.binance({
    enableRateLimit: false,
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false,
               fetchMargins: false },
  });
  for (const k of ['public', 'private', 'v1', 'sapi']) ex.urls.api[k] = `${base}/api/v3`;
  ex.urls.api.ws.spot = `${base.replace(/^https/, 'wss')}/ws`;
  await ex.loadMarkets();
  const trades = await ex.watchTrades('BTC/USDT');
  // Under load ccxt may hand over its first batch from a later trade on: any recorded one.
  assert.ok(Number(trades[0].id) >= Number(firstIdText), `a recorded trade over wss: ${trades[0].id}`);
  assert.equal(trades[0].symbol, 'BTC/USDT');
  const ticker = await ex.fetchTicker('BTC/USDT');
  assert.equal(ticker.symbol, 'BTC/USDT');
  assert.ok(ticker.last > 0, `ticker over https: ${ticker.last}`);
  await ex.close();
  console.log('mockex_ccxt_tls: all checks passed');
}

main().catch((e) => {
  console.error('mockex_ccxt_tls FAILED:', e);
  process.exit(1);
});
