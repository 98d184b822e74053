#include "platform/linux/energy_store.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <nlohmann/json.hpp>
#include <system_error>

#include "platform/linux/atomic_file.hpp"

namespace tbgw::platform {

namespace {

struct Field {
  const char* name;
  double msg::EnergyCounters::*member;
};
constexpr Field kFields[] = {
    {"wh_charged", &msg::EnergyCounters::wh_charged},
    {"wh_discharged", &msg::EnergyCounters::wh_discharged},
    {"ah_charged", &msg::EnergyCounters::ah_charged},
    {"ah_discharged", &msg::EnergyCounters::ah_discharged},
};

bool file_exists(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::exists(p, ec);
}

// Reads and validates one copy. Returns false with `why` on any problem.
bool read_copy(const std::filesystem::path& p, msg::EnergyCounters& out, std::string& why) {
  const auto text = read_small_file(p, 64 * 1024);
  if (!text) {
    why = to_string(text.error());
    return false;
  }
  const auto parsed = energy_counters_from_json(*text);
  if (!parsed) {
    why = p.string() + ": " + to_string(parsed.error());
    return false;
  }
  out = *parsed;
  return true;
}

EnergyLoadResult load_impl(const std::filesystem::path& file,
                           const std::filesystem::path& last_good,
                           const std::filesystem::path& corrupt, bool& file_known_good) {
  EnergyLoadResult r;
  std::string file_problem;
  const bool file_missing = !file_exists(file);
  if (!file_missing) {
    if (read_copy(file, r.counters, file_problem)) {
      file_known_good = true;
      r.source = EnergyLoadSource::file;
      r.detail = "energy counters loaded from " + file.string();
      return r;
    }
    // Move the damaged file out of the way so that no later save can promote it to the last
    // good copy; a human can still look at it.
    if (::rename(file.c_str(), corrupt.c_str()) == 0) {
      file_problem += " (kept as " + corrupt.string() + ")";
    } else {
      file_problem += " (could not move it aside: " + std::string(std::strerror(errno)) + ")";
    }
  } else {
    file_problem = file.string() + " does not exist";
  }

  if (file_exists(last_good)) {
    std::string last_good_problem;
    if (read_copy(last_good, r.counters, last_good_problem)) {
      r.source = EnergyLoadSource::last_good;
      r.detail = file_problem + "; energy counters restored from " + last_good.string() +
                 " (energy counted since that copy is lost)";
      return r;
    }
    r.counters = {};
    r.source = EnergyLoadSource::reset;
    r.detail = file_problem + "; " + last_good_problem + "; energy counters start from zero";
    return r;
  }
  if (file_missing) {
    r.source = EnergyLoadSource::none;
    r.detail = "no energy counters yet in " + file.parent_path().string() + "; starting from zero";
  } else {
    r.counters = {};
    r.source = EnergyLoadSource::reset;
    r.detail = file_problem + "; no last good copy; energy counters start from zero";
  }
  return r;
}

}  // namespace

const char* to_string(EnergyLoadSource s) {
  switch (s) {
    case EnergyLoadSource::file:
      return "file";
    case EnergyLoadSource::last_good:
      return "last_good";
    case EnergyLoadSource::none:
      return "none";
    case EnergyLoadSource::reset:
      return "reset";
  }
  return "invalid";
}

std::string energy_counters_to_json(const msg::EnergyCounters& c) {
  nlohmann::ordered_json j;
  j["version"] = EnergyStore::kFormatVersion;
  for (const auto& f : kFields) j[f.name] = c.*f.member;
  return j.dump(2) + "\n";
}

Result<msg::EnergyCounters, EnergyError> energy_counters_from_json(std::string_view text) {
  try {
    const auto j = nlohmann::json::parse(text);
    if (!j.is_object()) return make_error(EnergyErrc::not_object);
    const auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer()) {
      return make_error(EnergyErrc::no_version);
    }
    if (version->get<std::int64_t>() != EnergyStore::kFormatVersion) {
      return make_error(EnergyErrc::unsupported_version, 0, version->dump());
    }
    msg::EnergyCounters c;
    for (const auto& f : kFields) {
      const auto it = j.find(f.name);
      if (it == j.end() || !it->is_number()) {
        return make_error(EnergyErrc::missing_total, 0, std::string("\"") + f.name + "\"");
      }
      c.*f.member = it->get<double>();
    }
    if (!msg::is_valid(c)) return make_error(EnergyErrc::invalid_total);
    return c;
  } catch (const nlohmann::json::exception& e) {
    return make_error(EnergyErrc::bad_json, 0, e.what());  // names the byte offset
  } catch (const std::exception& e) {
    return make_error(EnergyErrc::out_of_memory, 0, e.what());
  }
}

EnergyStore::EnergyStore(const std::filesystem::path& state_dir)
    : file_(state_dir / kFileName),
      last_good_(file_.string() + std::string(kLastGoodSuffix)),
      corrupt_(file_.string() + std::string(kCorruptSuffix)) {}

EnergyLoadResult EnergyStore::load() {
  try {
    return load_impl(file_, last_good_, corrupt_, file_known_good_);
  } catch (const std::exception& e) {  // allocation only; keep the promise that load works
    EnergyLoadResult r;
    r.source = EnergyLoadSource::reset;
    r.detail = e.what();
    return r;
  }
}

Result<void, EnergyError> EnergyStore::save(const msg::EnergyCounters& c) {
  if (!msg::is_valid(c)) {
    ++stats_.save_failures;
    return make_error(EnergyErrc::invalid_counters);
  }
  try {
    AtomicWriteOptions options;
    if (file_known_good_) options.keep_previous_as = last_good_;
    if (auto w = write_file_atomically(file_, energy_counters_to_json(c), options); !w) {
      ++stats_.save_failures;
      return wrap_error(EnergyErrc::write_failed, w.error());
    }
  } catch (const std::exception& e) {
    ++stats_.save_failures;
    return make_error(EnergyErrc::out_of_memory, 0, e.what());
  }
  file_known_good_ = true;
  ++stats_.saves;
  return {};
}

}  // namespace tbgw::platform
