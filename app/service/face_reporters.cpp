// FaceReporters (face_reporters.hpp).
#include "app/service/face_reporters.hpp"

#include <algorithm>

namespace tbgw::app {

FaceReporters::Registration FaceReporters::add(std::string face, FaceReporter reporter) {
  entries_.push_back(Entry{++last_id_, std::move(face), std::move(reporter)});
  return Registration(*this, last_id_);
}

std::vector<std::pair<std::string, FaceReport>> FaceReporters::reports() const {
  std::vector<std::pair<std::string, FaceReport>> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.emplace_back(e.face, e.reporter());
  return out;
}

void FaceReporters::remove(std::uint64_t id) {
  std::erase_if(entries_, [id](const Entry& e) { return e.id == id; });
}

}  // namespace tbgw::app
