// Markdown reference of the configuration schema (config_docs.hpp).
#include "platform/linux/config_docs.hpp"

#include <initializer_list>
#include <string_view>

#include "core/config/config_key.hpp"
#include "core/config/config_schema.hpp"
#include "core/config/config_validate.hpp"
#include "platform/linux/config_json.hpp"
#include "platform/linux/config_text.hpp"

namespace tbgw::platform {
namespace {

// A table cell: '|' would end the cell.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

// Concatenation by appends: GCC 12 -Wrestrict misfires on chains of operator+ at -O3.
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const std::string_view p : parts) out.append(p);
  return out;
}

std::string code(std::string_view text) {
  return cat({"`", cell(text), "`"});
}

// An example file with two settings changed, produced by the real encoder.
std::string example_file() {
  config::GatewayConfig c;
  // Constant values the schema accepts (the docs test reads this example back).
  (void)config::set(c, "poll.live_interval_ms", std::int64_t{500});
  (void)config::set(c, "can.backend", std::string_view("slcan:/dev/ttyACM0"));
  return config_to_json(c);
}

constexpr std::string_view kIntro = R"(# Configuration reference

<!-- Generated from the schema in core/config/config_schema.cpp by `tinybms-gw config docs`.
     Do not edit by hand: config_docs_test fails when this file differs from the schema. -->

Every setting of tinybms-gw comes from one schema (`core/config/`). The same schema checks
the config file, the command-line flags, the REST API, MQTT commands and the web form, so a
value is accepted or refused the same way everywhere, and every refusal names the key and what
it allows.

## The file

`STATE_DIR/config.json`. STATE_DIR is `--state-dir` if given, else `$STATE_DIRECTORY` (set by
systemd's `StateDirectory=`), else `/var/lib/tinybms-gw` for an installed binary, else `./var`
when run from a checkout. Example:

```json
)";

constexpr std::string_view kFileRules = R"(```

- Only settings that differ from their default are written. A key that is absent has its
  default, so a default improved by a later release reaches everyone who did not choose
  otherwise.
- Integer settings take JSON integers (`1000`, not `1000.0`); enum settings take their name as
  a string.
- A file is accepted or refused as a whole: one unknown key or invalid value refuses it, and
  the log and the alerts say which key and why.
- Saving is atomic (temp file, fsync, rename, fsync of the directory): after a crash or power
  cut the file is the old or the new one, never a mix. A failed save (full or read-only disk)
  leaves the old file intact and reports the error.
- `config.json.last-good` is a copy of the last file that loaded or was saved. If
  `config.json` is corrupt, empty or invalid, the gateway starts from the last-good copy (or
  from the defaults if there is none), says so in the log and in its status: a bad file never
  stops the service. A missing `config.json` means the defaults (first start).
- `schema_version` lets later releases rename keys: an older file is migrated when loaded. A
  file from a newer release is refused.
- Command-line flags override the file for the run they are given in.
- **live** settings take effect at once; **restart** settings are saved at once and take
  effect at the next start of the service.

## Settings

| key | type | unit | default | allowed | applies | description |
|---|---|---|---|---|---|---|
)";

}  // namespace

std::string config_reference_markdown() {
  std::string md(kIntro);
  md += example_file();
  md += kFileRules;
  for (const config::ConfigKey& k : config::schema()) {
    md += cat({"| ", code(k.key), " | ", to_string(k.type), " | ", cell(k.unit), " | ",
               code(format_value(k.default_value)), " | ", cell(allowed_values(k)), " | ",
               to_string(k.apply), " | ", cell(k.description), " |\n"});
  }
  md +=
      "\n## Rules between settings\n\nChecked together with the values above; a change that "
      "breaks one is refused.\n\n";
  for (const config::CrossRule& r : config::cross_rules()) {
    md += cat({"- ", code(r.key), " ", to_string(r.relation), " ", code(r.other), "\n"});
  }
  return md;
}

}  // namespace tbgw::platform
