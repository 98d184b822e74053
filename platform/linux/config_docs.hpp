// The configuration reference, generated from the schema: docs/configuration.md is this text
// (`tinybms-gw config docs` prints it; config_docs_test fails when the committed file differs),
// so the documentation can never drift from the keys, ranges and defaults the code enforces.
#pragma once

#include <string>

namespace tbgw::platform {

// Markdown: the file format, then a table of every key (key, type, unit, default, allowed
// values, live or restart, description), then the rules between keys.
std::string config_reference_markdown();

}  // namespace tbgw::platform
