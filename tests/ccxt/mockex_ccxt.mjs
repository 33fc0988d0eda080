// The real CCXT binance client (ccxt.pro: REST and websocket) against running mockex
// processes (tests/mockex/mockex_live_test.cpp starts them).
// usage: node tests/ccxt/mockex_ccxt.mjs <expected.json> <base url> <rate-limited base url>
// expected.json, written by the C++ test from the recording: {"trades": [[id, "price", E], ...]}
// in recording order, "weight_limit": the second mockex's REQUEST_WEIGHT per minute.
// The first mockex holds its replay until the first websocket subscription, so every recorded
// trade reaches watchTrades; the REST checks run once the last one has arrived. Exit 0 = pass.
import ccxt from 'ccxt';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const [expectedPath, base, rlBase] = process.argv.slice(2);
const expected = JSON.parse(readFileSync(expectedPath, 'utf8'));
const recorded = expected.trades;
const [lastId, lastPriceText] = recorded[recorded.length - 1];
const lastPrice = Number(lastPriceText);

// Decimal text or a JS number as an integer count of 10^-dp units (exact for these magnitudes).
const units = (x, dp) => {
  const [int, frac = ''] = String(typeof x === 'number' ? x.toFixed(dp) : x).split('.');
  return BigInt(int + frac.padEnd(dp, '0').slice(0, dp));
};

function client(url) {
  const ex = new ccxt.pro.binance({
    apiKey: 'mockex-test-key',
    secret: 'mockex-test-secret',
    enableRateLimit: false,
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false,
               fetchMargins: false, tradesLimit: 100000, streamLimits: { spot: 1 } },
  });
  for (const k of ['public', 'private', 'v1', 'sapi']) ex.urls.api[k] = `${url}/api/v3`;
  ex.urls.api.ws.spot = `${url.replace(/^http/, 'ws')}/ws`;
  return ex;
}

/// Every trade on the websocket, until the recording's last one; tickers alongside.
async function watchReplay(ex) {
  const tickers = [];
  let done = false;
  const watchTickers = (async () => {
    while (!done) tickers.push(await ex.watchTicker('BTC/USDT'));
  })().catch((e) => { if (!done) throw e; });
  const trades = [];
  const deadline = Date.now() + 60_000;
  while (trades.length === 0 || Number(trades[trades.length - 1].id) !== lastId) {
    assert.ok(Date.now() < deadline, `watchTrades: ${trades.length} trades, not the last one`);
    trades.push(...(await ex.watchTrades('BTC/USDT')));
  }
  done = true;
  await Promise.race([watchTickers, new Promise((ok) => setTimeout(ok, 0))]);
  return { trades, tickers };
}

function checkStreams({ trades, tickers }) {
  assert.equal(trades.length, recorded.length, 'watchTrades got every recorded trade');
  trades.forEach((t, i) => {
    assert.equal(Number(t.id), recorded[i][0], `trade ${i}: id in recording order`);
    assert.equal(t.price, Number(recorded[i][1]), `trade ${i}: price`);
  });
  // A ticker goes out with the first trade at least 1 s (event time) after the previous one,
  // so its last price is that of the first recorded trade with the ticker's event time.
  assert.ok(tickers.length > 0, 'watchTicker got tickers');
  for (const t of tickers) {
    const first = recorded.find((r) => r[2] === t.info.E);
    assert.ok(first, `ticker E=${t.info.E} matches a trade's event time`);
    assert.equal(t.last, Number(first[1]), `ticker E=${t.info.E}: last = that trade's price`);
  }
  console.log(`mockex_ccxt: ${trades.length} ws trades in order, ${tickers.length} ws tickers`);
}

async function checkRest(ex) {
  assert.equal(ex.markets['BTC/USDT'].limits.cost.min, 10);
  const time = await ex.fetchTime();
  assert.ok(Math.abs(time - Date.now()) < 5000, 'server time is wall time');

  const ticker = await ex.fetchTicker('BTC/USDT');
  assert.equal(ticker.last, lastPrice, 'ticker last = last replayed trade');

  const trades = await ex.fetchTrades('BTC/USDT', undefined, 5);
  assert.deepEqual(trades.map((t) => Number(t.id)), recorded.slice(-5).map((r) => r[0]),
                   'fetchTrades: the recording\'s last 5 trades in order');
  const bars = await ex.fetchOHLCV('BTC/USDT', '1m');
  assert.equal(bars[bars.length - 1][4], lastPrice, 'last bar close');
}

async function checkOrders(ex) {
  const book = await ex.fetchOrderBook('BTC/USDT', 100);
  const [bid] = book.bids[0];
  assert.ok(bid < book.asks[0][0], `book not crossed: ${bid} < ${book.asks[0][0]}`);
  const limitPrice = Math.round((bid - 100) * 100) / 100;
  const resting = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, limitPrice);
  assert.equal(resting.status, 'open');
  const fetched = await ex.fetchOrder(resting.id, 'BTC/USDT');
  assert.equal(fetched.status, 'open');
  assert.equal(fetched.price, limitPrice);
  assert.equal((await ex.cancelOrder(resting.id, 'BTC/USDT')).status, 'canceled');

  // A market buy of the two best ask levels plus 0.0001 from the third fills level by level.
  const balance = (b, asset) => units(b.info.balances.find((x) => x.asset === asset).free, 8);
  const before = await ex.fetchBalance();
  const levels = book.asks.slice(0, 3).map(([p, q]) => [units(p, 2), units(q, 8)]);
  levels[2][1] = 10000n;  // 0.0001 BTC
  const qty = levels.reduce((s, [, q]) => s + q, 0n);
  const market = await ex.createOrder('BTC/USDT', 'market', 'buy', Number(qty) / 1e8);
  assert.equal(market.status, 'closed');
  const fills = market.info.fills.map((f) => [units(f.price, 2), units(f.qty, 8),
                                              units(f.commission, 8), f.commissionAsset]);
  assert.deepEqual(fills.map(([p, q]) => [p, q]), levels, 'fills walk the ask levels');
  const cost = levels.reduce((s, [p, q]) => s + p * q, 0n);  // 10^-10 USDT
  assert.equal(units(market.info.cummulativeQuoteQty, 10), cost, 'cost = sum of the levels');
  assert.ok(Math.abs(market.average - Number(cost) / 1e10 / (Number(qty) / 1e8)) < 1e-6,
            `average ${market.average} is the VWAP of the levels`);
  for (const [, q, fee, asset] of fills) {
    assert.equal(asset, 'BTC');
    assert.equal(fee, q / 1000n, 'taker fee 0.1% of the fill');
  }
  const fees = fills.reduce((s, f) => s + f[2], 0n);
  const after = await ex.fetchBalance();
  assert.equal(balance(after, 'BTC') - balance(before, 'BTC'), qty - fees, 'BTC += fills - fees');
  assert.equal((balance(before, 'USDT') - balance(after, 'USDT')) * 100n, cost, 'USDT -= cost');

  // CCXT maps -1013 by message: PERCENT_PRICE_BY_SIDE is InvalidOrder, the rest BadRequest.
  await assert.rejects(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.02, 1000),
                       (e) => e instanceof ccxt.InvalidOrder && /PERCENT_PRICE_BY_SIDE/.test(e.message));
  await assert.rejects(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0001, limitPrice),
                       (e) => e instanceof ccxt.BadRequest && /Filter failure: NOTIONAL/.test(e.message));
}

/// The weights of PROTOCOLS.md 1.2, counted here and compared with X-MBX-USED-WEIGHT-1M: the
/// request that would pass the limit gets 429, the one after it 418 (one 429 tolerated).
async function checkRateLimits(ex, limit) {
  // Binance's weight window is the wall-clock minute: keep the burst inside one.
  if (Date.now() % 60_000 > 50_000) await new Promise((ok) => setTimeout(ok, 60_500 - Date.now() % 60_000));
  const calls = [
    [20, () => ex.loadMarkets()],                        // exchangeInfo
    [5, () => ex.fetchOrderBook('BTC/USDT', 100)],       // depth limit <= 100
    [2, () => ex.fetchTicker('BTC/USDT')],               // ticker/24hr with symbol
    [1, () => ex.fetchTime()],                           // time
  ];
  let used = 0;
  for (let i = 0; ; i = Math.min(i + 1, calls.length - 1)) {
    const [weight, call] = calls[i];
    if (used + weight > limit) {
      await assert.rejects(call(), (e) => (e instanceof ccxt.RateLimitExceeded ||
        e instanceof ccxt.DDoSProtection) && /Too much request weight used/.test(e.message),
        `429 once ${used} + ${weight} > ${limit}`);
      break;
    }
    await call();
    used += weight;
    const headers = Object.entries(ex.last_response_headers);
    const [, header] = headers.find(([k]) => k.toLowerCase() === 'x-mbx-used-weight-1m');
    assert.equal(Number(header), used, 'X-MBX-USED-WEIGHT-1M = the weights counted here');
  }
  assert.equal(used, limit, 'the calls fill the limit exactly');
  await assert.rejects(ex.fetchTime(), (e) => (e instanceof ccxt.RateLimitExceeded ||
    e instanceof ccxt.DDoSProtection) && /IP banned until/.test(e.message), '418 after the 429');
  const metrics = await fetch(`${rlBase}/metrics`).then((r) => r.text());
  assert.match(metrics, /mockex_http_responses_total\{code="429"\} 1\n/);
  assert.match(metrics, /mockex_http_responses_total\{code="418"\} 1\n/);
}

async function main() {
  const ex = client(base);
  await ex.loadHttpProxyAgent();  // ccxt dials plain ws:// urls only through its http agent
  await ex.loadMarkets();
  checkStreams(await watchReplay(ex));
  await checkRest(ex);
  await checkOrders(ex);
  await checkRateLimits(client(rlBase), expected.weight_limit);
  await ex.close();
  console.log('mockex_ccxt: all checks passed');
}

main().catch((e) => {
  console.error('mockex_ccxt FAILED:', e);
  process.exit(1);
});
