#include "app/http/log_ring.hpp"

#include <spdlog/spdlog.h>

namespace tbgw::app::http {

std::shared_ptr<LogRingSink> log_ring() {
  // Installed once: the default logger is replaced by a copy with one more sink, and the old
  // one is kept alive forever, since another thread may be inside it at this moment.
  static std::shared_ptr<spdlog::logger> previous;
  static std::shared_ptr<LogRingSink> ring = [] {
    auto sink = std::make_shared<LogRingSink>();
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %-5l %v");
    previous = spdlog::default_logger();
    auto logger = previous->clone(previous->name());
    logger->sinks().push_back(sink);
    spdlog::set_default_logger(logger);
    return sink;
  }();
  return ring;
}

}  // namespace tbgw::app::http
