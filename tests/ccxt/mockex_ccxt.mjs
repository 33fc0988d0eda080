// The real CCXT binance client against a running mockex (tests/mockex_server.cmake starts it).
// usage: node tests/ccxt/mockex_ccxt.mjs <base url> <last trade id> <last trade price>
// The recording is replayed at max speed; the script waits for its last trade, then checks
// CCXT's unified answers against what the recording and the model must give. Exit 0 = pass.
import ccxt from 'ccxt';
import assert from 'node:assert/strict';

const [base, lastIdText, lastPriceText] = process.argv.slice(2);
const lastId = Number(lastIdText);
const lastPrice = Number(lastPriceText);

async function waitForReplay() {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const rows = await fetch(`${base}/api/v3/trades?symbol=BTCUSDT&limit=1`)
      .then((r) => r.json())
      .catch(() => []);  // not listening yet
    if (rows.length === 1 && rows[0].id === lastId) return;
    if (Date.now() > deadline) throw new Error(`replay did not reach trade ${lastId}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

const approx = (a, b, what) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} != ${b}`);

async function main() {
  await waitForReplay();
  const ex = new ccxt.binance({
    apiKey: 'mockex-test-key',
    secret: 'mockex-test-secret',
    enableRateLimit: false,
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false,
               fetchMargins: false },
  });
  for (const k of ['public', 'private', 'v1', 'sapi']) ex.urls.api[k] = `${base}/api/v3`;

  const markets = await ex.loadMarkets();
  assert.ok(markets['BTC/USDT'], 'BTC/USDT market');
  assert.equal(markets['BTC/USDT'].limits.cost.min, 10);

  const time = await ex.fetchTime();
  assert.ok(Math.abs(time - Date.now()) < 5000, 'server time is wall time');

  const ticker = await ex.fetchTicker('BTC/USDT');
  approx(ticker.last, lastPrice, 'ticker last = last replayed trade');

  const book = await ex.fetchOrderBook('BTC/USDT', 5);
  const bid = book.bids[0][0];
  const ask = book.asks[0][0];
  assert.ok(bid < ask, `book not crossed: ${bid} < ${ask}`);

  const trades = await ex.fetchTrades('BTC/USDT', undefined, 5);
  assert.equal(trades.length, 5);
  assert.equal(Number(trades[4].id), lastId);
  for (let i = 1; i < trades.length; i++) assert.ok(Number(trades[i].id) > Number(trades[i - 1].id));

  const bars = await ex.fetchOHLCV('BTC/USDT', '1m');
  approx(bars[bars.length - 1][4], lastPrice, 'last bar close');

  const before = await ex.fetchBalance();
  assert.equal(before.free.USDT, 10000);
  assert.equal(before.free.BTC, 1);

  const limitPrice = Math.round((bid - 100) * 100) / 100;
  const resting = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, limitPrice);
  assert.equal(resting.status, 'open');
  const fetched = await ex.fetchOrder(resting.id, 'BTC/USDT');
  assert.equal(fetched.status, 'open');
  assert.equal(fetched.price, limitPrice);
  const canceled = await ex.cancelOrder(resting.id, 'BTC/USDT');
  assert.equal(canceled.status, 'canceled');

  const market = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.001);
  assert.equal(market.status, 'closed');
  approx(market.filled, 0.001, 'market filled');
  approx(market.average, ask, 'market buy fills at the best ask');
  const after = await ex.fetchBalance();
  approx(after.free.BTC, 1 + 0.001 - 0.000001, 'BTC = 1 + fill - fee');
  approx(after.free.USDT, 10000 - market.cost, 'USDT = 10000 - cost');

  // CCXT maps -1013 by message: PERCENT_PRICE_BY_SIDE is InvalidOrder, the rest BadRequest.
  await assert.rejects(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.02, 1000),
                       (e) => e instanceof ccxt.InvalidOrder && /PERCENT_PRICE_BY_SIDE/.test(e.message));
  await assert.rejects(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, limitPrice),
                       (e) => e instanceof ccxt.BadRequest && /Filter failure: NOTIONAL/.test(e.message));
  console.log('mockex_ccxt: all checks passed');
}

main().catch((e) => {
  console.error('mockex_ccxt FAILED:', e);
  process.exit(1);
});
