#include "sim/sim_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "sim/detail/ilp_parse.h"

namespace sim {
namespace {

using Tags = std::map<std::string, std::string>;
using Fields = std::map<std::string, std::string>;

struct RowKey {
  std::int64_t ts_ns;
  Tags tags;
  bool operator<(const RowKey& o) const {
    return ts_ns != o.ts_ns ? ts_ns < o.ts_ns : tags < o.tags;
  }
};

using Table = std::map<RowKey, Fields>;

bool matches(const RowKey& key, const core::StoreQuery& q) {
  if (q.from_ns && key.ts_ns < *q.from_ns) return false;
  if (q.to_ns && key.ts_ns >= *q.to_ns) return false;
  for (const auto& [tag, value] : q.tags_equal) {
    auto it = key.tags.find(tag);
    if (it == key.tags.end() || it->second != value) return false;
  }
  return true;
}

core::QueryResult answer(const Table& table, const core::StoreQuery& q) {
  std::vector<const Table::value_type*> hits;
  for (const auto& row : table) {
    if (matches(row.first, q)) hits.push_back(&row);
  }
  if (q.newest_first) std::reverse(hits.begin(), hits.end());
  if (q.limit > 0 && hits.size() > q.limit) hits.resize(q.limit);
  core::QueryResult out;
  if (hits.empty()) return out;
  std::set<std::string> names;  // every tag and field the table has, as influx lists them
  for (const auto& [key, fields] : table) {
    for (const auto& t : key.tags) names.insert(t.first);
    for (const auto& f : fields) names.insert(f.first);
  }
  out.columns.push_back("time");
  out.columns.insert(out.columns.end(), names.begin(), names.end());
  for (const auto* row : hits) {
    auto& cells = out.rows.emplace_back();
    cells.push_back(std::to_string(row->first.ts_ns));
    for (const auto& name : names) {
      auto t = row->first.tags.find(name);
      auto f = row->second.find(name);
      cells.push_back(t != row->first.tags.end() ? t->second
                      : f != row->second.end()   ? f->second
                                                 : std::string());
    }
  }
  return out;
}

}  // namespace

struct SimStore::Impl : std::enable_shared_from_this<Impl> {
  Impl(core::Clock& c, core::StoreOptions o) : clock(c), options(std::move(o)) {}

  core::Clock& clock;
  core::StoreOptions options;
  std::map<std::string, Table> tables;
  int writes_to_fail = 0;
  int fail_status = 503;
  std::int64_t write_latency_us = 0;
  std::int64_t query_latency_us = 0;
  bool available = true;

  /// Runs `fn` on the loop after `latency_us`, unless the store is gone by then.
  void later(std::int64_t latency_us, std::function<void(Impl&)> fn) {
    std::weak_ptr<Impl> weak = shared_from_this();
    clock.call_after(latency_us, [weak, fn = std::move(fn)] {
      if (auto self = weak.lock()) fn(*self);
    });
  }

  core::Status apply(const std::string& lines) {
    if (!available) return core::make_error(core::Errc::kUnavailable, "store write: unavailable");
    if (writes_to_fail > 0) {
      --writes_to_fail;
      return core::make_error(
          fail_status >= 500 ? core::Errc::kUnavailable : core::Errc::kInvalidArgument,
          "store write: HTTP {}: injected failure", fail_status);
    }
    auto rows = detail::parse_ilp(lines);
    if (!rows) {
      return core::make_error(core::Errc::kInvalidArgument, "store write: HTTP 400: {}",
                              rows.status().message);
    }
    for (auto& row : *rows) {
      const std::int64_t ts_ns = row.ts_ns ? *row.ts_ns : clock.wall_us() * 1000;
      tables[row.table][RowKey{ts_ns, std::move(row.tags)}] = std::move(row.fields);
    }
    return core::Status::ok();
  }
};

SimStore::SimStore(core::Clock& clock, core::StoreOptions options)
    : impl_(std::make_shared<Impl>(clock, std::move(options))) {}

SimStore::~SimStore() = default;

void SimStore::write(std::string_view lines, std::function<void(core::Status)> done) {
  impl_->later(impl_->write_latency_us, [lines = std::string(lines), done = std::move(done)](
                                            Impl& self) { done(self.apply(lines)); });
}

void SimStore::query(const core::StoreQuery& query,
                     std::function<void(core::Result<core::QueryResult>)> done) {
  impl_->later(impl_->query_latency_us, [query, done = std::move(done)](Impl& self) {
    if (!self.available) {
      return done(core::make_error(core::Errc::kUnavailable, "store query: unavailable"));
    }
    auto it = self.tables.find(query.table);
    done(it == self.tables.end() ? core::QueryResult{} : answer(it->second, query));
  });
}

void SimStore::fail_writes(int count, int http_status) {
  impl_->writes_to_fail = count;
  impl_->fail_status = http_status;
}

void SimStore::set_write_latency_us(std::int64_t latency_us) {
  impl_->write_latency_us = std::max<std::int64_t>(latency_us, 0);
}

void SimStore::set_query_latency_us(std::int64_t latency_us) {
  impl_->query_latency_us = std::max<std::int64_t>(latency_us, 0);
}

void SimStore::set_available(bool available) {
  impl_->available = available;
}

std::size_t SimStore::row_count(std::string_view table) const {
  auto it = impl_->tables.find(std::string(table));
  return it == impl_->tables.end() ? 0 : it->second.size();
}

}  // namespace sim
