// The history CSV export is streamed (issue 18, finding 1): before, GET /api/history.csv on
// 48 h of raw history at 100 ms polling held the whole file in memory (RSS 14 -> 526 MB). Here
// the real gateway exports 200,000 stored rows (about 30 MB of CSV) through curl; the test
// checks that every row arrives once and in order across the page boundaries, that the
// gateway's peak RSS (VmHWM) grew far less than the body, that a third concurrent export is
// refused with 503 while two run, and that a client that stops reading frees its export.
#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

#include "core/history/history_record.hpp"
#include "http/http_harness.hpp"
#include "platform/linux/history_store.hpp"

namespace tbgw::test {
namespace {

constexpr int kRows = 200'000;
constexpr std::int64_t kStepMs = 100;

std::int64_t first_row_ms() {
  // Ending an hour ago: the live simulator's own rows come after the range.
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return (now - 3'600'000 - kRows * kStepMs) / 1000 * 1000;
}

void store_rows(const std::filesystem::path& dir, std::int64_t first_ms) {
  platform::HistoryStore store(dir);
  ASSERT_TRUE(store.open().ok());
  platform::HistoryBatch batch;
  for (int i = 0; i < kRows; ++i) {
    history::HistoryRecord r;
    r.unix_ms = first_ms + i * kStepMs;
    r.cell_count = 16;
    r.status_raw = 0x97;
    r.values.fill(history::kNoValue);
    r.set(history::Field::pack_voltage_v, 52.0F + 0.001F * static_cast<float>(i % 1000));
    r.set(history::Field::soc_pct, 50.0F);
    for (std::size_t c = 0; c < 16; ++c) r.values[history::kFirstCellField + c] = 3250.0F;
    batch.raw.push_back(r);
    if (batch.raw.size() == 20'000) {
      ASSERT_TRUE(store.write(batch)) << store.reason();
      batch.raw.clear();
    }
  }
}

// The gateway's peak resident memory so far, in kB (VmHWM).
long peak_rss_kb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

class HttpExport : public ::testing::Test {
 protected:
  void SetUp() override {
    first_ms_ = first_row_ms();
    gw_ = std::make_unique<GatewayUnderTest>(
        "{}", std::vector<std::string>{}, false,
        [this](const std::filesystem::path& dir) { store_rows(dir, first_ms_); });
    token_ = gw_->cli("token create --name export");
    while (!token_.empty() && token_.back() == '\n') token_.pop_back();
    ASSERT_FALSE(token_.empty());
  }
  std::string export_url() const {
    return gw_->url("/api/history.csv?tier=raw&from=" + std::to_string(first_ms_) +
                    "&to=" + std::to_string(first_ms_ + kRows * kStepMs));
  }
  std::string bearer() const { return "-H 'Authorization: Bearer " + token_ + "' "; }

  std::int64_t first_ms_ = 0;
  std::unique_ptr<GatewayUnderTest> gw_;
  std::string token_;
};

TEST_F(HttpExport, GIVEN_200k_stored_rows_WHEN_exported_THEN_all_rows_in_order_and_memory_bounded) {
  const long before_kb = peak_rss_kb(gw_->process().pid());
  ASSERT_GT(before_kb, 0);
  const auto file = gw_->dir() / "export.csv";
  const std::string head = shell("curl -s -D - -o " + file.string() + " --max-time 120 " +
                                 bearer() + "'" + export_url() + "'");
  const long after_kb = peak_rss_kb(gw_->process().pid());
  EXPECT_NE(head.find("HTTP/1.1 200"), std::string::npos) << head;
  EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head;
  EXPECT_NE(head.find("attachment; filename=\"history-raw.csv\""), std::string::npos) << head;

  std::ifstream csv(file);
  std::string line;
  ASSERT_TRUE(std::getline(csv, line));
  EXPECT_EQ(line.rfind("time,status,cell_count", 0), 0U) << line;
  int rows = 0;
  std::string previous;
  bool ordered = true;
  std::uintmax_t bytes = line.size() + 1;
  while (std::getline(csv, line)) {
    bytes += line.size() + 1;
    const std::string time = line.substr(0, line.find(','));
    if (!previous.empty() && !(previous < time)) ordered = false;  // ISO 8601: text order
    previous = time;
    ++rows;
  }
  EXPECT_EQ(rows, kRows) << "every stored row exactly once";
  EXPECT_TRUE(ordered) << "strictly increasing times across the page boundaries";
  const long grown_kb = after_kb - before_kb;
  std::printf("export: %d rows, %ju bytes; gateway peak RSS %ld -> %ld kB (+%ld kB)\n", rows, bytes,
              before_kb, after_kb, grown_kb);
  // The body is ~30 MB; holding it (or a copy) would grow the peak by at least that much.
  // Not under AddressSanitizer: its quarantine keeps freed pages (up to 256 MB) resident, so
  // the peak there measures the sanitizer, not the export.
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "peak RSS is not meaningful under AddressSanitizer (rows checked above)";
#else
  EXPECT_LT(grown_kb * 1024, static_cast<long>(bytes / 4)) << "the export must be streamed";
#endif
}

TEST_F(HttpExport, GIVEN_two_exports_running_WHEN_a_third_comes_THEN_503_and_a_dropped_one_frees) {
  // Two slow readers (20 kB/s: a 32 MB export takes them minutes) hold both export places. Each
  // is started only when the one before has received bytes (so it holds its place), else the
  // second could be the one refused.
  std::vector<std::string> pids;
  for (int i = 0; i < 2; ++i) {
    const auto out = gw_->dir() / ("slow-" + std::to_string(i) + ".csv");
    std::string pid = shell("curl -s -o " + out.string() + " --limit-rate 20k --max-time 120 " +
                            bearer() + "'" + export_url() + "' >/dev/null 2>&1 & echo $!");
    while (!pid.empty() && pid.back() == '\n') pid.pop_back();
    pids.push_back(pid);
    std::error_code ec;
    for (int k = 0; k < 300 && !(std::filesystem::file_size(out, ec) > 0 && !ec); ++k) {
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_GT(std::filesystem::file_size(out, ec), 0U) << "slow export " << i << " never started";
  }
  const std::string third =
      gw_->curl(bearer() + "'" + export_url() + "' -o /dev/null -w '%{http_code}'");
  EXPECT_NE(third.find("503"), std::string::npos) << third;
  // The slow clients go away: their exports end (a failed write closes the connection).
  for (const auto& pid : pids) shell("kill " + pid + " 2>/dev/null");
  std::string again;
  for (int i = 0; i < 100; ++i) {
    again = shell("curl -s -o /dev/null -w '%{http_code}' --max-time 120 " + bearer() + "'" +
                  export_url() + "'");
    if (again == "200") break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(again, "200");
}

}  // namespace
}  // namespace tbgw::test
