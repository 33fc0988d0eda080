-- QuestDB tables the normalizer writes over ILP/HTTP (normalizer/bar_rows.h).
-- Run once before the normalizer starts, e.g.
--   curl -G http://questdb:9000/exec --data-urlencode "query=$(cat deploy/questdb/ohlcv_1m.sql)"
-- (one statement per request: split at the semicolons).
--
-- One row per (minute, exchange, symbol). DEDUP UPSERT KEYS makes a repeated write of the
-- same bar replace it, which is what the normalizer relies on: it upserts the open bars on
-- every flush and may repeat a write after a crash or a store error. Decimals arrive as ILP
-- floats; DOUBLE keeps the 8 decimal places of Binance prices and quantities exactly enough
-- to compare equal after parsing back (at most 15 significant digits).
CREATE TABLE IF NOT EXISTS ohlcv_1m (
  timestamp TIMESTAMP,
  exchange SYMBOL CAPACITY 16 CACHE,
  symbol SYMBOL CAPACITY 4096 CACHE,
  open DOUBLE,
  high DOUBLE,
  low DOUBLE,
  close DOUBLE,
  volume DOUBLE,
  trades LONG
) TIMESTAMP(timestamp) PARTITION BY DAY WAL
DEDUP UPSERT KEYS(timestamp, exchange, symbol);

-- The consumer checkpoint written in the same request as the bars: one row per durable
-- consumer at timestamp 0, the last stream sequence whose effects the bars hold.
CREATE TABLE IF NOT EXISTS ohlcv_1m_checkpoint (
  timestamp TIMESTAMP,
  consumer SYMBOL CAPACITY 64 CACHE,
  stream_seq LONG
) TIMESTAMP(timestamp) PARTITION BY DAY WAL
DEDUP UPSERT KEYS(timestamp, consumer);
